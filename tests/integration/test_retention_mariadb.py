"""Retention on a MariaDB company database is refused up front, with the reason, before anything
is read or changed (its anonymizations and batches are written for SQLite and PostgreSQL; the
rights requests do run on MariaDB: tests/integration/test_execution.py)."""

from __future__ import annotations

import pytest

from egide.domain.errors import ConfigurationError
from egide.services.retention import plan_retention, run_retention
from tests.integration.execution_shop import snapshot
from tests.integration.retention_shop import NOW, build, database, okasio


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_retention_on_a_mariadb_company_database_is_refused_clearly_and_changes_nothing(app, mariadb_url, tmp_path):
    engine = build(mariadb_url, tmp_path)
    before = snapshot(engine)
    try:
        for attempt in (plan_retention, run_retention):
            with pytest.raises(ConfigurationError, match="retention runs on SQLite and PostgreSQL .* not on mysql"):
                attempt(app.store, okasio(), [database(engine, tmp_path)], NOW)
        assert snapshot(engine) == before
        with app.store.unit_of_work(read_only=True) as uow:
            assert not [e for e in uow.audit.events() if e.action == "retention.batch_done"]
    finally:
        engine.dispose()
