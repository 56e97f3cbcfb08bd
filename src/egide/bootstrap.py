"""Wire Egide from Settings. Nothing is created at import time: callers (CLI, tests, later the
HTTP app and workers) call these functions and pass the results down."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from egide.adapters.keyring import create_key_files, load_keyring
from egide.adapters.store import schema
from egide.adapters.store.engine import build_engine
from egide.adapters.store.unit_of_work import Store
from egide.domain.clock import Clock, SystemClock
from egide.domain.errors import ConfigurationError
from egide.services.active_register import RegisterCache
from egide.services.decisions import DecisionPoint
from egide.settings import Settings


@dataclass
class App:
    settings: Settings
    engine: Engine
    store: Store
    clock: Clock
    registers: RegisterCache
    decisions: DecisionPoint

    def close(self) -> None:
        self.engine.dispose()


def initialise(settings: Settings) -> list[str]:
    """Create the data directory, the key files (unless given by the environment) and the
    schema. Safe to run again: existing keys are kept and migrations are applied once."""
    done: list[str] = []
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    if settings.encryption_key is None or settings.lookup_key is None or settings.signing_key is None:
        for path in create_key_files(settings.keys_dir):
            done.append(f"created key {path}")
    engine = build_engine(settings.resolved_database_url, echo=settings.sql_echo)
    try:
        before = schema.current_revision(engine)
        schema.upgrade(engine)
        after = schema.current_revision(engine)
        if before != after:
            done.append(f"migrated store from {before or 'empty'} to {after}")
    finally:
        engine.dispose()
    return done


def build_app(settings: Settings, clock: Clock | None = None) -> App:
    engine = build_engine(settings.resolved_database_url, echo=settings.sql_echo)
    revision = schema.current_revision(engine)
    if revision != schema.head_revision():
        engine.dispose()
        raise ConfigurationError(
            f"the store at {settings.resolved_database_url} is at revision {revision or 'none'}, "
            f"expected {schema.head_revision()}: run `egide init`")
    keyring = load_keyring(
        settings.keys_dir,
        settings.encryption_key.get_secret_value() if settings.encryption_key else None,
        settings.lookup_key.get_secret_value() if settings.lookup_key else None,
        settings.signing_key.get_secret_value() if settings.signing_key else None,
        settings.master_key.get_secret_value() if settings.master_key else None,
    )
    clock = clock or SystemClock()
    store = Store(engine, keyring, clock)
    registers = RegisterCache(store)
    decisions = DecisionPoint(store, registers, ttl=settings.decision_cache_seconds)
    return App(settings=settings, engine=engine, store=store, clock=clock, registers=registers, decisions=decisions)
