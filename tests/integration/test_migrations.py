"""Migrations go up, down and up again on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import inspect

from egide.adapters.store import schema
from egide.adapters.store.engine import build_engine
from egide.adapters.store.tables import metadata


def test_upgrade_downgrade_upgrade(database_url):
    engine = build_engine(database_url)
    try:
        schema.upgrade(engine)
        assert schema.current_revision(engine) == schema.head_revision()
        assert set(metadata.tables) <= set(inspect(engine).get_table_names())
        schema.downgrade(engine, "base")
        assert schema.current_revision(engine) is None
        assert not set(metadata.tables) & set(inspect(engine).get_table_names())
        schema.upgrade(engine)
        assert schema.current_revision(engine) == schema.head_revision()
    finally:
        engine.dispose()


def test_the_migrated_schema_matches_the_tables_the_code_queries(database_url):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    engine = build_engine(database_url)
    try:
        schema.upgrade(engine)
        with engine.connect() as c:
            diff = compare_metadata(MigrationContext.configure(c), metadata)
        assert diff == []
    finally:
        engine.dispose()
