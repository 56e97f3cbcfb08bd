"""`egide worker` with procrastinate on the real PostgreSQL: a request run put on the queue is worked
and answered; a job that raises is recorded as failed, in procrastinate and in Egide's journal."""

from __future__ import annotations

import json
import logging
import sqlite3
from datetime import datetime, timezone

import pytest
from typer.testing import CliRunner

from egide.adapters.cli.main import app as cli_app
from egide.adapters.jobs import JobRegistry, build_job_queue
from egide.adapters.jobs.procrastinate_runner import ProcrastinateRunner
from egide.bootstrap import build_app
from egide.demo.shop import build_shop
from egide.settings import Settings
from tests.conftest import EXAMPLES, ROOT

runner = CliRunner()
SHOP_DATASET = ROOT / "examples" / "datasets" / "shop.yaml"


@pytest.fixture
def egide(tmp_path, postgres_url, monkeypatch):
    """The CLI on a PostgreSQL store with job_runner = procrastinate, seed 002 active, the shop's dataset."""
    db = tmp_path / "shop" / "shop.db"
    build_shop(db, customers=30)
    monkeypatch.setenv("EGIDE_JOB_RUNNER", "procrastinate")
    monkeypatch.setenv("SHOP_DATABASE_URL", f"sqlite:///{db}")
    monkeypatch.setenv("EGIDE_DATASETS", json.dumps([str(SHOP_DATASET)]))
    data_dir = tmp_path / "egide"

    def cli(*args):
        return runner.invoke(cli_app, ["--data-dir", str(data_dir), "--database-url", postgres_url,
                                       *[str(a) for a in args]], catch_exceptions=False)

    assert cli("init").exit_code == 0
    assert cli("register", "activate", EXAMPLES / "002-okasio.yaml").exit_code == 0
    with sqlite3.connect(db) as c:
        email = c.execute("SELECT c.email FROM customers c JOIN orders o ON o.customer_id = c.id "
                          "JOIN invoices i ON i.order_id = o.id ORDER BY c.id LIMIT 1").fetchone()[0]
    settings = Settings(data_dir=data_dir, database_url=postgres_url, job_runner="procrastinate")
    return cli, settings, db, email


def _verified(cli, right, email):
    assert cli("request", "submit", "--right", right, "--email", email).exit_code == 0
    reference = json.loads(cli("request", "list", "--format", "json").stdout)[-1]["reference"]
    assert cli("request", "verify", "--reference", reference, "--manual", "--method", "test").exit_code == 0
    return reference


def test_the_worker_applies_its_schema_once(egide):
    cli, *_ = egide
    first = cli("worker", "--apply-schema")
    assert first.exit_code == 0 and "procrastinate schema applied" in first.stdout
    again = cli("worker", "--apply-schema")
    assert again.exit_code == 0 and "procrastinate schema present" in again.stdout


def test_a_queued_erasure_is_worked_by_egide_worker_once_and_answered(egide, caplog):
    cli, settings, db, email = egide
    assert cli("worker", "--apply-schema").exit_code == 0
    reference = _verified(cli, "erasure", email)
    queued = cli("request", "run", reference, "--queue")
    assert queued.exit_code == 0, queued.output
    assert f"{reference}: queued as job" in queued.stdout and "(procrastinate)" in queued.stdout
    assert json.loads(cli("request", "show", reference, "--format", "json").stdout)["status"] == "verified"
    worked = cli("worker", "--once", "--queue", "requests")
    assert worked.exit_code == 0, worked.output
    assert "1 job(s) succeeded, 0 failed" in worked.stdout
    shown = json.loads(cli("request", "show", reference, "--format", "json").stdout)
    assert shown["status"] == "answered" and "invoices" in shown["result"]
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT count(*) FROM customers WHERE email = ?", (email,)).fetchone()[0] == 0
    listed = json.loads(cli("jobs", "list", "--format", "json").stdout)
    assert [(j["name"], j["status"], j["runner"]) for j in listed] == [("request.run", "succeeded", "procrastinate")]
    # The same job delivered again (a retry after a crash): the answered request is a no-op, not an error.
    app = build_app(settings)
    try:
        again = build_job_queue(app)
        job_id = again.enqueue("request.run", reference=reference)
        with caplog.at_level(logging.INFO, logger="egide.jobs"):
            again.work(once=True)
        assert again.journal.get(job_id).status == "succeeded"
        assert f"request {reference} is already answered: nothing to run" in caplog.text
    finally:
        app.close()


def test_a_job_that_raises_is_recorded_as_failed_and_visible(egide, caplog):
    cli, settings, *_ = egide
    registry = JobRegistry()

    def broken(app, n):
        raise RuntimeError(f"the processor's endpoint {n} refused the connection")

    registry.job("test.broken", broken)
    app = build_app(settings)
    try:
        queue = ProcrastinateRunner(app, registry)
        queue.apply_schema()
        job_id = queue.enqueue("test.broken", n=3)
        with caplog.at_level(logging.ERROR):
            queue.work(once=True)
        record = queue.journal.get(job_id)
        assert record.status == "failed"
        assert record.error == "RuntimeError: the processor's endpoint 3 refused the connection"
        failed = queue.failed_in_queue()
        assert [(f["task"], f["args"]["egide_job_id"]) for f in failed] == [("test.broken", job_id)]
        assert "refused the connection" in caplog.text
    finally:
        app.close()
    listed = cli("jobs", "list", "--status", "failed")
    assert listed.exit_code == 0 and job_id in listed.stdout and "RuntimeError" in listed.stdout


def test_a_daily_job_becomes_a_procrastinate_periodic_task_recorded_when_it_runs(egide):
    cli, settings, *_ = egide
    registry = JobRegistry()
    runs = []
    registry.daily("retention.run", lambda app: runs.append("retention"))
    app = build_app(settings.model_copy(update={"jobs_daily_at": "04:15"}))
    try:
        queue = ProcrastinateRunner(app, registry)
        periodic = list(queue.procrastinate.periodic_registry.periodic_tasks.values())
        assert [(p.task.name, p.cron) for p in periodic] == [("retention.run", "15 4 * * *")]
        stamp = int(datetime(2026, 3, 10, 4, 15, tzinfo=timezone.utc).timestamp())
        queue.procrastinate.tasks["retention.run"](timestamp=stamp)  # what the worker calls at 04:15
        assert runs == ["retention"]
        assert [(j.name, j.status) for j in queue.journal.list()] == [("retention.run", "succeeded")]
    finally:
        app.close()


def test_a_run_ordered_over_http_goes_on_the_procrastinate_queue(egide):
    import httpx

    from tests.e2e.conftest import serve

    cli, settings, db, email = egide
    reference = _verified(cli, "access", email)
    app = build_app(settings)
    try:
        ProcrastinateRunner(app, JobRegistry()).apply_schema()
        for url in serve(app):  # the app on a loopback socket
            accepted = httpx.post(f"{url}/api/v1/desk/requests/{reference}/run", timeout=20)
        assert accepted.status_code == 202 and accepted.json()["runner"] == "procrastinate"
        queue = build_job_queue(app)
        queue.work(once=True)
        assert queue.journal.get(accepted.json()["job_id"]).status == "succeeded"
    finally:
        app.close()
    assert json.loads(cli("request", "show", reference, "--format", "json").stdout)["status"] == "answered"
