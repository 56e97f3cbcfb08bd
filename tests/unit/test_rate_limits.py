"""The public forms' rate limiter: a fixed window per form and client address, on an injected clock,
its counters behind the ``WindowCounters`` port (here an in-memory fake; the store's own are tested
in tests/integration/test_shared_rate_limits.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from egide.adapters.web.pages.ratelimit import Limit, RateLimitedError, RateLimiter, window_of


class Clock:
    def __init__(self) -> None:
        self.at = datetime(2026, 1, 31, 9, 0)

    def now(self) -> datetime:
        return self.at


class Counters:
    def __init__(self) -> None:
        self.hits: dict[tuple[str, datetime], tuple[int, datetime]] = {}
        self.purges: list[datetime] = []

    def take(self, key: str, window_start: datetime, window_end: datetime, tries: int) -> bool:
        hits, _ = self.hits.get((key, window_start), (0, window_end))
        if hits >= tries:
            return False
        self.hits[(key, window_start)] = (hits + 1, window_end)
        return True

    def purge(self, now: datetime) -> int:
        self.purges.append(now)
        ended = [k for k, (_, end) in self.hits.items() if end <= now]
        for key in ended:
            del self.hits[key]
        return len(ended)


def keyed(form: str, client: str) -> str:
    return f"hmac({form}:{client})"


def test_a_client_over_the_limit_is_refused_with_the_seconds_to_wait_and_others_are_not():
    clock = Clock()
    limiter = RateLimiter(clock.now, Counters(), keyed, {"code": Limit(3, timedelta(minutes=15))})
    for _ in range(3):
        limiter.hit("code", "192.0.2.1")
    clock.at += timedelta(minutes=5)
    with pytest.raises(RateLimitedError) as refused:
        limiter.hit("code", "192.0.2.1")
    assert refused.value.code == "rate_limited" and refused.value.retry_after == 10 * 60
    limiter.hit("code", "192.0.2.2")  # another address has its own window


def test_the_window_is_fixed_and_a_new_one_starts_afresh():
    clock = Clock()
    limiter = RateLimiter(clock.now, Counters(), keyed, {"request": Limit(2, timedelta(hours=1))})
    limiter.hit("request", "a")
    clock.at += timedelta(minutes=30)
    limiter.hit("request", "a")
    with pytest.raises(RateLimitedError):
        limiter.hit("request", "a")
    clock.at += timedelta(minutes=30)  # 10:00: the next window
    limiter.hit("request", "a")
    limiter.hit("request", "a")
    with pytest.raises(RateLimitedError):
        limiter.hit("request", "a")


def test_windows_are_whole_periods_since_1970():
    assert window_of(datetime(2026, 1, 31, 9, 59, 59), timedelta(hours=1)) == (
        datetime(2026, 1, 31, 9, 0), datetime(2026, 1, 31, 10, 0))
    assert window_of(datetime(2026, 1, 31, 9, 7), timedelta(minutes=15)) == (
        datetime(2026, 1, 31, 9, 0), datetime(2026, 1, 31, 9, 15))


def test_ended_windows_are_purged_at_most_once_a_minute():
    clock = Clock()
    counters = Counters()
    limiter = RateLimiter(clock.now, counters, keyed, {"status": Limit(1, timedelta(minutes=1))})
    for n in range(600):
        limiter.hit("status", f"198.51.100.{n}")
        clock.at += timedelta(seconds=1)
    assert len(counters.purges) == 10
    assert len(counters.hits) <= 60  # a flood of addresses does not grow the counters without bound
