"""The HTTP API over a real socket: decisions, consent, unsubscribe, errors."""

from __future__ import annotations

import httpx
import pytest

from egide.domain.identity import Identifier
from tests.e2e.conftest import _free_port, egide_app, serve
from tests.conftest import EXAMPLES

NEWSLETTER = "marketing.communications.email"


@pytest.fixture
def bureau24(tmp_path):
    port = _free_port()
    app = egide_app(tmp_path, EXAMPLES / "004-bureau24.yaml", public_url=f"http://127.0.0.1:{port}")
    try:
        for url in serve(app, port):
            yield httpx.Client(base_url=url, timeout=10), app
    finally:
        app.close()


def decide(client, email, purpose=NEWSLETTER):
    response = client.get("/api/v1/decisions", params={"email": email, "purpose": purpose})
    assert response.status_code == 200, response.text
    return response.json()


def test_a_consent_recorded_over_http_changes_the_decision(bureau24):
    client, _ = bureau24
    assert decide(client, "jeanne@example.com")["rule"] == "consent.none"
    r = client.post("/api/v1/subjects/consents", json={"email": "jeanne@example.com", "choices": {NEWSLETTER: True},
                                                       "channel": "form", "idempotency_key": "k1"})
    assert r.status_code == 201 and r.json()["recorded"] == 1
    body = decide(client, "jeanne@example.com")
    assert body["allowed"] and body["rule"] == "consent.valid" and body["evidence"]
    again = client.post("/api/v1/subjects/consents", json={"email": "jeanne@example.com",
                                                           "choices": {NEWSLETTER: True}, "idempotency_key": "k1"})
    assert again.json()["replayed"] is True and again.json()["recorded"] == 0


def test_one_click_unsubscribe_works_end_to_end_without_login(bureau24):
    client, _ = bureau24
    client.post("/api/v1/subjects/consents", json={"email": "jeanne@example.com", "choices": {NEWSLETTER: True}})
    headers = client.get("/api/v1/marketing/unsubscribe-link", params={"email": "jeanne@example.com"}).json()
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = headers["List-Unsubscribe"].strip("<>")
    page = httpx.get(url)
    assert page.status_code == 200 and "<form" in page.text  # a GET alone changes nothing
    assert decide(client, "jeanne@example.com")["allowed"]
    done = httpx.post(url, content="List-Unsubscribe=One-Click",
                      headers={"content-type": "application/x-www-form-urlencoded"})
    assert done.status_code == 200
    assert decide(client, "jeanne@example.com")["rule"] == "opposition_list"


def test_a_forged_unsubscribe_token_is_refused(bureau24):
    client, _ = bureau24
    url = client.get("/api/v1/marketing/unsubscribe-link", params={"email": "a@example.com"}).json()["url"]
    forged = url[:-4] + ("AAAA" if not url.endswith("AAAA") else "BBBB")
    assert httpx.post(forged, content="List-Unsubscribe=One-Click").status_code == 400


def test_the_batch_filters_a_send_list_in_one_call(bureau24):
    client, _ = bureau24
    client.post("/api/v1/subjects/consents", json={"email": "yes@example.com", "choices": {NEWSLETTER: True}})
    client.post("/api/v1/objections", json={"email": "no@example.com", "channel": "email"})
    emails = ["yes@example.com", "no@example.com", "never@example.com", "not-an-email"]
    body = client.post("/api/v1/decisions/batch", json={"purpose": NEWSLETTER, "emails": emails}).json()
    assert body["allowed"] == ["yes@example.com"]
    assert {d["email"]: d["rule"] for d in body["denied"]} == {"no@example.com": "opposition_list",
                                                              "never@example.com": "consent.none"}
    assert body["invalid"][0]["index"] == 3


def test_a_restricted_person_is_denied_over_http(bureau24):
    client, _ = bureau24
    client.post("/api/v1/subjects/consents", json={"email": "r@example.com", "choices": {NEWSLETTER: True}})
    assert client.post("/api/v1/restrictions", json={"email": "r@example.com", "reason": "accuracy contested"}
                       ).status_code == 201
    assert decide(client, "r@example.com")["rule"] == "restriction"


def test_an_unknown_purpose_gets_a_400_naming_it(bureau24):
    client, _ = bureau24
    r = client.post("/api/v1/subjects/consents", json={"email": "a@example.com", "choices": {"marketing.telepathy": True}})
    assert r.status_code == 400 and "marketing.telepathy" in r.json()["error"]["message"]


def test_a_10_mb_body_is_refused(bureau24):
    client, _ = bureau24
    r = client.post("/api/v1/subjects/consents", content=b"{" + b" " * (10 * 1024 * 1024) + b"}",
                    headers={"content-type": "application/json"})
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"


def test_malformed_json_gets_a_clear_422(bureau24):
    client, _ = bureau24
    r = client.post("/api/v1/subjects/consents", content=b'{"email": 3', headers={"content-type": "application/json"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_input"


def test_a_batch_over_10000_people_is_refused(bureau24):
    client, _ = bureau24
    r = client.post("/api/v1/decisions/batch", json={"purpose": NEWSLETTER,
                                                     "emails": [f"p{i}@example.com" for i in range(10_001)]})
    assert r.status_code == 422


def test_pages_and_api_carry_a_strict_csp(bureau24):
    client, _ = bureau24
    csp = client.get("/healthz").headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp


def test_the_api_token_is_required_when_configured(tmp_path):
    app = egide_app(tmp_path, EXAMPLES / "004-bureau24.yaml", api_token="s3cret-token-for-tests")
    try:
        for url in serve(app):
            params = {"email": "a@example.com", "purpose": NEWSLETTER}
            assert httpx.get(f"{url}/api/v1/decisions", params=params).status_code == 401
            ok = httpx.get(f"{url}/api/v1/decisions", params=params,
                           headers={"authorization": "Bearer s3cret-token-for-tests"})
            assert ok.status_code == 200
    finally:
        app.close()


def test_a_site_listed_in_banner_origins_may_post_choices_cross_origin(tmp_path):
    app = egide_app(tmp_path, EXAMPLES / "002-okasio.yaml", banner_origins=["https://shop.example.com"])
    try:
        for url in serve(app):
            preflight = {"origin": "https://shop.example.com", "access-control-request-method": "POST",
                         "access-control-request-headers": "content-type"}
            ok = httpx.options(f"{url}/api/v1/consents", headers=preflight)
            assert ok.headers.get("access-control-allow-origin") == "https://shop.example.com"
            other = httpx.options(f"{url}/api/v1/consents", headers={**preflight, "origin": "https://evil.example"})
            assert "access-control-allow-origin" not in other.headers
    finally:
        app.close()


def test_a_cached_decision_is_the_same_answer_as_a_fresh_one(bureau24):
    client, app = bureau24
    client.post("/api/v1/subjects/consents", json={"email": "c@example.com", "choices": {NEWSLETTER: True}})
    fresh = decide(client, "c@example.com")
    assert app.decisions.cached(Identifier.of("email", "c@example.com"), NEWSLETTER) is not None
    assert decide(client, "c@example.com") == fresh


def test_the_cached_path_still_demands_the_token(tmp_path):
    app = egide_app(tmp_path, EXAMPLES / "004-bureau24.yaml", api_token="s3cret-token-for-tests")
    try:
        for url in serve(app):
            auth = {"authorization": "Bearer s3cret-token-for-tests"}
            params = {"email": "a@example.com", "purpose": NEWSLETTER}
            assert httpx.get(f"{url}/api/v1/decisions", params=params, headers=auth).status_code == 200  # now cached
            assert httpx.get(f"{url}/api/v1/decisions", params=params).status_code == 401
    finally:
        app.close()


def test_a_banner_choice_counts_for_the_person_once_the_browser_is_linked(tmp_path):
    app = egide_app(tmp_path, EXAMPLES / "002-okasio.yaml")
    try:
        for url in serve(app):
            client = httpx.Client(base_url=url)
            sha = app.registers.get().sha256
            browser = "b" * 24
            assert client.post("/api/v1/consents", json={"browser_id": browser, "choices": {"analytics": True},
                                                         "register_version": sha}).status_code == 201
            before = client.get("/api/v1/subjects/consents", params={"email": "l@example.com"}).json()
            assert before["choices"]["cookie:analytics"]["status"] == "none"
            assert client.post("/api/v1/subjects/browser-links",
                               json={"email": "l@example.com", "browser_id": browser}).json() == {"linked": True}
            after = client.get("/api/v1/subjects/consents", params={"email": "l@example.com"}).json()
            assert after["choices"]["cookie:analytics"]["status"] == "valid"
            decision = client.get("/api/v1/decisions", params={"email": "l@example.com",
                                                               "purpose": "cookie:analytics"}).json()
            assert decision["allowed"] and decision["rule"] == "consent.valid"
    finally:
        app.close()
