"""The public forms' rate limits counted in the store, on SQLite and PostgreSQL: two apps on one store
(two `egide serve` processes) share the limit; concurrent tries never take more than the limit; ended
windows are purged; the store holds no address."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from egide.adapters.http.app import create_app
from egide.adapters.store.rate_limit_repositories import RateLimitWindows
from egide.adapters.store.tables import rate_limit_windows
from egide.bootstrap import build_app
from egide.register.loader import load_register
from egide.services.registers import activate_register
from tests.conftest import CLEAN_REGISTER, dump_yaml

WINDOW = (datetime(2026, 1, 31, 9, 0), datetime(2026, 1, 31, 10, 0))


def _intake(client: TestClient, email: str) -> int:
    page = client.get("/centre/requests/new/access")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    return client.post("/centre/requests/new/access", data={"csrf_token": token, "email": email, "text": "Merci"},
                       follow_redirects=False).status_code


def test_two_apps_on_one_store_share_the_limit_of_a_public_form(app, settings, clock, tmp_path):
    activate_register(app.store, load_register(dump_yaml(CLEAN_REGISTER, tmp_path / "register.yaml")), "test")
    app.registers.refresh()
    other = build_app(settings, clock=clock)  # a second process on the same store
    try:
        with TestClient(create_app(app), base_url="http://testserver") as first, \
                TestClient(create_app(other), base_url="http://testserver") as second:
            statuses = [_intake(first, f"a{n}@example.com") for n in range(3)]
            statuses += [_intake(second, f"b{n}@example.com") for n in range(2)]
            assert statuses == [303] * 5  # the intake allows 5 an hour per address, across both
            assert _intake(second, "c@example.com") == 429
            assert _intake(first, "d@example.com") == 429
            clock.advance(timedelta(hours=1))  # the next window
            assert _intake(second, "e@example.com") == 303
        with app.engine.connect() as c:
            keys = list(c.execute(select(rate_limit_windows.c.key_sha256)).scalars())
        assert keys and all(re.fullmatch(r"[0-9a-f]{64}", k) for k in keys)  # an HMAC, never the address
    finally:
        other.close()


def test_concurrent_tries_never_take_more_than_the_limit(app):
    windows = [RateLimitWindows(app.engine), RateLimitWindows(app.engine)]  # as two processes would

    def take(n: int) -> bool:
        return windows[n % 2].take("k" * 64, *WINDOW, tries=12)

    with ThreadPoolExecutor(max_workers=6) as pool:
        taken = list(pool.map(take, range(30)))
    assert taken.count(True) == 12
    with app.engine.connect() as c:
        assert c.execute(select(rate_limit_windows.c.hits)).scalar_one() == 12  # refused tries are not counted


def test_ended_windows_are_purged(app):
    windows = RateLimitWindows(app.engine)
    assert windows.take("a" * 64, *WINDOW, tries=1)
    assert windows.take("b" * 64, WINDOW[1], WINDOW[1] + timedelta(hours=1), tries=1)
    assert windows.purge(WINDOW[1]) == 1
    with app.engine.connect() as c:
        assert c.execute(select(func.count()).select_from(rate_limit_windows)).scalar_one() == 1
