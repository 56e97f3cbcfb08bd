"""`egide retention run` killed with SIGKILL once its first batch is recorded, then run again:
the same end state as an uninterrupted run on the same shop; on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from egide.demo import shop
from egide.register.loader import load_register
from egide.services.registers import activate_register
from egide.services.retention import list_runs, run_retention
from egide.services.retention.archive import archive_engine, archive_table
from tests.conftest import EXAMPLES, ROOT
from tests.integration.execution_shop import snapshot
from tests.integration.retention_shop import NOW, SHOP_DATASET, build, database, okasio


def _batches(app) -> int:  # type: ignore[no-untyped-def]
    from egide.adapters.store.tables import retention_batches

    with app.store.unit_of_work(read_only=True) as uow:
        return uow.connection.execute(select(func.count()).select_from(retention_batches)).scalar_one()


def _archived(db) -> list[tuple]:  # type: ignore[no-untyped-def]
    engine = archive_engine(db)
    table = archive_table(engine, shop.CARD_PAYMENT_PROOFS, create=False)
    if table is None:
        return []
    with engine.connect() as connection:
        return sorted(tuple(r) for r in connection.execute(select(table.c.id, table.c.egide_purge_after)))


def _kill_after_first_batch(app, settings, company_url: str, archive_url: str) -> int:  # type: ignore[no-untyped-def]
    env = {**os.environ, "EGIDE_DATA_DIR": str(settings.data_dir), "EGIDE_DATABASE_URL": settings.database_url,
           "SHOP_DATABASE_URL": company_url, "SHOP_ARCHIVE_URL": archive_url}
    command = [str(Path(sys.executable).parent / "egide"), "retention", "run", "--dataset", str(SHOP_DATASET),
               "--at", NOW.isoformat(), "--batch-size", "1", "--quiet"]
    worker = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    try:
        while _batches(app) == 0 and worker.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(worker.pid, signal.SIGKILL)
    finally:
        worker.wait(timeout=30)
    return worker.returncode


def test_a_run_killed_after_its_first_batch_resumes_to_the_same_end_state(app, settings, database_url, tmp_path,
                                                                          monkeypatch):
    company_url = f"sqlite:///{tmp_path / 'shop.db'}" if database_url.startswith("sqlite") else database_url
    company = build(str(tmp_path / "shop.db") if database_url.startswith("sqlite") else database_url, tmp_path)
    activate_register(app.store, load_register(EXAMPLES / "002-okasio.yaml"), "test")
    killed_archive = f"sqlite:///{tmp_path / 'archive-killed.db'}"

    code = _kill_after_first_batch(app, settings, company_url, killed_archive)
    assert code == -signal.SIGKILL, "the run ended before it could be killed"
    assert [r["status"] for r in list_runs(app.store)] == ["running"]
    recorded = _batches(app)
    assert recorded >= 1

    monkeypatch.setenv("SHOP_ARCHIVE_URL", killed_archive)
    db = database(company, tmp_path)
    resumed = run_retention(app.store, okasio(), [db], batch_size=1)
    assert resumed.resumed and resumed.at == NOW
    after_kill, archived_after_kill = snapshot(company), _archived(db)

    build(company_url.removeprefix("sqlite:///") if company_url.startswith("sqlite") else company_url, tmp_path)
    monkeypatch.setenv("SHOP_ARCHIVE_URL", f"sqlite:///{tmp_path / 'archive-straight.db'}")
    straight = run_retention(app.store, okasio(), [database(company, tmp_path)], NOW, batch_size=1)
    assert not straight.resumed
    assert snapshot(company) == after_kill
    assert _archived(db) == archived_after_kill
    # Nothing counted twice; a batch killed after its commit but before its record is the one thing
    # the counts can miss (one batch of one row here).
    total = sum(c.rows for c in straight.counts)
    assert total - 1 <= sum(c.rows for c in resumed.counts) <= total
    company.dispose()
