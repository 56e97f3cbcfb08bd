"""`egide request run` killed with SIGKILL in the middle of an erasure, then run again: the end
state equals an uninterrupted run on a copy of the same database, and the audit trail verifies
and says the run resumed.

No hook in the code: the test holds real SQLite locks. It locks the shop database, starts the
command, waits until the store shows the first step done (the command then waits for the shop's
write lock), and either kills it there (nothing committed on the shop's side), or first locks
the store and lets the shop go, waits until the shop's rows are erased (committed) and kills it
while it waits to record that in the store.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

import pytest

from egide.demo.shop import build_shop
from tests.conftest import EXAMPLES, ROOT

SHOP_DATASET = ROOT / "examples" / "datasets" / "shop.yaml"
EGIDE = [sys.executable, "-c", "from egide.adapters.cli.main import run; run()"]
PATIENCE = 60.0  # seconds, for a loaded machine


def egide(data_dir: Path, *args: Any, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([*EGIDE, "--data-dir", str(data_dir), *[str(a) for a in args]], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert not check or result.returncode == 0, (args, result.stdout, result.stderr)
    return result


def run_command(data_dir: Path, reference: str, shop_dir: Path) -> list[str]:
    return [*EGIDE, "--data-dir", str(data_dir), "request", "run", reference, "--dataset", str(SHOP_DATASET),
            "--database-url", f"sqlite:///{shop_dir / 'shop.db'}", "--log-root", str(shop_dir)]


def submit_erasure(data_dir: Path, email: str) -> str:
    egide(data_dir, "request", "submit", "--right", "erasure", "--email", email)
    reference = json.loads(egide(data_dir, "request", "list", "--format", "json").stdout)[-1]["reference"]
    egide(data_dir, "request", "verify", "--reference", reference, "--manual", "--method", "test")
    return reference


def until(condition: Callable[[], bool], what: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + PATIENCE
    while not condition():
        if process.poll() is not None:
            raise AssertionError(f"the command ended before {what}: {process.communicate()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {PATIENCE:.0f}s for {what}")
        time.sleep(0.01)


def steps_done(store: Path) -> list[str]:
    with sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=30) as c:
        return [step for (step,) in c.execute("SELECT step FROM execution_steps ORDER BY id")]


def customer_row(shop: Path, customer_id: int) -> tuple[Any, ...]:
    with sqlite3.connect(f"file:{shop}?mode=ro", uri=True, timeout=30) as c:
        return c.execute("SELECT email, first_name, phone FROM customers WHERE id = ?", (customer_id,)).fetchone()


def dump(shop_dir: Path) -> dict[str, Any]:
    """Every row of every table, and every log file."""
    with sqlite3.connect(shop_dir / "shop.db") as c:
        names = [n for (n,) in c.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        tables = {n: c.execute(f'SELECT * FROM "{n}" ORDER BY 1').fetchall() for n in names}
    logs = {p.name: p.read_text(encoding="utf-8") for p in sorted((shop_dir / "logs").glob("*.log"))}
    return {"tables": tables, "logs": logs}


@pytest.fixture
def two_shops(tmp_path: Path) -> dict[str, Any]:
    """The same shop twice (one to kill, its copy to run straight) and one initialised store copied
    twice (same keys, so the keyed hashes written in the shops are the same)."""
    shop_dir = tmp_path / "shop"
    build_shop(shop_dir / "shop.db", customers=60, log_days=3)
    with sqlite3.connect(shop_dir / "shop.db") as c:
        customer_id, email = c.execute(
            "SELECT c.id, c.email FROM customers c JOIN orders o ON o.customer_id = c.id "
            "JOIN invoices i ON i.order_id = o.id JOIN support_tickets t ON t.customer_id = c.id "
            "ORDER BY c.id LIMIT 1").fetchone()
    copy_dir = tmp_path / "copy"
    shutil.copytree(shop_dir, copy_dir)
    base = tmp_path / "egide-base"
    egide(base, "init")
    egide(base, "register", "activate", EXAMPLES / "002-okasio.yaml")
    killed, straight = tmp_path / "egide-killed", tmp_path / "egide-straight"
    shutil.copytree(base, killed)
    shutil.copytree(base, straight)
    return {"shop": shop_dir, "copy": copy_dir, "killed": killed, "straight": straight, "email": email,
            "customer_id": customer_id}


def kill_mid_erasure(data_dir: Path, reference: str, shop_dir: Path, customer_id: int, after_commit: bool) -> None:
    """Start `egide request run` and SIGKILL it once its first step is recorded: either while it
    waits for the shop's write lock, or after the shop committed and before the store records it."""
    shop, store = shop_dir / "shop.db", data_dir / "egide.db"
    before = customer_row(shop, customer_id)
    shop_lock = sqlite3.connect(shop, timeout=30, isolation_level=None)
    store_lock = sqlite3.connect(store, timeout=30, isolation_level=None)
    shop_lock.execute("BEGIN IMMEDIATE")  # the command may read the shop, not write it
    process = subprocess.Popen(run_command(data_dir, reference, shop_dir), cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        until(lambda: "suppression" in steps_done(store), "the first step", process)
        if after_commit:
            store_lock.execute("BEGIN IMMEDIATE")  # the command may not record the next steps
            shop_lock.execute("ROLLBACK")  # ... but may now erase the shop's rows
            until(lambda: customer_row(shop, customer_id) != before, "the shop's erasure to commit", process)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)
        for lock in (shop_lock, store_lock):
            if lock.in_transaction:
                lock.execute("ROLLBACK")
            lock.close()
    assert process.returncode == -signal.SIGKILL
    assert steps_done(store) == ["suppression"]
    assert (customer_row(shop, customer_id) != before) is after_commit


@pytest.mark.parametrize("after_commit", [False, True], ids=["before-the-shop-commits", "after-the-shop-commits"])
def test_an_erasure_killed_mid_run_and_run_again_ends_as_an_uninterrupted_one(two_shops, after_commit):
    shops = two_shops
    killed_ref = submit_erasure(shops["killed"], shops["email"])
    kill_mid_erasure(shops["killed"], killed_ref, shops["shop"], shops["customer_id"], after_commit)

    resumed = subprocess.run(run_command(shops["killed"], killed_ref, shops["shop"]), cwd=ROOT, capture_output=True,
                             text=True, timeout=300)
    assert resumed.returncode == 0, (resumed.stdout, resumed.stderr)
    untouched = dump(shops["copy"])
    straight_ref = submit_erasure(shops["straight"], shops["email"])
    straight = subprocess.run(run_command(shops["straight"], straight_ref, shops["copy"]), cwd=ROOT,
                              capture_output=True, text=True, timeout=300)
    assert straight.returncode == 0, (straight.stdout, straight.stderr)

    after_kill, uninterrupted = dump(shops["shop"]), dump(shops["copy"])
    assert after_kill == uninterrupted
    assert uninterrupted != untouched  # the erasure did change the shop
    with sqlite3.connect(shops["shop"] / "shop.db") as c:
        kept = c.execute("SELECT count(*) FROM invoices i JOIN orders o ON o.id = i.order_id "
                         "WHERE o.customer_id = ?", (shops["customer_id"],)).fetchone()[0]
    assert kept >= 1  # the invoice is kept (ten years, Code de commerce)
    assert "L123-22" in resumed.stdout and "L123-22" in straight.stdout

    verified = egide(shops["killed"], "audit", "verify")
    assert verified.returncode == 0
    events = egide(shops["killed"], "audit", "list", "--limit", "500").stdout.splitlines()
    resumptions = [json.loads(line[line.index("{"):]) for line in events if " request.execution_resumed " in line]
    assert [r["steps_done_before"] for r in resumptions] == [["suppression"]]
    assert sum(" request.erasure_executed " in line for line in events) == 1

