"""The privacy centre and the console in a real Chromium, on a live Egide with the sample shop.

One server for the module, once with Egide's store on SQLite and once on PostgreSQL (the shop
database, the in-process job runner, a real SMTP server on loopback with aiosmtpd). The person uses the centre in French without an account;
the staff sign in to the console with their role. Screenshots of the main pages are written to
build/screenshots/web/ (not committed; the PostgreSQL run's under web/postgres/) so a reviewer can
look at them.
"""

from __future__ import annotations

import os
import re
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest
from aiosmtpd.controller import Controller

from egide.adapters.jobs import build_job_queue
from egide.bootstrap import build_app, initialise
from egide.demo.shop import build_shop
from egide.register.loader import load_register
from egide.services.accounts import create_account
from egide.services.registers import activate_register
from egide.settings import Settings
from tests.conftest import EXAMPLES, ROOT, postgres_schema_url
from tests.e2e.conftest import _free_port, serve
from tests.e2e.test_banner_chromium import decode
from tests.e2e.test_request_cli import Mailbox

playwright = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = ROOT / "build" / "screenshots" / "web"
SHOP_DATASET = ROOT / "examples" / "datasets" / "shop.yaml"
TOKEN = "staff-token-for-the-browser-tests"
PASSWORD = "Correct-Horse-Battery-9"  # 23 characters from 4 classes: over 80 bits (CNIL 2022)
STAFF = {"dpo": "dpo@example.com", "agent": "agent@example.com", "auditor": "auditor@example.com"}


@dataclass
class Site:
    url: str
    app: Any
    mailbox: Mailbox
    customers: list[str]  # emails of shop customers with an invoice
    shots: Path  # where this run's screenshots go


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def site(request, tmp_path_factory, monkeypatch_module) -> Iterator[Site]:
    if request.param == "sqlite":
        yield from _site(tmp_path_factory, monkeypatch_module, None, SCREENSHOTS)
        return
    with postgres_schema_url() as url:
        yield from _site(tmp_path_factory, monkeypatch_module, url, SCREENSHOTS / "postgres")


def _site(tmp_path_factory, monkeypatch_module, database_url: str | None, shots: Path) -> Iterator[Site]:
    directory = tmp_path_factory.mktemp("web")
    shop = directory / "shop" / "shop.db"
    build_shop(shop, customers=30)
    monkeypatch_module.setenv("SHOP_DATABASE_URL", f"sqlite:///{shop}")
    smtp_port = _free_port()
    mailbox = Mailbox(smtp_port)
    controller = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    port = _free_port()
    store = {"database_url": database_url} if database_url else {}
    settings = Settings(data_dir=directory / "data", actor="test", api_token=TOKEN, datasets=[SHOP_DATASET], **store,
                        public_url=f"http://127.0.0.1:{port}", smtp_host="127.0.0.1", smtp_port=smtp_port,
                        smtp_starttls=False, smtp_from="privacy@example.com", jobs_poll_seconds=0.1)
    initialise(settings)
    app = build_app(settings)
    activate_register(app.store, load_register(EXAMPLES / "002-okasio.yaml"), "test")
    app.registers.refresh()
    for role, username in STAFF.items():
        create_account(app.store, username=username, role=role, password=PASSWORD, actor="test")
    with sqlite3.connect(shop) as c:
        customers = [r[0] for r in c.execute(
            "SELECT DISTINCT c.email FROM customers c JOIN orders o ON o.customer_id = c.id "
            "JOIN invoices i ON i.order_id = o.id ORDER BY c.email LIMIT 3")]
    runner = build_job_queue(app)
    runner.start()
    shots.mkdir(parents=True, exist_ok=True)
    try:
        for url in serve(app, port):
            yield Site(url, app, mailbox, customers, shots)
    finally:
        runner.stop()
        app.close()
        controller.stop()


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing under CI: the browser tests must run")
        pytest.skip(f"the browser tests need Debian's chromium at {CHROMIUM}")
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Person:
    """One browser: a fresh context in French, its page, the JavaScript errors it raised."""

    def __init__(self, browser: Any, site: Site) -> None:
        self.site = site
        self.context = browser.new_context(locale="fr-FR", accept_downloads=True,
                                           extra_http_headers={"Accept-Language": "fr-FR,fr;q=0.9"})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def go(self, path: str) -> Any:
        return self.page.goto(self.site.url + path)

    def refuse_cookies(self) -> None:
        """The centre's pages carry the cookie banner: the person answers it first (refuse all)."""
        dialog = self.page.locator("#egide-banner [role=dialog]")
        dialog.wait_for(state="visible")
        with self.page.expect_response(lambda r: r.url.endswith("/api/v1/consents") and r.request.method == "POST"):
            dialog.locator(".egide-refuse").first.click()
        dialog.wait_for(state="hidden")

    def shot(self, name: str, full_page: bool = True) -> None:
        self.page.screenshot(path=str(self.site.shots / f"{name}.png"), full_page=full_page)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def person(browser, site) -> Iterator[Person]:
    found = Person(browser, site)
    yield found
    found.close()
    assert not found.errors, found.errors


def staff(browser: Any, site: Site, role: str) -> Person:
    member = Person(browser, site)
    member.go("/console/sign-in")
    member.page.fill("#username", STAFF[role])
    member.page.fill("#password", PASSWORD)
    member.page.click("form[action='/console/sign-in'] button[type=submit]")
    member.page.wait_for_load_state()
    assert "/console/sign-in" not in member.page.url, member.page.content()[:2000]
    return member


def submit_in_french(person: Person, right: str, email: str, text: str, shot: str | None = None) -> tuple[str, str]:
    """The form of the centre, then the code from the email: (reference, the secret link)."""
    before = len(person.site.mailbox.messages)
    person.go(f"/centre/requests/new/{right}")
    if "egide_consent" not in {c["name"] for c in person.context.cookies()}:
        person.refuse_cookies()
    assert person.page.locator("html").get_attribute("lang") == "fr"
    person.page.fill("#email", email)
    person.page.fill("#text", text)
    if shot:
        person.shot(shot)
    person.page.click("#request-form button[type=submit]")
    person.page.wait_for_selector("#reference")
    reference = person.page.inner_text("#reference").strip()
    link = person.page.url.split("&new=")[0]
    messages = person.site.mailbox.wait_for(before + 2, timeout=15)
    codes = [m for m in messages[before:] if m["X-Egide-Notice"] == "code" and email in str(m["To"])]
    assert codes, [m["Subject"] for m in messages]
    assert reference in str(codes[-1]["Subject"]) and "code" in str(codes[-1]["Subject"]).lower()
    code = re.search(r"^[ ]+(\d{6})\s*$", codes[-1].get_content(), re.M).group(1)
    person.page.fill("#code", code)
    person.page.click("#code-form button[type=submit]")
    person.page.wait_for_selector("#status[data-status=verified]")
    return reference, link


def run_from_the_console(dpo: Person, reference: str, shot_prefix: str | None = None) -> None:
    dpo.go("/console/requests")
    row = dpo.page.locator("tr", has=dpo.page.locator(f"a:text-is('{reference}')"))
    assert row.count() == 1
    assert re.search(r"\d{4}-\d{2}-\d{2}", row.locator("time").inner_text())  # the legal due date
    if shot_prefix:
        dpo.shot(f"{shot_prefix}-queue")
    row.locator("a").click()
    dpo.page.wait_for_selector(f"form[action='/console/requests/{reference}/run']")
    if shot_prefix:
        dpo.shot(f"{shot_prefix}-request")
    dpo.page.click(f"form[action='/console/requests/{reference}/run'] button")
    dpo.page.wait_for_load_state()


def wait_until_answered(person: Person, link: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        person.page.goto(link)
        if person.page.locator("#status[data-status=answered]").count():
            return
        time.sleep(0.5)
    raise AssertionError(f"not answered: {person.page.inner_text('main')[:1000]}")


def test_an_access_request_in_french_is_verified_by_the_emailed_code_run_by_the_dpo_and_downloaded(
        browser, site, person):
    email = site.customers[0]
    person.go("/centre/")
    person.page.locator("#egide-banner [role=dialog]").wait_for(state="visible")
    person.shot("centre-home-banner", full_page=False)
    person.refuse_cookies()
    person.shot("centre-home")
    reference, link = submit_in_french(person, "access", email, "Je voudrais une copie de mes données.",
                                       shot="centre-request-form")
    person.shot("centre-request-verified")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", person.page.inner_text("#due-on").strip())

    dpo = staff(browser, site, "dpo")
    try:
        dpo.shot("console-home")
        run_from_the_console(dpo, reference, shot_prefix="console")
        dpo.go("/console/register")
        dpo.shot("console-register")
        dpo.go("/console/consent")
        dpo.shot("console-consent")
        dpo.go("/console/retention")
        dpo.shot("console-retention")
        dpo.go("/console/audit")
        dpo.shot("console-audit", full_page=False)
    finally:
        dpo.close()

    wait_until_answered(person, link)
    person.shot("centre-request-answered")
    links = person.page.locator("#files a")
    assert links.count() >= 1
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    downloadable = [h for h in hrefs if not h.split("?")[0].endswith(".html")]
    assert downloadable, hrefs
    with person.page.expect_download() as download:
        person.page.click(f"#files a[href='{downloadable[0]}']")
    saved = Path(download.value.path())
    assert saved.stat().st_size > 0
    assert email.encode() in saved.read_bytes()  # sealed at rest, opened with the person's key on download
    report = person.page.request.get(site.url + [h for h in hrefs if h.split("?")[0].endswith(".html")][0]) \
        if any(h.split("?")[0].endswith(".html") for h in hrefs) else None
    if report is not None:
        assert report.status == 200 and email in report.text()


def test_an_erasure_keeps_the_invoice_and_the_person_reads_why(browser, site, person):
    email = site.customers[1]
    reference, link = submit_in_french(person, "erasure", email, "Merci d'effacer mes données.")
    dpo = staff(browser, site, "dpo")
    try:
        run_from_the_console(dpo, reference)
    finally:
        dpo.close()
    wait_until_answered(person, link)
    person.shot("centre-erasure-answered")
    answer = person.page.inner_text("#answer")
    assert "invoices" in answer and "conserv" in answer.lower(), answer
    assert "pas de fichier" in person.page.inner_text("#no-files")  # the erasure's answer is its text alone


def test_withdrawing_a_consent_in_the_centre_changes_the_decision_points_answer(site, person):
    email = site.customers[2]
    person.go("/centre/")
    person.page.locator("#egide-banner [role=dialog]").wait_for(state="visible")
    with person.page.expect_response(lambda r: r.url.endswith("/api/v1/consents") and r.request.method == "POST"):
        person.page.click("#egide-banner [role=dialog] .egide-accept >> nth=0")
    cookie = {c["name"]: c["value"] for c in person.context.cookies()}["egide_consent"]
    browser_id = decode(cookie)["browser_id"]
    with httpx.Client(base_url=site.url, headers={"authorization": f"Bearer {TOKEN}"}, timeout=20) as api:
        linked = api.post("/api/v1/subjects/browser-links", json={"email": email, "browser_id": browser_id})
        assert linked.status_code == 201, linked.text

        def decision() -> dict:
            answer = api.get("/api/v1/decisions", params={"email": email, "purpose": "cookie:analytics"})
            assert answer.status_code == 200, answer.text
            return answer.json()

        assert decision()["allowed"] is True
        person.go("/centre/preferences")
        person.shot("centre-preferences")
        row = person.page.locator("tr[data-purpose='cookie:analytics']")
        row.locator("button[type=submit]").click()
        person.page.wait_for_selector("#withdrawn")
        assert decision()["allowed"] is False


def test_an_agent_cannot_reach_the_admin_pages(browser, site):
    agent = staff(browser, site, "agent")
    try:
        assert agent.go("/console/requests").status == 200
        refused = agent.go("/console/accounts")
        assert refused.status == 403
        assert STAFF["dpo"] not in agent.page.content()  # the accounts list is not shown
        agent.shot("console-agent-refused")
    finally:
        agent.close()


def test_an_auditor_sees_but_cannot_change_anything(browser, site, person):
    reference, link = submit_in_french(person, "access", "auditee@example.com", "Une copie, s'il vous plaît.")
    auditor = staff(browser, site, "auditor")
    try:
        assert auditor.go(f"/console/requests/{reference}").status == 200
        token = auditor.page.locator("input[name=csrf_token]").first.get_attribute("value")
        for action, form in (("run", {}), ("refuse", {"reason": "test", "ground": "manifestly_unfounded"}),
                             ("extend", {"reason": "test", "by": "P1M"})):
            answer = auditor.page.request.post(f"{site.url}/console/requests/{reference}/{action}",
                                               form={"csrf_token": token, **form})
            assert answer.status == 403, (action, answer.status)
        refused = auditor.page.request.post(f"{site.url}/console/retention/holds",
                                            form={"csrf_token": token, "scope": "dataset", "reason": "x"})
        assert refused.status == 403
    finally:
        auditor.close()
    person.page.goto(link)
    assert person.page.locator("#status[data-status=verified]").count() == 1  # nothing moved


def test_a_guessed_request_link_shows_nothing(site, person):
    reference, link = submit_in_french(person, "access", "guessed@example.com", "Ma demande.")
    stranger = person.context.browser.new_context(locale="fr-FR")
    try:
        page = stranger.new_page()
        for guess in (f"/centre/requests/{reference}", f"/centre/requests/{reference}?token=AAAAAAAAAAAAAAAAAAAAAAAA",
                      "/centre/requests/DSR-2026-999999?token=x", link.replace(reference, _next(reference))):
            answer = page.goto(site.url + guess.replace(site.url, ""))
            assert answer.status == 404, guess
            content = page.content()
            assert "guessed@example.com" not in content and 'id="status"' not in content
        page.screenshot(path=str(site.shots / "centre-guessed-link.png"), full_page=True)
    finally:
        stranger.close()


def _next(reference: str) -> str:
    prefix, number = reference.rsplit("-", 1)
    return f"{prefix}-{int(number) - 1:0{len(number)}d}" if int(number) > 1 else f"{prefix}-{int(number) + 1:0{len(number)}d}"
