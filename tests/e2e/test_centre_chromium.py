"""The privacy centre in a real Chromium: a person makes an access request in French, reads the code
in a real SMTP server on loopback (aiosmtpd), verifies, sees the status; the request runs on the demo
shop and the person downloads the report. No JavaScript error, no CSP violation on any page.
Screenshots go to build/screenshots/ (not committed)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any, Iterator

import pytest
from aiosmtpd.controller import Controller

from egide.adapters.jobs.request_jobs import run_request_job
from egide.bootstrap import build_app, initialise
from egide.demo.shop import build_shop
from egide.register.loader import load_register
from egide.services.registers import activate_register
from egide.settings import Settings
from tests.conftest import EXAMPLES, ROOT
from tests.e2e.conftest import _free_port, serve
from tests.e2e.test_request_cli import Mailbox

playwright = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = ROOT / "build" / "screenshots"
SHOP_DATASET = ROOT / "examples" / "datasets" / "shop.yaml"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing under CI: the browser tests must run")
        pytest.skip(f"the centre tests need Debian's chromium at {CHROMIUM}")
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    port = _free_port()
    box = Mailbox(port)
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


@pytest.fixture
def centre(tmp_path: Path, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Any, str]]:
    db = tmp_path / "shop" / "shop.db"
    build_shop(db, customers=20)
    monkeypatch.setenv("SHOP_DATABASE_URL", f"sqlite:///{db}")
    with sqlite3.connect(db) as c:
        email = c.execute("SELECT email FROM customers ORDER BY id LIMIT 1").fetchone()[0]
    port = _free_port()
    settings = Settings(data_dir=tmp_path / "data", actor="test", public_url=f"http://127.0.0.1:{port}",
                        smtp_host="127.0.0.1", smtp_port=mailbox.port, smtp_starttls=False,
                        smtp_from="privacy@example.com", datasets=[SHOP_DATASET])
    initialise(settings)
    app = build_app(settings)
    activate_register(app.store, load_register(EXAMPLES / "002-okasio.yaml"), "test")
    try:
        for url in serve(app, port):
            yield url, app, email
    finally:
        app.close()


def _shot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"centre-{name}.png"), full_page=True)


def test_a_person_requests_access_in_french_verifies_with_the_emailed_code_and_downloads_the_report(
        browser: Any, centre: tuple[str, Any, str], mailbox: Mailbox) -> None:
    url, app, email = centre
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    page.on("console", lambda m: errors.append(f"console {m.type}: {m.text} ({m.location.get('url')})") if m.type == "error" else None)

    page.goto(f"{url}/centre/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("heading", name="Qui sommes-nous ?").is_visible()
    page.locator("#egide-banner [role=dialog]").wait_for()  # the banner asks on a first visit
    _shot(page, "home")
    page.locator("#egide-banner").get_by_role("button", name="Tout refuser").click()
    page.locator("#reopen-banner").click()  # re-opened from the footer of any page
    page.locator("#egide-banner [role=dialog]").wait_for()
    page.keyboard.press("Escape")

    page.locator('a[data-right="access"]').click()
    page.get_by_label("Votre adresse e-mail").fill(email)
    page.get_by_label("Précisez votre demande (facultatif)").fill("Je souhaite une copie de mes données.")
    _shot(page, "request-form")
    page.get_by_role("button", name="Envoyer la demande").click()
    page.locator("#keep-link").wait_for()
    assert page.locator("#status").get_attribute("data-status") == "awaiting_code"
    secret_link = page.url
    _shot(page, "request-awaiting-code")

    mailbox.wait_for(2)
    code = mailbox.code()
    page.get_by_label("Code à 6 chiffres").fill(code)
    page.get_by_role("button", name="Vérifier").click()
    page.get_by_text("Votre identité est vérifiée").wait_for()
    assert page.locator("#status").get_attribute("data-status") == "verified"
    assert page.locator("#due-on").inner_text()
    _shot(page, "request-verified")

    reference = page.locator("#reference").inner_text()
    run_request_job(app, reference)  # what the job runner does once staff run it
    page.goto(secret_link)
    assert page.locator("#status").get_attribute("data-status") == "answered"
    assert "Copie de vos données" in page.locator("#answer").inner_text()
    links = page.locator("#files a")
    assert links.count() == 2
    _shot(page, "request-answered")
    report = page.request.get(url + links.nth(0).get_attribute("href"))
    assert report.status == 200 and email.encode() in report.body()

    other = browser.new_context(locale="fr-FR")  # someone guessing: the reference without the token
    guess = other.new_page()
    answer = guess.goto(f"{url}/centre/requests/{reference}?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
    assert answer.status == 404 and email not in guess.content()
    other.close()
    context.close()
    assert errors == [], errors
