"""The privacy centre's public pages through the ASGI app (TestClient), on SQLite and PostgreSQL:
the notice, a request per right offered, the emailed code, the secret link, the files and their
expiry, consent preferences, CSRF, rate limits, and guessed ids and links that show nothing."""

from __future__ import annotations

import base64
import html
import json
import re
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from egide.adapters.http.app import create_app
from egide.adapters.notifications import request_desk
from egide.domain.consent import ConsentChannel, ConsentProof
from egide.register.loader import load_register
from egide.services.consent import record_choice
from egide.services.privacy_centre import purge_expired_exports
from egide.services.registers import activate_register
from egide.services.requests import mark_answered, start_run
from tests.conftest import CLEAN_REGISTER, EXAMPLES, dump_yaml

EMAIL = "camille.durand@example.com"
BROWSER = "centreBrowserId_0123456789"


@pytest.fixture
def centre(app, tmp_path):
    activate_register(app.store, load_register(dump_yaml(CLEAN_REGISTER, tmp_path / "register.yaml")), "test")
    app.registers.refresh()
    with TestClient(create_app(app), base_url="http://testserver") as client:
        yield client, app


def csrf(client: TestClient, path: str = "/centre/") -> str:
    page = client.get(path)
    assert page.status_code == 200, page.text
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def codes(app) -> list[str]:
    outbox = app.settings.data_dir / "outbox"
    found = []
    for path in sorted(outbox.glob("*.eml"), key=lambda p: p.stat().st_mtime):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        if message["X-Egide-Notice"] == "code":
            found.append(re.search(r"^[ ]+(\d{6})\s*$", message.get_content(), re.M).group(1))
    return found


def submit(client: TestClient, right: str = "access", email: str = EMAIL) -> tuple[str, str]:
    token = csrf(client, f"/centre/requests/new/{right}")
    answer = client.post(f"/centre/requests/new/{right}", data={"csrf_token": token, "email": email,
                                                               "text": "Merci"}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    match = re.match(r"^/centre/requests/([^?]+)\?token=([^&]+)&new=1$", answer.headers["location"])
    return match.group(1), match.group(2)


def verify(client: TestClient, reference: str, token: str, code: str):
    page = client.get(f"/centre/requests/{reference}?token={token}")
    form_token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    return client.post(f"/centre/requests/{reference}/verification",
                       data={"csrf_token": form_token, "token": token, "code": code}, follow_redirects=False)


def test_the_home_page_shows_the_registers_notice_in_french_then_in_english(centre):
    client, _ = centre
    french = client.get("/centre/")
    assert french.status_code == 200
    assert "Exemple SAS" in french.text and "Qui sommes-nous ?" in french.text
    assert 'href="/centre/requests/new/access"' in french.text and "Droit d'accès" in html.unescape(french.text)
    assert "data-egide-open" in french.text and 'src="/banner.js"' in french.text
    assert "<style" not in french.text and "style=" not in french.text  # the page CSP allows no inline style
    english = client.get("/centre/?lang=en")
    assert "Right of access" in english.text and "Who we are" in html.unescape(english.text)
    assert client.get("/centre/", headers={"accept-language": "en-GB,en;q=0.8"}).text.count("Right of access") >= 1


def test_a_form_exists_for_each_right_the_register_offers_and_no_other(centre, tmp_path):
    client, app = centre
    for right in CLEAN_REGISTER["rights"]["offered"]:
        if right in ("complaint", "post_mortem_directives"):
            continue
        assert client.get(f"/centre/requests/new/{right}").status_code == 200, right
    assert client.get("/centre/requests/new/human_review").status_code in (200, 404)
    assert client.get("/centre/requests/new/anything").status_code == 404


def test_a_person_submits_verifies_with_the_emailed_code_and_sees_the_status(centre):
    client, app = centre
    reference, token = submit(client)
    page = client.get(f"/centre/requests/{reference}?token={token}&new=1")
    assert page.status_code == 200 and 'data-status="awaiting_code"' in page.text
    assert page.headers["cache-control"] == "no-store"
    assert "Conservez l'adresse de cette page" in html.unescape(page.text)
    [code] = codes(app)
    wrong = "000000" if code != "000000" else "111111"
    refused = verify(client, reference, token, wrong)
    assert refused.status_code == 400 and "4 attempts left" in refused.text
    accepted = verify(client, reference, token, code)
    assert accepted.status_code == 303 and accepted.headers["location"].endswith("done=verified")
    status = client.get(accepted.headers["location"])
    assert 'data-status="verified"' in status.text and "Votre identité est vérifiée" in html.unescape(status.text)


def test_a_post_without_the_csrf_token_changes_nothing(centre):
    client, app = centre
    client.get("/centre/")
    answer = client.post("/centre/requests/new/access", data={"email": EMAIL})
    assert answer.status_code == 403
    forged = client.post("/centre/requests/new/access", data={"email": EMAIL, "csrf_token": "forged"})
    assert forged.status_code == 403
    with app.store.unit_of_work(read_only=True) as uow:
        assert uow.requests.all() == []


def test_guessed_references_and_tokens_show_nothing(centre):
    client, app = centre
    reference, token = submit(client)
    other_reference, other_token = submit(client, email="dominique.martin@example.com")
    for url in (f"/centre/requests/{reference}", f"/centre/requests/{reference}?token=",
                f"/centre/requests/{reference}?token={other_token}",
                f"/centre/requests/{other_reference}?token={token}",
                f"/centre/requests/{reference[:-1]}9?token={token}",
                f"/centre/requests/{reference}/files/shop/access-x.json?token={token}"):
        page = client.get(url)
        assert page.status_code == 404, url
        assert EMAIL not in page.text and "dominique" not in page.text
        assert "Aucune demande ne correspond à ce lien" in page.text
    # a code posted with another request's token is refused before it is even checked
    form_token = csrf(client, "/centre/requests/new/access")
    stolen = client.post(f"/centre/requests/{reference}/verification",
                         data={"csrf_token": form_token, "token": other_token, "code": codes(app)[0]})
    assert stolen.status_code == 404
    with app.store.unit_of_work(read_only=True) as uow:
        assert uow.requests.by_reference(reference).status.value == "awaiting_code"


def test_code_attempts_and_forms_are_rate_limited_per_address(centre):
    client, app = centre
    reference, token = submit(client)
    statuses = [verify(client, reference, token, "123450").status_code for _ in range(11)]
    assert statuses[-1] == 429 and 429 not in statuses[:10], str(statuses)
    for _ in range(4):
        submit(client, email="dominique.martin@example.com")
    token = csrf(client, "/centre/requests/new/access")
    blocked = client.post("/centre/requests/new/access", data={"csrf_token": token, "email": EMAIL})
    assert blocked.status_code == 429 and "Trop d'essais" in html.unescape(blocked.text)
    assert int(blocked.headers["retry-after"]) > 0
    app.clock.advance(timedelta(hours=1, seconds=1))
    assert submit(client)[0]


def _answer_with_files(app, reference: str) -> Path:
    desk = request_desk(app, actor="test")
    with app.store.unit_of_work(read_only=True) as uow:
        request = uow.requests.by_reference(reference)
    from egide.services.request_identity import verify_manually

    verify_manually(desk, reference, "called back")
    start_run(desk, reference)
    folder = app.settings.data_dir / "requests" / "shop"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"access-{request.id}.json").write_text('{"orders": 2}', encoding="utf-8")
    (folder / f"portability-{request.id}.zip").write_bytes(b"PK\x05\x06" + b"\0" * 18)
    mark_answered(desk, reference, "Copie de vos données : 2 élément(s) trouvé(s).")
    return folder


def test_the_answer_and_files_are_downloadable_for_the_set_time_then_purged(centre):
    client, app = centre
    reference, token = submit(client)
    other_reference, other_token = submit(client, email="dominique.martin@example.com")
    folder = _answer_with_files(app, reference)
    page = client.get(f"/centre/requests/{reference}?token={token}")
    assert "Copie de vos données : 2 élément(s)" in html.unescape(page.text)
    links = re.findall(r'href="(/centre/requests/[^"]+/files/[^"]+)"', page.text)
    assert len(links) == 2
    download = client.get(links[0].replace("&amp;", "&"))
    assert download.status_code == 200 and download.content == b'{"orders": 2}'
    assert "sandbox" in download.headers["content-security-policy"]
    assert client.get(links[0].split("?")[0] + f"?token={other_token}").status_code == 404
    assert client.get(links[0].replace(reference, other_reference)).status_code == 404
    app.clock.advance(timedelta(days=app.settings.export_available_days, seconds=1))
    assert client.get(links[0]).status_code == 404
    assert "ont été supprimés" in html.unescape(client.get(f"/centre/requests/{reference}?token={token}").text)
    purged = purge_expired_exports(app.store, app.settings.data_dir / "requests",
                                   timedelta(days=app.settings.export_available_days))
    assert (purged.requests, purged.files) == (1, 2) and list(folder.iterdir()) == []
    with app.store.unit_of_work(read_only=True) as uow:
        events = [e for e in uow.audit.search(object_type="data_subject_request", limit=1000)  # type: ignore[attr-defined]
                  if e.action == "request.export_deleted"]
    assert len(events) == 1 and events[0].payload["files"] == 2 and EMAIL not in json.dumps(events[0].payload)


def test_the_purge_keeps_the_files_of_requests_still_within_their_window(centre):
    client, app = centre
    reference, _ = submit(client)
    folder = _answer_with_files(app, reference)
    app.clock.advance(timedelta(days=1))
    purged = purge_expired_exports(app.store, app.settings.data_dir / "requests", timedelta(days=7))
    assert (purged.requests, purged.files) == (0, 0) and len(list(folder.iterdir())) == 2


def _banner_cookie(browser_id: str, choices: dict[str, bool]) -> str:
    record = {"v": 1, "browser_id": browser_id, "choices": choices, "register_version": "0" * 64,
              "cookies_hash": "0" * 64, "key": "k", "consent_id": None, "date": "2026-01-31T09:00:00.000Z",
              "closed": False, "synced": True}
    return base64.urlsafe_b64encode(json.dumps(record).encode()).decode().rstrip("=")


def test_preferences_show_this_browsers_choices_and_withdraw_one_in_a_click(app, tmp_path):
    activate_register(app.store, load_register(EXAMPLES / "002-okasio.yaml"), "test")
    app.registers.refresh()
    active = app.registers.get()
    category = sorted(active.cookie_categories)[0]
    record_choice(app.store, active, choices={f"cookie:{category}": True}, browser_id=BROWSER, actor="test",
                  proof=ConsentProof(channel=ConsentChannel.banner, register_version=active.sha256))
    with TestClient(create_app(app), base_url="http://testserver") as client:
        assert "Aucun choix" in client.get("/centre/preferences").text
        client.cookies.set("egide_consent", _banner_cookie(BROWSER, {category: True}))
        page = client.get("/centre/preferences")
        assert f'data-purpose="cookie:{category}"' in page.text and ">donné<" in page.text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        done = client.post("/centre/preferences/withdraw", data={"csrf_token": token, "purpose": f"cookie:{category}"},
                           follow_redirects=False)
        assert done.status_code == 303
        cookie = done.cookies.get("egide_consent") or client.cookies.get("egide_consent")
        record = json.loads(base64.urlsafe_b64decode(cookie + "=" * (-len(cookie) % 4)))
        assert record["choices"][category] is False and record["browser_id"] == BROWSER
        assert ">retiré<" in client.get("/centre/preferences").text
        again = client.post("/centre/preferences/withdraw", data={"csrf_token": token, "purpose": f"cookie:{category}"})
        assert again.status_code == 409
        client.cookies.set("egide_consent", _banner_cookie("someoneElsesBrowser_99", {category: True}))
        assert f'data-purpose="cookie:{category}"' not in client.get("/centre/preferences").text


def test_a_verified_requester_sees_their_own_consents_and_a_withdrawal_changes_the_decision(centre):
    from egide.domain.identity import Identifier
    from egide.services.subjects import find_or_register

    client, app = centre
    active = app.registers.get()
    subject = find_or_register(app.store, Identifier.of("email", EMAIL), actor="test")
    record_choice(app.store, active, choices={"marketing.communications.email": True}, subject_id=subject.id,
                  actor="test", proof=ConsentProof(channel=ConsentChannel.form, register_version=active.sha256))
    email = Identifier.of("email", EMAIL)
    assert app.decisions.decide(email, "marketing.communications.email").decision.outcome.value == "allow"
    reference, token = submit(client, right="withdraw_consent")
    before = client.get(f"/centre/requests/{reference}?token={token}")
    assert 'id="consents"' not in before.text  # not before the code proves who is asking
    other_reference, other_token = submit(client, right="access", email="dominique.martin@example.com")
    assert verify(client, reference, token, codes(app)[0]).status_code == 303
    page = client.get(f"/centre/requests/{reference}?token={token}")
    assert 'data-purpose="marketing.communications.email"' in page.text and ">donné<" in page.text
    form_token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    # another (unverified) request's token cannot withdraw this person's consent
    refused = client.post(f"/centre/requests/{other_reference}/consents/withdraw",
                          data={"csrf_token": form_token, "token": other_token,
                                "purpose": "marketing.communications.email"})
    assert refused.status_code == 409
    done = client.post(f"/centre/requests/{reference}/consents/withdraw",
                       data={"csrf_token": form_token, "token": token, "purpose": "marketing.communications.email"},
                       follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].endswith("done=withdrawn")
    assert ">retiré<" in client.get(done.headers["location"]).text
    assert app.decisions.decide(email, "marketing.communications.email").decision.outcome.value != "allow"


def test_an_erasure_answered_shows_the_kept_invoice_explained_on_the_secret_page(app, tmp_path, monkeypatch):
    import sqlite3

    from egide.adapters.jobs.request_jobs import run_request_job
    from egide.demo.shop import build_shop
    from egide.services.request_identity import verify_manually
    from tests.conftest import ROOT

    db = tmp_path / "shop" / "shop.db"
    build_shop(db, customers=20)
    monkeypatch.setenv("SHOP_DATABASE_URL", f"sqlite:///{db}")
    with sqlite3.connect(db) as c:
        email = c.execute("SELECT c.email FROM customers c JOIN orders o ON o.customer_id = c.id "
                          "JOIN invoices i ON i.order_id = o.id ORDER BY c.id LIMIT 1").fetchone()[0]
    activate_register(app.store, load_register(EXAMPLES / "002-okasio.yaml"), "test")
    app.registers.refresh()
    with TestClient(create_app(app), base_url="http://testserver") as client:
        reference, token = submit(client, right="erasure", email=email)
        verify_manually(request_desk(app, actor="test"), reference, "signed in to the customer account")
        run_request_job(app, reference, datasets=[str(ROOT / "examples" / "datasets" / "shop.yaml")])
        page = client.get(f"/centre/requests/{reference}?token={token}")
        assert page.status_code == 200 and 'data-status="answered"' in page.text
        answer = html.unescape(re.search(r'<pre class="answer" id="answer">(.*?)</pre>', page.text, re.S).group(1))
        assert "invoices" in answer and email not in page.text
