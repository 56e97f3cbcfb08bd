"""The cookie banner in a real Chromium, on the demo shop served by a live Egide.

Each test opens the shop in a fresh browser context (no cookies), acts as a visitor would
(clicks, keys), and checks what really happened: which scripts ran, which cookies exist, what
Google's Consent Mode saw, and which events the ledger holds. Every page must run without a
JavaScript error and without a Content-Security-Policy violation.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest
from sqlalchemy import select

from egide.adapters.store.tables import consent_events
from egide.adapters.web.banner import verify_banner_sha256
from egide.services.consent import consent_proof
from tests.conftest import EXAMPLES, dump_yaml, load_yaml
from tests.e2e.conftest import LiveServer, egide_app, serve

playwright = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
DIALOG = "#egide-banner [role=dialog]"
OPTIONAL = {"functional", "analytics"}  # the categories of seed 002 that need consent


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing under CI: the browser tests must run")
        pytest.skip(f"the banner tests need Debian's chromium at {CHROMIUM}")
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Visitor:
    """One person's browser: a fresh context, its page, and every error the page raised."""

    server: LiveServer
    context: Any
    page: Any
    errors: list[str] = field(default_factory=list)

    def open_shop(self) -> None:
        self.page.goto(self.server.url + "/demo/shop")

    def dialog(self) -> Any:
        return self.page.locator(DIALOG)

    def wait_for_banner(self) -> None:
        self.dialog().wait_for(state="visible")

    def choose(self, selector: str) -> dict[str, Any]:
        """Click a button of the banner and wait until the ledger answered."""
        with self.page.expect_response(lambda r: r.url.endswith("/api/v1/consents")
                                       and r.request.method == "POST") as answer:
            self.page.click(selector)
        assert answer.value.status == 201, answer.value.text()
        return answer.value.json()

    def cookies(self) -> dict[str, str]:
        return {c["name"]: c["value"] for c in self.context.cookies()}

    def consent_record(self) -> dict[str, Any]:
        return decode(self.cookies()["egide_consent"])

    def set_consent_cookie(self, value: str) -> None:
        self.context.add_cookies([{"name": "egide_consent", "value": value, "url": self.server.url}])

    def analytics_ran(self) -> bool:
        return self.page.evaluate("() => window.__analyticsRuns === 1 && document.body.dataset.analyticsRan === 'yes'")

    def active_element(self) -> str:
        return self.page.evaluate(
            "() => { const e = document.activeElement; return (e.id ? '#' + e.id : e.tagName) + '|' + "
            "(e.textContent || '').trim() + '|' + !!e.closest('#egide-banner'); }")


def _visitor(browser: Any, server: LiveServer, **context_options: Any) -> Iterator[Visitor]:
    options = {"viewport": {"width": 1280, "height": 800}, "locale": "fr-FR", **context_options}
    context = browser.new_context(**options)
    page = context.new_page()
    visitor = Visitor(server, context, page)
    page.on("pageerror", lambda error: visitor.errors.append(f"page error: {error}"))
    page.on("console", lambda message: visitor.errors.append(f"console {message.type}: {message.text} ({message.location.get('url')})")
            if message.type == "error" else None)
    yield visitor
    context.close()
    assert visitor.errors == [], "the page raised errors"


@pytest.fixture
def visitor(browser: Any, live_server: LiveServer) -> Iterator[Visitor]:
    yield from _visitor(browser, live_server)


def decode(value: str) -> dict[str, Any]:
    return json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))


def encode(record: Any) -> str:
    text = record if isinstance(record, str) else json.dumps(record)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def served_config(server: LiveServer) -> dict[str, Any]:
    body = httpx.get(server.url + "/banner.js").text
    match = re.search(r"var CONFIG = (.*);\n", body)
    assert match, "banner.js carries its configuration"
    return json.loads(match.group(1))


def ledger(server: LiveServer) -> list[dict[str, Any]]:
    with server.app.engine.connect() as connection:
        rows = connection.execute(select(consent_events).order_by(consent_events.c.recorded_at)).mappings().all()
    return [dict(r) for r in rows]


# ---- before any choice ------------------------------------------------------------------------------------

def test_before_any_choice_the_blocked_script_has_not_run_and_no_cookie_exists(visitor):
    visitor.open_shop()
    visitor.wait_for_banner()
    assert not visitor.analytics_ran()
    assert visitor.page.locator("#analytics-marker").count() == 0
    assert visitor.page.locator("script[data-egide-category=analytics]").get_attribute("type") == "text/plain"
    assert visitor.page.locator("iframe[data-egide-category]").get_attribute("src") is None
    assert visitor.cookies() == {}
    assert visitor.dialog().get_attribute("aria-modal") == "true"
    labelled_by = visitor.dialog().get_attribute("aria-labelledby")
    assert visitor.page.locator(f"#{labelled_by}").inner_text() == "Vos choix sur les cookies"


def test_consent_mode_defaults_are_denied_before_the_google_tag_runs(visitor):
    visitor.open_shop()
    visitor.wait_for_banner()
    at_load = visitor.page.evaluate("() => window.__gtagAtLoad")
    assert at_load == {"commands": ["default"], "state": {
        "ad_storage": "denied", "analytics_storage": "denied", "ad_user_data": "denied",
        "ad_personalization": "denied"}}
    visitor.choose(".egide-accept")
    assert visitor.page.evaluate("() => window.__gtagConsent.analytics_storage") == "granted"
    assert visitor.page.evaluate("() => window.__gtagConsent.ad_storage") == "denied"  # 002 has no advertising
    visitor.page.reload()
    at_load = visitor.page.evaluate("() => window.__gtagAtLoad")
    assert at_load["commands"] == ["default", "update"]
    assert at_load["state"]["analytics_storage"] == "granted"


def test_the_three_first_buttons_have_the_same_size_and_weight(visitor):
    visitor.open_shop()
    visitor.wait_for_banner()
    buttons = visitor.page.locator(f"{DIALOG} .egide-actions").first.locator("button")
    assert buttons.all_inner_texts() == ["Tout refuser", "Personnaliser", "Tout accepter"]
    looks = buttons.evaluate_all("""bs => bs.map(b => { const s = getComputedStyle(b); const r = b.getBoundingClientRect();
        return [Math.round(r.width), Math.round(r.height), s.fontWeight, s.fontSize, s.backgroundColor, s.color]; })""")
    assert looks[0] == looks[1] == looks[2]


# ---- choices ---------------------------------------------------------------------------------------------

def test_refusing_takes_one_click_and_the_blocked_script_never_runs(visitor):
    visitor.open_shop()
    visitor.wait_for_banner()
    answer = visitor.choose(f"{DIALOG} .egide-refuse >> nth=0")
    assert answer["recorded"] == len(OPTIONAL)
    assert visitor.dialog().count() == 0
    visitor.page.reload()
    visitor.page.wait_for_load_state("load")
    assert visitor.dialog().count() == 0
    assert not visitor.analytics_ran()
    assert set(visitor.cookies()) == {"egide_consent"}
    record = visitor.consent_record()
    assert record["choices"] == {"functional": False, "analytics": False}
    assert record["consent_id"] == answer["consent_id"] and record["synced"] is True


def test_accepting_all_runs_the_script_and_a_reload_keeps_the_choice(visitor):
    visitor.open_shop()
    visitor.wait_for_banner()
    visitor.choose(f"{DIALOG} .egide-accept >> nth=0")
    visitor.page.wait_for_selector("#analytics-marker")
    assert visitor.analytics_ran()
    assert visitor.cookies()["_demo_analytics"] == "1"
    assert visitor.page.locator("iframe[data-egide-category]").get_attribute("src") == "/demo/video"
    visitor.page.reload()
    visitor.page.wait_for_selector("#analytics-marker")
    assert visitor.analytics_ran()  # ran once on this page, without asking again
    assert visitor.dialog().count() == 0
    video = visitor.page.frame_locator("iframe.shop-iframe").locator("#video")
    video.wait_for(state="visible")
    assert "Vidéo de démonstration" in video.inner_text()


def test_closing_the_banner_counts_as_refusal_and_says_so(visitor, live_server):
    visitor.open_shop()
    visitor.wait_for_banner()
    close = visitor.page.locator(f"{DIALOG} .egide-close")
    assert "Continuer sans accepter" in close.inner_text()
    assert "refus" in close.get_attribute("aria-label")
    visitor.choose(f"{DIALOG} .egide-close")
    assert visitor.consent_record()["choices"] == {"functional": False, "analytics": False}
    assert visitor.consent_record()["closed"] is True
    assert not visitor.analytics_ran()
    assert {(r["purpose"], r["action"]) for r in ledger(live_server)} == {
        ("cookie:functional", "refused"), ("cookie:analytics", "refused")}


def test_the_server_holds_the_proof_of_each_choice(visitor, live_server):
    visitor.open_shop()
    visitor.wait_for_banner()
    visitor.page.click(f"{DIALOG} .egide-customise")
    visitor.page.check("#egide-toggle-analytics")
    answer = visitor.choose(f"{DIALOG} .egide-save")
    config = served_config(live_server)
    rows = ledger(live_server)
    assert {(r["purpose"], r["action"]) for r in rows} == {("cookie:analytics", "given"),
                                                           ("cookie:functional", "refused")}
    browser_id = visitor.consent_record()["browser_id"]
    for row in rows:
        assert row["browser_id"] == browser_id and row["choice_id"] == answer["consent_id"]
        assert row["channel"] == "banner" and row["language"] == "fr"
        assert row["register_version"] == config["register_version"]
        assert row["banner_sha256"] == config["banner_sha256"]
        assert row["ip_truncated"] is None and row["user_agent"] is None  # sealed with the browser's key
        assert b"HeadlessChrome" not in bytes(row["sealed_proof"])
        proof = consent_proof(live_server.app.store, row["id"])
        assert proof.opened and proof.proof.ip_truncated and "HeadlessChrome" in proof.proof.user_agent
    assert verify_banner_sha256(httpx.get(live_server.url + "/banner.js").content)
    state = httpx.get(f"{live_server.url}/api/v1/consents/{browser_id}").json()
    assert state["choices"]["cookie:analytics"]["status"] == "valid"


def test_a_choice_the_ledger_missed_is_sent_again_on_the_next_page(visitor, live_server):
    visitor.page.route("**/api/v1/consents", lambda route: route.abort())
    visitor.open_shop()
    visitor.wait_for_banner()
    visitor.page.click(f"{DIALOG} .egide-accept >> nth=0")
    visitor.page.wait_for_selector("#analytics-marker")
    assert visitor.consent_record()["synced"] is False and ledger(live_server) == []
    visitor.page.unroute("**/api/v1/consents")
    visitor.errors.clear()  # the aborted request was logged, as it should be
    with visitor.page.expect_response(lambda r: r.url.endswith("/api/v1/consents")) as answer:
        visitor.page.reload()
    assert answer.value.status == 201
    _eventually(lambda: visitor.consent_record()["synced"])  # the answer is written to the cookie
    record = visitor.consent_record()
    assert record["synced"] is True and record["consent_id"] == answer.value.json()["consent_id"]
    rows = ledger(live_server)
    assert len(rows) == len(OPTIONAL) and all(r["idempotency_key"].startswith(record["key"]) for r in rows)


def test_withdrawing_deletes_the_cookies_of_the_refused_category(visitor, live_server):
    visitor.open_shop()
    visitor.wait_for_banner()
    visitor.choose(f"{DIALOG} .egide-accept >> nth=0")
    visitor.page.wait_for_selector("#analytics-marker")
    assert "_demo_analytics" in visitor.cookies()
    visitor.page.click("#manage-cookies")
    visitor.wait_for_banner()
    assert visitor.page.is_checked("#egide-toggle-analytics")  # the current choice is shown
    with visitor.page.expect_navigation():  # a script that ran is stopped by leaving the page
        visitor.page.click(f"{DIALOG} .egide-details .egide-refuse")
    visitor.page.wait_for_load_state("load")
    assert "_demo_analytics" not in visitor.cookies()
    assert not visitor.analytics_ran()
    assert visitor.dialog().count() == 0
    actions = [(r["purpose"], r["action"]) for r in ledger(live_server)]
    assert ("cookie:analytics", "withdrawn") in actions


# ---- asking again -----------------------------------------------------------------------------------------

def test_a_choice_older_than_the_remember_period_brings_the_banner_back(visitor, live_server):
    visitor.open_shop()
    visitor.wait_for_banner()
    visitor.choose(f"{DIALOG} .egide-accept >> nth=0")
    record = visitor.consent_record()
    days = served_config(live_server)["remember_days"]
    now = datetime.now(timezone.utc)
    visitor.set_consent_cookie(encode(dict(record, date=_iso(now - timedelta(days=days - 1)))))
    visitor.page.reload()
    visitor.page.wait_for_selector("#analytics-marker")
    assert visitor.dialog().count() == 0  # one day before the end: still remembered
    visitor.set_consent_cookie(encode(dict(record, date=_iso(now - timedelta(days=days + 1)))))
    visitor.page.reload()
    visitor.wait_for_banner()
    assert not visitor.analytics_ran()


def test_the_browser_clock_moving_past_expiry_brings_the_banner_back(visitor):
    visitor.page.clock.install(time=datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc))
    visitor.open_shop()
    visitor.wait_for_banner()
    visitor.choose(f"{DIALOG} .egide-refuse >> nth=0")
    visitor.page.clock.set_system_time(datetime(2026, 8, 29, 12, 0, tzinfo=timezone.utc))
    visitor.page.reload()
    visitor.page.wait_for_load_state("load")
    assert visitor.dialog().count() == 0  # 181 days later: the refusal still holds
    visitor.page.clock.set_system_time(datetime(2026, 8, 31, 12, 0, tzinfo=timezone.utc))  # 183 days
    visitor.page.reload()
    visitor.wait_for_banner()


def test_a_new_cookie_in_the_register_brings_the_banner_back(visitor, live_server, tmp_path):
    visitor.open_shop()
    visitor.wait_for_banner()
    visitor.choose(f"{DIALOG} .egide-accept >> nth=0")
    register = load_yaml(EXAMPLES / "002-okasio.yaml")
    register["policy"]["version"] = "2026-02 (libellé seul)"
    live_server.activate(dump_yaml(register, tmp_path / "label-only.yaml"))
    visitor.page.reload()
    visitor.page.wait_for_selector("#analytics-marker")
    assert visitor.dialog().count() == 0  # the cookies did not change: the choice still covers them
    register["cookies"].append({
        "name": "_okasio_ab", "provider": "OKASIO", "category": "analytics", "activity": "cookies-and-analytics",
        "purpose": "A/B tests of the product pages.", "lifetime": "P3M"})
    live_server.activate(dump_yaml(register, tmp_path / "new-cookie.yaml"))
    visitor.page.reload()
    visitor.wait_for_banner()
    assert not visitor.analytics_ran()
    visitor.page.click(f"{DIALOG} .egide-customise")
    assert "_okasio_ab" in visitor.dialog().text_content()


@pytest.mark.parametrize("value", [
    "%%not_base64!!",
    encode("{not json"),
    encode([1, 2, 3]),
    encode({"v": 1, "choices": {"analytics": "yes"}}),
    encode({"v": 1, "choices": {"__proto__": {"analytics": True}}}),
    "A" * 3000,
], ids=["not-base64", "not-json", "array", "wrong-types", "proto", "oversized"])
def test_a_damaged_consent_cookie_shows_the_banner_without_an_error(visitor, value):
    visitor.set_consent_cookie(value)
    visitor.open_shop()
    visitor.wait_for_banner()
    assert not visitor.analytics_ran()
    assert visitor.page.evaluate("() => window.egide.choice()") is None


def test_a_forged_cookie_for_another_cookie_list_or_from_the_future_shows_the_banner(visitor, live_server):
    config = served_config(live_server)
    forged = {"v": 1, "browser_id": "A" * 22, "choices": {"analytics": True, "functional": True},
              "register_version": config["register_version"], "cookies_hash": "0" * 64, "consent_id": None,
              "date": _iso(datetime.now(timezone.utc)), "key": "forged", "closed": False, "synced": True}
    for record in (forged, dict(forged, cookies_hash=config["cookies_hash"],
                                date=_iso(datetime.now(timezone.utc) + timedelta(days=30)))):
        visitor.set_consent_cookie(encode(record))
        visitor.open_shop()
        visitor.wait_for_banner()
        assert not visitor.analytics_ran()


# ---- keyboard and focus -------------------------------------------------------------------------------------

def _tab_until(visitor: Visitor, wanted: str, key: str = "Tab", limit: int = 30) -> None:
    for _ in range(limit):
        visitor.page.keyboard.press(key)
        if wanted in visitor.active_element():
            return
    raise AssertionError(f"{wanted!r} never got the focus; last: {visitor.active_element()}")


def test_the_banner_works_with_the_keyboard_alone(visitor):
    visitor.open_shop()
    visitor.wait_for_banner()
    assert visitor.active_element().startswith("DIV|")  # the dialog itself: its title is read first
    _tab_until(visitor, "|Personnaliser|")
    visitor.page.keyboard.press("Enter")
    assert "#egide-toggle-functional" in visitor.active_element()
    _tab_until(visitor, "#egide-toggle-analytics")
    visitor.page.keyboard.press("Space")
    _tab_until(visitor, "|Enregistrer mes choix|")
    with visitor.page.expect_response(lambda r: r.url.endswith("/api/v1/consents")):
        visitor.page.keyboard.press("Enter")
    visitor.page.wait_for_selector("#analytics-marker")
    assert visitor.consent_record()["choices"] == {"functional": False, "analytics": True}
    assert visitor.page.locator("iframe[data-egide-category]").get_attribute("src") is None


def test_focus_stays_in_the_dialog_and_returns_where_it_was(visitor):
    visitor.open_shop()
    visitor.wait_for_banner()
    for key in ["Tab"] * 12 + ["Shift+Tab"] * 12:
        visitor.page.keyboard.press(key)
        assert visitor.active_element().endswith("|true"), f"focus left the dialog after {key}"
    _tab_until(visitor, "|Tout refuser|")
    with visitor.page.expect_response(lambda r: r.url.endswith("/api/v1/consents")):
        visitor.page.keyboard.press("Enter")
    visitor.page.focus("#manage-cookies")
    visitor.page.keyboard.press("Enter")
    visitor.wait_for_banner()
    assert visitor.active_element().endswith("|true")
    assert visitor.page.locator(f"{DIALOG} .egide-close").inner_text() == "Fermer"
    visitor.page.keyboard.press("Escape")  # after a choice, closing keeps it
    assert visitor.dialog().count() == 0
    assert visitor.active_element().startswith("#manage-cookies|")
    assert visitor.consent_record()["choices"] == {"functional": False, "analytics": False}


def test_the_banner_speaks_english_on_an_english_page(visitor, live_server):
    def english(route: Any) -> None:
        response = route.fetch()
        route.fulfill(response=response, body=response.text().replace('<html lang="fr">', '<html lang="en">'))

    visitor.page.route("**/demo/shop", english)
    visitor.open_shop()
    visitor.wait_for_banner()
    assert visitor.page.locator("#egide-title").inner_text() == "Your cookie choices"
    assert "Continue without accepting" in visitor.page.locator(f"{DIALOG} .egide-close").inner_text()
    visitor.choose(f"{DIALOG} .egide-refuse >> nth=0")
    assert {r["language"] for r in ledger(live_server)} == {"en"}


# ---- hostile registers ---------------------------------------------------------------------------------------

XSS = "<img src=x onerror=window.__xss=1>"


@pytest.fixture
def hostile_server(tmp_path: Path) -> Iterator[LiveServer]:
    """Seed 002 with markup in a cookie's name, purpose and provider, and in the controller's name."""
    register = load_yaml(EXAMPLES / "002-okasio.yaml")
    register["controller"]["name"] = '"><img src=x onerror=window.__xss=2>'
    register["cookies"].append({"name": XSS, "provider": "<script>window.__xss=3</script>", "category": "analytics",
                                "purpose": XSS, "activity": "cookies-and-analytics"})
    app = egide_app(tmp_path, dump_yaml(register, tmp_path / "hostile.yaml"))
    try:
        for url in serve(app):
            yield LiveServer(url, app)
    finally:
        app.close()


def test_markup_in_the_register_is_shown_as_text_and_never_runs(browser, hostile_server):
    # bypass_csp: the page's CSP would block an inline handler anyway; without it, only escaping protects.
    for visitor in _visitor(browser, hostile_server, bypass_csp=True):
        visitor.open_shop()
        visitor.wait_for_banner()
        visitor.page.click(f"{DIALOG} .egide-customise")
        for summary in visitor.page.locator(f"{DIALOG} summary").all():
            summary.click()
        visitor.page.wait_for_timeout(200)
        text = visitor.dialog().inner_text()
        assert XSS in text and "<script>window.__xss=3</script>" in text and "onerror=window.__xss=2" in text
        assert visitor.page.evaluate("() => window.__xss") is None
        assert visitor.dialog().locator("img, script").count() == 0


# ---- over HTTP ---------------------------------------------------------------------------------------------------

def test_the_script_is_revalidated_by_its_etag_and_the_shop_runs_under_a_strict_policy(live_server):
    first = httpx.get(live_server.url + "/banner.js")
    assert first.headers["content-type"].startswith("application/javascript")
    assert first.headers["cache-control"] == "no-cache"
    again = httpx.get(live_server.url + "/banner.js", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    shop = httpx.get(live_server.url + "/demo/shop")
    assert "script-src 'self'" in shop.headers["content-security-policy"]
    assert "<script>" not in shop.text and " style=" not in shop.text
    assert httpx.get(live_server.url + "/demo/nothing.js").status_code == 404


def test_without_an_active_register_the_script_is_a_json_404(tmp_path):
    from egide.bootstrap import build_app, initialise
    from egide.settings import Settings

    settings = Settings(data_dir=tmp_path / "data", actor="test")
    initialise(settings)
    app = build_app(settings)
    try:
        for url in serve(app):
            response = httpx.get(url + "/banner.js")
    finally:
        app.close()
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert "egide register activate" in response.json()["error"]["message"]


# ---- size and looks ---------------------------------------------------------------------------------------------

def test_the_served_banner_is_small(live_server):
    body = httpx.get(live_server.url + "/banner.js").content
    assert len(gzip.compress(body, 9)) < 15_000


def test_screenshots_of_both_layers_fit_the_screen(browser, live_server):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, viewport in (("desktop", {"width": 1280, "height": 800}), ("mobile", {"width": 390, "height": 844})):
        for visitor in _visitor(browser, live_server, viewport=viewport):
            visitor.open_shop()
            visitor.wait_for_banner()
            box = visitor.dialog().bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
            assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"]
            for button in visitor.page.locator(f"{DIALOG} > .egide-actions button").all():
                assert button.is_visible()
            visitor.page.screenshot(path=str(SCREENSHOTS / f"banner-{name}-first-layer.png"))
            visitor.page.click(f"{DIALOG} .egide-customise")
            visitor.page.locator(f"{DIALOG} summary").nth(1).click()
            visitor.page.screenshot(path=str(SCREENSHOTS / f"banner-{name}-second-layer.png"))
            assert (SCREENSHOTS / f"banner-{name}-second-layer.png").stat().st_size > 10_000


def _eventually(condition: Any, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the condition never held")
        time.sleep(0.05)


def _iso(at: datetime) -> str:
    return at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
