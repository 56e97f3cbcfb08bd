"""Signing in to the console in a real Chromium: the form, the session cookie, htmx loaded under the
strict CSP without a single violation, the lockout message, signing out."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterator

import pytest

from egide.services import accounts
from tests.e2e.conftest import LiveServer

playwright = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
PASSWORD = "Corr3ct-Horse-Battery!"


@pytest.fixture
def page(live_server: LiveServer) -> Iterator[tuple[Any, list[str]]]:
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing under CI")
        pytest.skip(f"needs Debian's chromium at {CHROMIUM}")
    accounts.create_account(live_server.app.store, username="dpo@example.com", role="dpo", password=PASSWORD,
                            actor="test")
    errors: list[str] = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        context = browser.new_context(locale="fr-FR")
        tab = context.new_page()
        tab.on("pageerror", lambda error: errors.append(f"page error: {error}"))
        tab.on("console", lambda m: errors.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning")
               else None)
        yield tab, errors
        browser.close()


def test_the_dpo_signs_in_in_chromium_and_signs_out(page: tuple[Any, list[str]], live_server: LiveServer) -> None:
    tab, errors = page
    tab.goto(live_server.url + "/console/accounts")
    assert "/console/sign-in" in tab.url  # sent to sign in first
    assert tab.locator("h1").inner_text() == "Connexion à la console"
    tab.fill("#username", "dpo@example.com")
    tab.fill("#password", PASSWORD)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / "console-sign-in.png"), full_page=True)
    tab.click("button[type=submit]")
    tab.wait_for_load_state("networkidle")
    # the DPO may not manage accounts: the page they asked for answers 403, but they are signed in
    assert "Votre rôle ne permet pas d'ouvrir cette page." in tab.content()
    tab.goto(live_server.url + "/console/")
    assert "Connecté : dpo@example.com (DPO)" in tab.locator("header").inner_text()
    assert tab.evaluate("typeof window.htmx") == "object"  # the vendored htmx ran under script-src 'self'
    session = [c for c in tab.context.cookies() if c["name"] == "egide_session"][0]
    assert session["httpOnly"] and session["sameSite"] == "Strict"
    tab.screenshot(path=str(SCREENSHOTS / "console-home.png"), full_page=True)
    tab.click("text=Se déconnecter")
    tab.wait_for_load_state("networkidle")
    assert "Vous êtes déconnecté." in tab.content()
    tab.goto(live_server.url + "/console/")
    assert "/console/sign-in" in tab.url
    assert [e for e in errors if "status of 403" not in e] == []  # the browser logs the 403 page itself


def test_a_wrong_password_five_times_locks_the_account_in_the_browser(page: tuple[Any, list[str]],
                                                                      live_server: LiveServer) -> None:
    tab, errors = page
    tab.goto(live_server.url + "/console/sign-in?lang=en")
    for _ in range(5):
        tab.fill("#username", "dpo@example.com")
        tab.fill("#password", "Wrong-Password-123!")
        tab.click("button[type=submit]")
        tab.wait_for_load_state("networkidle")
        assert tab.locator("#sign-in-error").inner_text() == "Wrong account name or password."
    tab.fill("#username", "dpo@example.com")
    tab.fill("#password", PASSWORD)
    tab.click("button[type=submit]")
    tab.wait_for_load_state("networkidle")
    assert "Too many attempts: this account is locked until" in tab.locator("#sign-in-error").inner_text()
    assert [e for e in errors if "401" not in e] == []  # the browser logs the 401 answers themselves
