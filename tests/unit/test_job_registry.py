"""The job registry and what the procrastinate runner derives from the settings."""

from __future__ import annotations

import pytest

from egide.adapters.jobs import JobRegistry, builtin_jobs
from egide.adapters.jobs.procrastinate_runner import conninfo, daily_cron
from egide.domain.errors import ConfigurationError, InvalidInputError


def test_procrastinate_connects_with_the_store_url_and_keeps_its_search_path():
    url = "postgresql+psycopg://egide:p%40ss@db.example.com:5433/egide?options=-csearch_path%3Dtenant_a"
    assert conninfo(url) == "postgresql://egide:p%40ss@db.example.com:5433/egide?options=-csearch_path%3Dtenant_a"


def test_procrastinate_refuses_a_sqlite_store_with_a_clear_error():
    with pytest.raises(ConfigurationError) as error:
        conninfo("sqlite:///.egide/egide.db")
    assert "needs a PostgreSQL store" in error.value.message and "inprocess" in error.value.message


def test_the_daily_time_becomes_a_cron_line():
    assert daily_cron("03:00") == "0 3 * * *"
    assert daily_cron("22:45") == "45 22 * * *"


def test_a_daily_job_is_one_line_and_listed_with_the_daily_jobs():
    registry = builtin_jobs()
    built_in = ["privacy_centre.purge_exports", "retention.run", "audit.purge"]
    assert [s.name for s in registry.daily_jobs] == built_in
    registry.daily("audit.note", lambda app: None)
    assert [s.name for s in registry.daily_jobs] == [*built_in, "audit.note"]
    assert registry.get("retention.run").queue == "maintenance"
    assert not registry.get("request.run").daily


def test_an_unknown_job_names_the_known_ones():
    with pytest.raises(InvalidInputError) as error:
        JobRegistry().get("request.run")
    assert "unknown job 'request.run'" in error.value.message
