"""The console's sign-in and sign-out over HTTP (TestClient on the ASGI app), on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi import APIRouter, Depends
from fastapi.testclient import TestClient

from egide.adapters.http.app import create_app
from egide.adapters.web.pages.security import Staff, require
from egide.services import accounts

PASSWORD = "Corr3ct-Horse-Battery!"


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "the page carries no CSRF field"
    return found.group(1)


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    accounts.create_account(app.store, username="dpo@example.com", role="dpo", password=PASSWORD, actor="test")
    accounts.create_account(app.store, username="agent", role="agent", password=PASSWORD, actor="test")
    accounts.create_account(app.store, username="auditor", role="auditor", password=PASSWORD, actor="test")
    api = create_app(app)
    probe = APIRouter()

    @probe.post("/console/test-probe")
    def probe_action(staff: Staff = Depends(require("requests.act"))) -> dict[str, str]:
        return {"actor": staff.actor}

    api.include_router(probe)
    with TestClient(api, base_url="https://testserver") as c:
        yield c


def sign_in(client: TestClient, username: str, password: str = PASSWORD, next: str = "/console/"):  # type: ignore[no-untyped-def]
    page = client.get(f"/console/sign-in?next={next}")
    return client.post("/console/sign-in", data={"username": username, "password": password, "next": next,
                                                 "csrf_token": _csrf(page.text)}, follow_redirects=False)


def test_a_console_page_sends_a_visitor_who_is_not_signed_in_to_the_sign_in_page(client: TestClient) -> None:
    answer = client.get("/console/accounts", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/console/sign-in?next=%2Fconsole%2Faccounts"


def test_the_dpo_signs_in_with_a_secure_strict_session_cookie_and_reaches_the_console(client: TestClient) -> None:
    answer = sign_in(client, "DPO@example.com")
    assert answer.status_code == 303 and answer.headers["location"] == "/console/"
    cookie = [h for h in answer.headers.get_list("set-cookie") if h.startswith("egide_session=")][0]
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=strict" in cookie
    home = client.get("/console/")
    assert home.status_code == 200
    assert "dpo@example.com" in home.text
    assert home.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in home.headers["content-security-policy"]
    assert home.headers["strict-transport-security"].startswith("max-age=")


def test_a_wrong_password_is_refused_with_the_same_message_as_an_unknown_account(client: TestClient) -> None:
    wrong = sign_in(client, "agent", "Wrong-Password-123!")
    unknown = sign_in(client, "nobody", "Wrong-Password-123!")
    assert wrong.status_code == unknown.status_code == 401
    assert "Nom de compte ou mot de passe incorrect." in wrong.text
    assert "Nom de compte ou mot de passe incorrect." in unknown.text
    assert "egide_session" not in wrong.headers.get("set-cookie", "")


def test_five_failures_lock_the_account_even_against_the_right_password(client: TestClient, app) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):
        assert sign_in(client, "agent", "Wrong-Password-123!").status_code == 401
    locked = sign_in(client, "agent")
    assert locked.status_code == 401
    assert "bloqué jusqu&#39;à 2026-01-31 09:45" in locked.text
    app.clock.advance(timedelta(minutes=16))
    assert sign_in(client, "agent").status_code == 303


def test_an_agent_cannot_open_the_accounts_page(client: TestClient) -> None:
    sign_in(client, "agent")
    answer = client.get("/console/accounts?lang=en")
    assert answer.status_code == 403
    assert "Your role does not allow this page." in answer.text


def test_an_auditor_reads_but_cannot_act(client: TestClient) -> None:
    sign_in(client, "auditor")
    home = client.get("/console/")
    assert home.status_code == 200
    token = _csrf(home.text)
    assert client.post("/console/test-probe", data={"csrf_token": token}).status_code == 403


def test_a_post_without_the_csrf_token_is_refused_even_when_signed_in(client: TestClient) -> None:
    sign_in(client, "dpo@example.com")
    home = client.get("/console/")
    assert client.post("/console/test-probe", data={}).status_code == 403
    assert client.post("/console/test-probe", data={"csrf_token": "forged"}).status_code == 403
    allowed = client.post("/console/test-probe", data={"csrf_token": _csrf(home.text)})
    assert allowed.status_code == 200 and allowed.json() == {"actor": "console:dpo@example.com"}


def test_the_htmx_header_carries_the_csrf_token_too(client: TestClient) -> None:
    sign_in(client, "agent")
    home = client.get("/console/")
    token = re.search(r'"X-CSRF-Token": "([^"]+)"', home.text).group(1)  # type: ignore[union-attr]
    answer = client.post("/console/test-probe", headers={"X-CSRF-Token": token, "HX-Request": "true"})
    assert answer.status_code == 200


def test_a_session_ends_after_thirty_idle_minutes(client: TestClient, app) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, "agent")
    assert client.get("/console/", follow_redirects=False).status_code == 200
    app.clock.advance(timedelta(minutes=31))
    assert client.get("/console/", follow_redirects=False).status_code == 303


def test_signing_out_ends_the_session_on_the_server(client: TestClient) -> None:
    sign_in(client, "agent")
    home = client.get("/console/")
    stolen = client.cookies.get("egide_session")
    out = client.post("/console/sign-out", data={"csrf_token": _csrf(home.text)}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/console/sign-in?done=out"
    client.cookies.set("egide_session", stolen)  # type: ignore[arg-type]
    assert client.get("/console/", follow_redirects=False).status_code == 303


def test_after_sign_in_the_next_page_must_be_on_this_site(client: TestClient) -> None:
    answer = sign_in(client, "agent", next="https://evil.invalid/")
    assert answer.headers["location"] == "/console/"
    answer = sign_in(client, "agent", next="//evil.invalid/")
    assert answer.headers["location"] == "/console/"


def test_the_sign_in_page_speaks_english_when_asked(client: TestClient) -> None:
    page = client.get("/console/sign-in", headers={"accept-language": "en-GB,en;q=0.9"})
    assert "Sign in to the console" in page.text and '<html lang="en">' in page.text
    french = client.get("/console/sign-in?lang=fr")
    assert "Connexion à la console" in french.text
    assert "egide_lang=fr" in french.headers["set-cookie"]
    assert "<script>" not in page.text and "style=" not in page.text


def test_the_admin_creates_an_account_whose_password_is_shown_once_and_works(client: TestClient, app) -> None:  # type: ignore[no-untyped-def]
    accounts.create_account(app.store, username="root", role="admin", password=PASSWORD, actor="test")
    sign_in(client, "root")
    page = client.get("/console/accounts")
    made = client.post("/console/accounts", data={"username": "new.agent", "role": "agent",
                                                  "csrf_token": _csrf(page.text)})
    assert made.status_code == 201
    password = re.search(r'<code class="secret">([^<]+)</code>', made.text).group(1)  # type: ignore[union-attr]
    import html

    password = html.unescape(password)
    assert "secret" not in client.get("/console/accounts").text  # shown once, not on the next view
    other = TestClient(client.app, base_url="https://testserver")
    assert sign_in(other, "new.agent", password).status_code == 303


def test_the_admin_creates_and_revokes_an_api_key_from_the_console(client: TestClient, app) -> None:  # type: ignore[no-untyped-def]
    accounts.create_account(app.store, username="root", role="admin", password=PASSWORD, actor="test")
    sign_in(client, "root")
    token = _csrf(client.get("/console/accounts").text)
    made = client.post("/console/api-keys", data={"name": "crm", "scope": ["decisions", "requests"],
                                                  "csrf_token": token})
    assert made.status_code == 201 and "egide_" in made.text
    bad = client.post("/console/api-keys", data={"name": "x", "scope": ["nope"], "csrf_token": token})
    assert bad.status_code == 400 and "unknown scope &#39;nope&#39;" in bad.text
    prefix = accounts.list_api_keys(app.store)[0].prefix
    assert client.post(f"/console/api-keys/{prefix}/revoke", data={"csrf_token": token},
                       follow_redirects=False).status_code == 303
    assert accounts.list_api_keys(app.store)[0].revoked_at is not None


def test_the_admin_disables_an_account_and_its_session_ends(client: TestClient, app) -> None:  # type: ignore[no-untyped-def]
    accounts.create_account(app.store, username="root", role="admin", password=PASSWORD, actor="test")
    agent = TestClient(client.app, base_url="https://testserver")
    sign_in(agent, "agent")
    assert agent.get("/console/", follow_redirects=False).status_code == 200
    sign_in(client, "root")
    token = _csrf(client.get("/console/accounts").text)
    assert client.post("/console/accounts/agent/disable", data={"csrf_token": token},
                       follow_redirects=False).status_code == 303
    assert agent.get("/console/", follow_redirects=False).status_code == 303
    an_agent = client.post("/console/accounts", data={"username": "x", "role": "agent", "csrf_token": "forged"})
    assert an_agent.status_code == 403


def test_staff_change_their_own_password_and_sign_in_again_with_it(client: TestClient) -> None:
    sign_in(client, "auditor")
    page = client.get("/console/password")
    token = _csrf(page.text)
    wrong = client.post("/console/password", data={"current": "nope", "new": "N3w-Passw0rd-2026!",
                                                   "confirm": "N3w-Passw0rd-2026!", "csrf_token": token})
    assert wrong.status_code == 400 and "the current password is wrong" in wrong.text
    weak = client.post("/console/password", data={"current": PASSWORD, "new": "short1", "confirm": "short1",
                                                  "csrf_token": token})
    assert weak.status_code == 400 and "80 are needed" in weak.text
    done = client.post("/console/password", data={"current": PASSWORD, "new": "N3w-Passw0rd-2026!",
                                                  "confirm": "N3w-Passw0rd-2026!", "csrf_token": token},
                       follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/console/sign-in?done=password"
    assert client.get("/console/", follow_redirects=False).status_code == 303  # the session ended
    assert sign_in(client, "auditor").status_code == 401
    assert sign_in(client, "auditor", "N3w-Passw0rd-2026!").status_code == 303
