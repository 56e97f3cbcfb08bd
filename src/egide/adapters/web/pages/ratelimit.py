"""Rate limits for the public pages: a fixed window per (form, client address), counted in the store.

Every public form (request intake, code verification, a new code, consent withdrawal, the status
page) goes through one :class:`RateLimiter` kept on the FastAPI app. A client over its limit gets a
``RateLimitedError`` (HTTP 429, with ``Retry-After``) and nothing is done.

The counters live in the store (``rate_limit_windows``, revision 0015, through the ``WindowCounters``
port: ``adapters/store/rate_limit_repositories.py``), so every process on the store (several
`egide serve`, workers on several machines) counts the same tries: one UPSERT per try. A window is
whole periods of the limit since 1970 (UTC): at most ``tries`` in it, so a burst across a window's
edge may reach twice the limit, never more. The key is an HMAC of the form and the address (the
keyring's lookup key): the store holds no address. Ended windows are deleted at most once a minute
per process. Time comes from the App's clock, so tests move it instead of sleeping.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, Protocol

from egide.domain.errors import EgideError

EPOCH = datetime(1970, 1, 1)
PURGE_EVERY = timedelta(minutes=1)


@dataclass
class RateLimitedError(EgideError):
    """Too many tries from one address: try again later (HTTP 429)."""

    retry_after: int = 60
    code: str = "rate_limited"


@dataclass(frozen=True)
class Limit:
    tries: int
    per: timedelta


# form -> limit per client address. Code checks are also capped per code by the request lifecycle.
DEFAULT_LIMITS = {
    "request": Limit(5, timedelta(hours=1)),
    "code": Limit(10, timedelta(minutes=15)),
    "new_code": Limit(3, timedelta(hours=1)),
    "consent": Limit(30, timedelta(hours=1)),
    "status": Limit(60, timedelta(minutes=1)),
}


class WindowCounters(Protocol):
    """The port: counters of tries per key and fixed window (the store's ``RateLimitWindows``)."""

    def take(self, key: str, window_start: datetime, window_end: datetime, tries: int) -> bool: ...

    def purge(self, now: datetime) -> int: ...


def window_of(now: datetime, per: timedelta) -> tuple[datetime, datetime]:
    """The fixed window holding ``now`` (naive UTC): whole periods since 1970."""
    start = EPOCH + ((now - EPOCH) // per) * per
    return start, start + per


class RateLimiter:
    def __init__(self, now: Callable[[], datetime], counters: WindowCounters, key_hash: Callable[[str, str], str],
                 limits: dict[str, Limit] | None = None) -> None:
        self._now = now
        self._counters = counters
        self._key_hash = key_hash
        self._limits = dict(DEFAULT_LIMITS if limits is None else limits)
        self._purged_at: datetime | None = None
        self._lock = threading.Lock()

    def hit(self, form: str, client: str) -> None:
        """Count one try of ``form`` by ``client``; raise RateLimitedError past the limit (not counted)."""
        limit = self._limits[form]
        now = self._now()
        self._purge_now_and_then(now)
        start, end = window_of(now, limit.per)
        if not self._counters.take(self._key_hash(form, client), start, end, limit.tries):
            retry = max(1, math.ceil((end - now).total_seconds()))
            raise RateLimitedError(f"too many tries of this form from your address: try again in {retry} s",
                                   details={"retry_after_seconds": retry}, retry_after=retry)

    def _purge_now_and_then(self, now: datetime) -> None:
        with self._lock:
            due = self._purged_at is None or now - self._purged_at >= PURGE_EVERY
            if due:
                self._purged_at = now
        if due:
            self._counters.purge(now)
