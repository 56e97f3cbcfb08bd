"""The daily `retention.run` job: the in-process runner enqueues it once a day and applies the
register's retention rules at the app's clock, on the datasets of the settings."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone

from egide.adapters.jobs import builtin_jobs
from egide.adapters.jobs.inprocess import InProcessRunner
from egide.domain.clock import FixedClock
from egide.register.loader import load_register
from egide.services.registers import activate_register
from egide.services.retention import list_runs, plan_retention
from tests.conftest import EXAMPLES
from tests.integration.retention_shop import SHOP_DATASET, build, database, okasio

LATER = datetime(2030, 3, 1, 4, 0, tzinfo=timezone.utc)


def _to_delete(plan) -> int:  # type: ignore[no-untyped-def]
    return sum(c.rows for c in plan.counts if c.action.value == "delete")


def test_the_daily_retention_job_applies_the_plan_at_the_apps_clock(app, tmp_path, monkeypatch):
    company = build(str(tmp_path / "shop.db"), tmp_path)
    monkeypatch.setenv("SHOP_DATABASE_URL", f"sqlite:///{tmp_path / 'shop.db'}")
    monkeypatch.setenv("SHOP_ARCHIVE_URL", f"sqlite:///{tmp_path / 'archive.db'}")
    activate_register(app.store, load_register(EXAMPLES / "002-okasio.yaml"), "test")
    before = plan_retention(app.store, okasio(), [database(company, tmp_path)], LATER)
    assert _to_delete(before) > 0

    later = dataclasses.replace(app, clock=FixedClock(LATER), settings=app.settings.model_copy(
        update={"datasets": [SHOP_DATASET], "jobs_daily_at": "03:00"}))
    runner = InProcessRunner(later, builtin_jobs())
    assert len(runner.enqueue_daily()) == len(runner.registry.daily_jobs)
    assert runner.enqueue_daily() == []  # once a day
    [job] = [j for j in runner.run_pending() if j.name == "retention.run"]

    assert job.status == "succeeded", job.error
    [run] = list_runs(app.store)
    assert run["status"] == "done"
    after = plan_retention(app.store, okasio(), [database(company, tmp_path)], LATER)
    assert _to_delete(after) == 0
    with app.store.unit_of_work(read_only=True) as uow:  # the prospects were asked before the run
        contacted = uow.recontacts.latest("prospect-data", "shop", "prospects")
        actions = [e.action for e in uow.audit.events()]
    assert contacted and actions.index("retention.recontact_recorded") < actions.index("retention.run_started")
    company.dispose()
