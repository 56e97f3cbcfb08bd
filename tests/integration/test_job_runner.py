"""The in-process job runner on SQLite and PostgreSQL stores: jobs by name, failures recorded and
logged (never swallowed), daily jobs enqueued once a day at jobs_daily_at, the background thread."""

from __future__ import annotations

import dataclasses
import logging
import time
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from egide.adapters.jobs import JobRegistry, build_job_queue, builtin_jobs
from egide.adapters.jobs.inprocess import InProcessRunner
from egide.adapters.store.tables import audit_events
from egide.domain.errors import InvalidInputError
from egide.services.audit import verify_audit_trail


@pytest.fixture
def calls():
    return []


@pytest.fixture
def registry(calls):
    registry = JobRegistry()
    registry.job("test.note", lambda app, n: calls.append(n))

    def fail(app, n):
        raise RuntimeError(f"the database of job {n} is unreachable")

    registry.job("test.fail", fail)
    return registry


@pytest.fixture
def runner(app, registry):
    return InProcessRunner(app, registry)


def _actions(app):
    with app.engine.connect() as c:
        return [r.action for r in c.execute(select(audit_events.c.action).where(
            audit_events.c.object_type == "job").order_by(audit_events.c.seq))]


def test_an_enqueued_job_runs_by_name_and_is_recorded_as_succeeded(app, runner, calls):
    job_id = runner.enqueue("test.note", n=7)
    assert runner.journal.get(job_id).status == "queued" and calls == []
    done = runner.run_pending()
    assert calls == [7] and [j.id for j in done] == [job_id]
    record = runner.journal.get(job_id)
    assert record.status == "succeeded" and record.attempts == 1 and record.error is None
    assert _actions(app) == ["job.enqueued", "job.started", "job.succeeded"]
    assert verify_audit_trail(app.store).intact


def test_a_job_that_raises_is_logged_and_recorded_as_failed_and_the_next_one_still_runs(app, runner, calls, caplog):
    failing = runner.enqueue("test.fail", n=1)
    after = runner.enqueue("test.note", n=2)
    with caplog.at_level(logging.ERROR, logger="egide.jobs"):
        done = runner.run_pending()
    assert [j.status for j in done] == ["failed", "succeeded"] and calls == [2]
    record = runner.journal.get(failing)
    assert record.error == "RuntimeError: the database of job 1 is unreachable"
    assert runner.journal.list("failed")[0].id == failing and runner.journal.get(after).status == "succeeded"
    assert "test.fail" in caplog.text and "RuntimeError" in caplog.text  # with its traceback
    assert "job.failed" in _actions(app)


def test_an_unknown_job_name_is_refused_and_nothing_is_queued(runner):
    with pytest.raises(InvalidInputError) as error:
        runner.enqueue("retention.runn")
    assert "unknown job 'retention.runn'" in error.value.message and "test.note" in str(error.value)
    assert runner.journal.list() == []


def test_arguments_that_are_not_json_are_refused(runner):
    with pytest.raises(InvalidInputError):
        runner.enqueue("test.note", n=object())
    assert runner.journal.list() == []


def test_a_daily_job_registers_in_one_line_and_runs_once_a_day_from_its_time(app, registry, calls):
    registry.daily("retention.run", lambda app: calls.append("retention"))
    runner = InProcessRunner(app, registry)
    day = datetime(2026, 3, 10)
    assert runner.enqueue_daily(day.replace(hour=2, minute=59)) == []  # jobs_daily_at = 03:00 (UTC)
    assert len(runner.enqueue_daily(day.replace(hour=3))) == 1
    assert runner.enqueue_daily(day.replace(hour=23)) == []  # already enqueued today, by whoever noticed first
    runner.run_pending()
    assert calls == ["retention"]
    assert len(runner.enqueue_daily(day + timedelta(days=1, hours=4))) == 1
    runner.run_pending()
    assert calls == ["retention", "retention"]


def test_the_daily_time_comes_from_the_settings(app, registry, calls):
    registry.daily("retention.run", lambda app: calls.append("retention"))
    later = dataclasses.replace(app, settings=app.settings.model_copy(update={"jobs_daily_at": "22:30"}))
    runner = InProcessRunner(later, registry)
    assert runner.enqueue_daily(datetime(2026, 3, 10, 22, 29)) == []
    assert len(runner.enqueue_daily(datetime(2026, 3, 10, 22, 30))) == 1


def test_the_background_thread_works_the_queue_until_stopped(app, registry, calls):
    fast = dataclasses.replace(app, settings=app.settings.model_copy(update={"jobs_poll_seconds": 0.05}))
    runner = InProcessRunner(fast, registry)
    runner.start()
    try:
        runner.enqueue("test.fail", n=1)
        job_id = runner.enqueue("test.note", n=3)
        deadline = time.monotonic() + 10
        while runner.journal.get(job_id).status != "succeeded" and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        runner.stop()
    assert calls == [3]  # the failure before it did not stop the thread
    assert sorted(j.status for j in runner.journal.list()) == ["failed", "succeeded"]


def test_the_settings_choose_the_in_process_runner_by_default(app):
    runner = build_job_queue(app)
    assert runner.name == "inprocess" and "request.run" in runner.registry.jobs
    assert builtin_jobs().get("request.run").queue == "requests"


def test_a_job_interrupted_by_a_crash_is_queued_again_at_the_next_start_and_completes(app, registry, calls):
    crashed = InProcessRunner(app, registry)
    job_id = crashed.enqueue("test.note", n=9)
    assert crashed.journal.claim_next("inprocess").id == job_id  # taken, then the process died
    assert crashed.journal.get(job_id).status == "running" and calls == []
    fast = dataclasses.replace(app, settings=app.settings.model_copy(update={"jobs_poll_seconds": 0.05}))
    restarted = InProcessRunner(fast, registry)
    restarted.start()
    try:
        deadline = time.monotonic() + 10
        while restarted.journal.get(job_id).status != "succeeded" and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        restarted.stop()
    record = restarted.journal.get(job_id)
    assert record.status == "succeeded" and record.attempts == 2 and calls == [9]
    assert "job.requeued" in _actions(app)
