"""Execution that survives a kill -9, and memory that stays flat for a person with 100 000 rows;
on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tracemalloc
from datetime import timedelta
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import Engine

from egide.bootstrap import App, build_app, initialise
from egide.demo import shop
from egide.domain.clock import FixedClock
from egide.services.execution import run_access, run_erasure
from egide.settings import Settings
from tests.conftest import ROOT
from tests.integration.execution_shop import ALICE, NOW, alice, build, company_engine, snapshot
from tests.unit.execution import okasio_with_invoices, shop_dataset

WORKER = """
import json, sys, time
from pathlib import Path
from egide.bootstrap import build_app
from egide.domain.clock import FixedClock
from egide.services.execution import run_erasure
from egide.settings import Settings
from tests.integration.execution_shop import NOW, alice, company_engine
from tests.unit.execution import okasio_with_invoices, shop_dataset

args = json.loads(sys.argv[1])
app = build_app(Settings(data_dir=Path(args["data_dir"]), database_url=args["store"], actor="test"),
                clock=FixedClock(NOW))

def stop(record):
    if record.step == "suppression":
        print("stopped after", record.step, flush=True)
        time.sleep(600)

run_erasure(app.store, dataset=shop_dataset(), engine=company_engine(args["company"]),
            register=okasio_with_invoices(), request_id=args["request"], identifiers=alice(),
            log_root=Path(args["root"]), on_step=stop)
"""


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    settings = Settings(data_dir=tmp_path / "data", database_url=f"sqlite:///{tmp_path / 'egide.db'}", actor="test")
    initialise(settings)
    return settings


@pytest.fixture
def store(settings: Settings) -> Iterator[App]:
    app = build_app(settings, clock=FixedClock(NOW))
    yield app
    app.close()


@pytest.fixture(params=["sqlite", "postgres"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return str(tmp_path / "shop.db") if request.param == "sqlite" else request.getfixturevalue("postgres_url")


@pytest.fixture
def company(target: str, tmp_path: Path) -> Iterator[Engine]:
    engine = company_engine(target)
    build(engine, tmp_path)
    yield engine
    engine.dispose()


def _state(company: Engine, root: Path) -> tuple[object, dict[str, str]]:
    logs = {p.name: p.read_text(encoding="utf-8") for p in sorted((root / "logs").glob("*.log"))}
    return snapshot(company), logs


def test_an_erasure_killed_after_its_first_step_resumes_to_the_same_end_state(settings, store, target, company,
                                                                               tmp_path):
    args = {"data_dir": str(settings.data_dir), "store": settings.database_url, "company": target,
            "root": str(tmp_path), "request": "req-killed"}
    worker = subprocess.Popen([sys.executable, "-c", WORKER, json.dumps(args)], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    line = ""
    try:
        line = worker.stdout.readline() if worker.stdout else ""
        if line.startswith("stopped after suppression"):
            os.kill(worker.pid, signal.SIGKILL)
    finally:
        if worker.poll() is None and not line.startswith("stopped after suppression"):
            worker.kill()
        worker.wait(timeout=30)
    assert line.startswith("stopped after suppression"), (line, worker.stderr.read() if worker.stderr else "")
    assert worker.returncode == -signal.SIGKILL
    with store.store.unit_of_work(read_only=True) as uow:
        done = list(uow.execution.steps("req-killed/shop"))
    assert done == ["suppression"]

    resumed = run_erasure(store.store, dataset=shop_dataset(), engine=company, register=okasio_with_invoices(),
                          request_id="req-killed", identifiers=alice(), log_root=tmp_path)
    assert resumed.skipped_steps == 1 and resumed.steps == 11
    after_kill = _state(company, tmp_path)

    build(company, tmp_path)  # the same shop again, erased without interruption
    straight = run_erasure(store.store, dataset=shop_dataset(), engine=company, register=okasio_with_invoices(),
                           request_id="req-straight", identifiers=alice(), log_root=tmp_path)
    assert _state(company, tmp_path) == after_kill
    assert straight.kept == resumed.kept and straight.erased == resumed.erased
    with store.store.unit_of_work(read_only=True) as uow:
        resumptions = [e.payload for e in uow.audit.events() if e.action == "request.execution_resumed"]
    assert resumptions == [{"run": "req-killed/shop", "steps_done_before": ["suppression"]}]


def _many_orders(company: Engine, count: int) -> None:
    """``count`` more orders for Alice, inserted in batches (executemany)."""
    batch = []
    with company.begin() as connection:
        for number in range(count):
            batch.append({"id": 1_000_000 + number, "customer_id": ALICE, "ordered_at": NOW - timedelta(minutes=number),
                          "status": "delivered", "total_cents": 1290 + number % 100,
                          "shipping_address": f"{number} rue de l'Exemple, 59000 Lille", "delivered_at": None})
            if len(batch) == 10_000:
                connection.execute(shop.ORDERS.insert(), batch)
                batch = []
        if batch:
            connection.execute(shop.ORDERS.insert(), batch)


def test_memory_stays_flat_while_streaming_a_person_with_a_hundred_thousand_rows(store, company, tmp_path):
    def peak_of(request_id: str) -> tuple[int, dict[str, int]]:
        tracemalloc.start()
        try:
            result = run_access(store.store, dataset=shop_dataset(), engine=company, register=okasio_with_invoices(),
                                request_id=request_id, identifiers=alice(), output_dir=tmp_path / request_id,
                                log_root=tmp_path)
            return tracemalloc.get_traced_memory()[1], result.rows
        finally:
            tracemalloc.stop()

    peak_of("warm-up")  # templates, reflection and statement caches
    small, small_rows = peak_of("small")
    _many_orders(company, 100_000)
    large, large_rows = peak_of("large")
    assert large_rows["orders"] == small_rows["orders"] + 100_000
    report = tmp_path / "large" / "access-large.json"
    assert report.stat().st_size > 10_000_000  # the rows really were written
    assert large < small + 4 * 1024 * 1024, (small, large)  # measured: +1 MB for 100 000 rows
