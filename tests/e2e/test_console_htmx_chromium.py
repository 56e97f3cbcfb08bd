"""htmx in the console, in a real Chromium under the strict CSP: the requests queue filtered in place
(the table fragment swapped in, the page not reloaded), and a held answer approved by a button that
swaps the approval's fragment in. The same forms work without script (tests/e2e/test_console_pages.py)."""

from __future__ import annotations

from typing import Any

from egide.adapters.notifications import request_desk
from egide.services.request_identity import verify_manually
from egide.services.requests import hold_answer, show_request, start_run, submit_request
from tests.e2e.conftest import LiveServer
from tests.e2e.test_console_sign_in_chromium import PASSWORD, SCREENSHOTS, page  # noqa: F401


def _sign_in(tab: Any, live_server: LiveServer) -> None:
    tab.goto(live_server.url + "/console/sign-in?lang=en")
    tab.fill("#username", "dpo@example.com")
    tab.fill("#password", PASSWORD)
    tab.click("button[type=submit]")
    tab.wait_for_load_state("networkidle")


def _held(live_server: LiveServer, email: str) -> str:
    desk = request_desk(live_server.app, actor="agent:test")
    reference = submit_request(desk, right="access", email=email, identify=False).request.reference
    verify_manually(desk, reference, "in person")
    start_run(desk, reference)
    hold_answer(desk, reference, "Voici vos données.")
    return reference


def test_the_queue_filter_swaps_the_table_fragment_in_without_reloading(page, live_server: LiveServer) -> None:
    tab, errors = page
    desk = request_desk(live_server.app, actor="agent:test")
    waiting = submit_request(desk, right="access", email="nina.petit@example.com", identify=False).request.reference
    held = _held(live_server, "hugo.roux@example.com")
    _sign_in(tab, live_server)
    tab.goto(live_server.url + "/console/requests")
    assert tab.locator("#queue-rows tbody tr").count() == 2
    tab.evaluate("window.notReloaded = true")  # gone if the browser loaded a new page
    with tab.expect_response(lambda r: "/console/requests/fragment" in r.url) as fragment:
        tab.select_option("#queue-filter select[name=status]", "awaiting_approval")
    assert fragment.value.status == 200
    tab.wait_for_function("document.querySelectorAll('#queue-rows tbody tr').length === 1")
    assert tab.locator("#queue-rows").inner_text().count("DSR-") == 1
    assert held in tab.locator("#queue-rows").inner_text() and waiting not in tab.locator("#queue-rows").inner_text()
    assert tab.evaluate("window.notReloaded") is True and tab.url.endswith("/console/requests")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / "console-queue-filtered.png"), full_page=True)
    assert errors == []


def test_a_held_answer_is_approved_by_a_button_that_swaps_its_fragment_in(page, live_server: LiveServer) -> None:
    tab, errors = page
    reference = _held(live_server, "lea.girard@example.com")
    _sign_in(tab, live_server)
    tab.goto(live_server.url + f"/console/requests/{reference}?lang=en")
    assert "Approve and send the answer" in tab.locator("#held").inner_text()
    tab.evaluate("window.notReloaded = true")
    with tab.expect_response(lambda r: r.url.endswith(f"/console/requests/{reference}/approve")) as posted:
        tab.click("#held button[type=submit]")
    assert posted.value.status == 200 and posted.value.request.headers.get("hx-request") == "true"
    tab.wait_for_selector("#held[data-approved=answered]")
    assert f"{reference} is answered" in tab.locator("#held").inner_text()
    assert tab.evaluate("window.notReloaded") is True
    assert show_request(request_desk(live_server.app), reference).request.status.value == "answered"
    tab.screenshot(path=str(SCREENSHOTS / "console-answer-approved.png"), full_page=True)
    assert errors == []
