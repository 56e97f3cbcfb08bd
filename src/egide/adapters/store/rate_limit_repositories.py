"""The public forms' rate-limit counters in the store: one fixed-window counter per (form, address)
key, so every process on the store counts the same tries.

A try is one statement: ``INSERT ... ON CONFLICT (key, window) DO UPDATE SET hits = hits + 1 WHERE
hits < tries RETURNING hits`` (SQLite 3.35+ and PostgreSQL), so two processes never both take the
last try, and a refused try is not counted. Counters are operational, not a change of anyone's state:
they hold no personal data (the key is an HMAC) and write no audit event. Ended windows are deleted
by :meth:`RateLimitWindows.purge`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from egide.adapters.store.repositories import utc_naive
from egide.adapters.store.tables import rate_limit_windows as windows
from egide.domain.errors import ConfigurationError, StoreError

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


class RateLimitWindows:
    def __init__(self, engine: Engine) -> None:
        insert = _INSERTS.get(engine.dialect.name)
        if insert is None:
            raise ConfigurationError(f"shared rate limits need a SQLite or PostgreSQL store, not {engine.dialect.name}")
        self._engine = engine
        self._insert = insert

    def take(self, key: str, window_start: datetime, window_end: datetime, tries: int) -> bool:
        """Count one try in this window if fewer than ``tries`` were counted; False (nothing counted) if not."""
        statement = self._insert(windows).values(
            key_sha256=key, window_start=utc_naive(window_start), hits=1, expires_at=utc_naive(window_end))
        statement = statement.on_conflict_do_update(
            index_elements=[windows.c.key_sha256, windows.c.window_start],
            set_={"hits": windows.c.hits + 1}, where=windows.c.hits < tries).returning(windows.c.hits)
        try:
            with self._engine.begin() as connection:
                return connection.execute(statement).first() is not None
        except SQLAlchemyError as exc:
            raise StoreError(f"the store failed to count a try: {exc}") from exc

    def purge(self, now: datetime) -> int:
        """Delete the windows that have ended; returns how many."""
        try:
            with self._engine.begin() as connection:
                return connection.execute(delete(windows).where(windows.c.expires_at <= utc_naive(now))).rowcount
        except SQLAlchemyError as exc:
            raise StoreError(f"the store failed to purge the rate limits' windows: {exc}") from exc
