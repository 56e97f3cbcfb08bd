"""Rate limits for the public pages: a sliding window per (form, client address), in memory.

Every public form (request intake, code verification, a new code, consent withdrawal) goes
through one :class:`RateLimiter` kept on the FastAPI app. A client over its limit gets a
``RateLimitedError`` (HTTP 429, with ``Retry-After``) and nothing is done. The window is per
process: behind several workers each has its own (the limits are per worker; documented in
docs/privacy-centre.md). Time comes from the App's clock, so tests move it instead of sleeping.
"""

from __future__ import annotations

import threading
from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from egide.domain.errors import EgideError


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


class RateLimiter:
    def __init__(self, now: Callable[[], datetime], limits: dict[str, Limit] | None = None,
                 max_keys: int = 100_000) -> None:
        self._now = now
        self._limits = dict(DEFAULT_LIMITS if limits is None else limits)
        self._hits: dict[tuple[str, str], deque[datetime]] = defaultdict(deque)
        self._lock = threading.Lock()
        self._max_keys = max_keys

    def hit(self, form: str, client: str) -> None:
        """Count one try of ``form`` by ``client``; raise RateLimitedError past the limit (not counted)."""
        limit = self._limits[form]
        now = self._now()
        with self._lock:
            if len(self._hits) >= self._max_keys:
                self._forget_idle(now)
            window = self._hits[(form, client)]
            while window and window[0] <= now - limit.per:
                window.popleft()
            if len(window) >= limit.tries:
                retry = int((window[0] + limit.per - now).total_seconds()) + 1
                raise RateLimitedError(f"too many tries of this form from your address: try again in {retry} s",
                                       details={"retry_after_seconds": retry}, retry_after=retry)
            window.append(now)

    def _forget_idle(self, now: datetime) -> None:
        longest = max(limit.per for limit in self._limits.values())
        for key in [k for k, w in self._hits.items() if not w or w[-1] <= now - longest]:
            del self._hits[key]
        if len(self._hits) >= self._max_keys:  # still full: a flood of addresses; start over
            self._hits.clear()
