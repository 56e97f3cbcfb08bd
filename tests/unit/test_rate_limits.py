"""The public forms' rate limiter: a sliding window per form and client address, on an injected clock."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from egide.adapters.web.pages.ratelimit import Limit, RateLimitedError, RateLimiter


class Clock:
    def __init__(self) -> None:
        self.at = datetime(2026, 1, 31, 9, 0)

    def now(self) -> datetime:
        return self.at


def test_a_client_over_the_limit_is_refused_with_the_seconds_to_wait_and_others_are_not():
    clock = Clock()
    limiter = RateLimiter(clock.now, {"code": Limit(3, timedelta(minutes=15))})
    for _ in range(3):
        limiter.hit("code", "192.0.2.1")
    with pytest.raises(RateLimitedError) as refused:
        limiter.hit("code", "192.0.2.1")
    assert refused.value.code == "rate_limited" and refused.value.retry_after == 15 * 60 + 1
    limiter.hit("code", "192.0.2.2")  # another address has its own window


def test_the_window_slides_a_refused_try_is_not_counted():
    clock = Clock()
    limiter = RateLimiter(clock.now, {"request": Limit(2, timedelta(hours=1))})
    limiter.hit("request", "a")
    clock.at += timedelta(minutes=30)
    limiter.hit("request", "a")
    with pytest.raises(RateLimitedError):
        limiter.hit("request", "a")
    clock.at += timedelta(minutes=30, seconds=1)  # the first try left the window
    limiter.hit("request", "a")
    with pytest.raises(RateLimitedError):
        limiter.hit("request", "a")


def test_a_flood_of_addresses_does_not_grow_memory_without_bound():
    clock = Clock()
    limiter = RateLimiter(clock.now, {"status": Limit(1, timedelta(minutes=1))}, max_keys=100)
    for n in range(1000):
        limiter.hit("status", f"198.51.100.{n}")
        clock.at += timedelta(seconds=1)
    assert len(limiter._hits) <= 100
