"""The staff console over HTTP (TestClient on the ASGI app), on SQLite and PostgreSQL: the requests
queue and a request's page with its actions, the register with the major-change flow, the consent
chart, retention holds, the audit search; the roles' limits; every view of personal data audited."""

from __future__ import annotations

import copy
import re
from datetime import date, timedelta

import pytest
import yaml
from fastapi.testclient import TestClient

from egide.adapters.http.app import create_app
from egide.adapters.jobs import build_job_queue
from egide.adapters.notifications import request_desk
from egide.adapters.store import console_queries
from egide.domain.consent import ConsentChannel, ConsentProof
from egide.domain.identity import Identifier
from egide.register.loader import load_register
from egide.services import accounts
from egide.services.audit import verify_audit_trail
from egide.services.consent import record_choice
from egide.services.registers import activate_register
from egide.services.requests import show_request, submit_request
from egide.services.staff_views import VIEWED
from egide.services.subjects import find_or_register
from tests.conftest import CLEAN_REGISTER, dump_yaml

PASSWORD = "Corr3ct-Horse-Battery!"
EMAIL = "lucie.moreau@example.com"
NEWSLETTER = "marketing.communications.email"


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "the page carries no CSRF field"
    return found.group(1)


@pytest.fixture
def console(app, tmp_path):  # type: ignore[no-untyped-def]
    activate_register(app.store, load_register(dump_yaml(CLEAN_REGISTER, tmp_path / "clean.yaml")), "test")
    app.registers.refresh()
    for name, role in (("dpo", "dpo"), ("agent", "agent"), ("auditor", "auditor")):
        accounts.create_account(app.store, username=name, role=role, password=PASSWORD, actor="test")
    jobs = build_job_queue(app)
    api = create_app(app, jobs=jobs)
    clients = {}
    for name in ("dpo", "agent", "auditor"):
        client = TestClient(api, base_url="https://testserver")
        page = client.get("/console/sign-in")
        signed = client.post("/console/sign-in", data={"username": name, "password": PASSWORD, "next": "/console/",
                                                       "csrf_token": _csrf(page.text)}, follow_redirects=False)
        assert signed.status_code == 303, signed.text
        clients[name] = client
    yield clients, app, jobs
    for client in clients.values():
        client.close()


def post(client: TestClient, path: str, page_path: str, **data: str):  # type: ignore[no-untyped-def]
    token = _csrf(client.get(page_path).text)
    return client.post(path, data={"csrf_token": token, **data}, follow_redirects=False)


def submit(app, received_days_ago: int = 0, email: str = EMAIL, right: str = "access") -> str:  # type: ignore[no-untyped-def]
    desk = request_desk(app, actor="agent:test")
    received = app.store.clock.now().date() - timedelta(days=received_days_ago)
    return submit_request(desk, right=right, email=email, text="Je veux une copie de mes données",
                          received_at=received).request.reference


def viewed(app):  # type: ignore[no-untyped-def]
    return console_queries.audit_events(app.store, action=VIEWED)


def test_the_queue_lists_requests_by_legal_due_date_with_days_left_and_the_overdue_in_red(console) -> None:
    clients, app, _ = console
    recent = submit(app, 0, "recent@example.com")
    late = submit(app, 60, "late@example.com")
    page = clients["agent"].get("/console/requests")
    assert page.status_code == 200
    assert page.text.index(late) < page.text.index(recent)
    late_row = re.search(rf'<tr class="overdue">\s*<td><a href="/console/requests/{late}">', page.text)
    assert late_row, "the overdue request's row is not marked overdue"
    assert re.search(r'class="overdue">en retard de \d+ j', page.text)
    assert "recent@example.com" not in page.text  # the queue shows references, not people
    only = clients["agent"].get("/console/requests?overdue=true")
    assert late in only.text and recent not in only.text


def test_a_request_page_shows_the_person_and_records_who_viewed_it(console) -> None:
    clients, app, _ = console
    reference = submit(app)
    page = clients["agent"].get(f"/console/requests/{reference}?lang=en")
    assert page.status_code == 200
    assert EMAIL in page.text and "Identity checks" in page.text and "Recipients told (art. 19)" in page.text
    events = viewed(app)
    assert len(events) == 1 and events[0].actor == "console:agent"
    assert events[0].payload == {"page": "request", "reference": reference}
    assert EMAIL not in str(events[0].payload)
    assert verify_audit_trail(app.store).intact


def test_the_dpo_verifies_extends_and_runs_a_request_on_the_job_runner(console) -> None:
    clients, app, jobs = console
    reference = submit(app)
    path = f"/console/requests/{reference}"
    verified = post(clients["dpo"], f"{path}/verify", path, method="called back on the number on file")
    assert verified.status_code == 303 and verified.headers["location"] == f"{path}?done=verify"
    extended = post(clients["dpo"], f"{path}/extend", path, reason="many archives to search", by="P2M")
    assert extended.status_code == 303
    run = post(clients["dpo"], f"{path}/run", path)
    assert run.status_code == 303 and "done=run" in run.headers["location"]
    job = re.search(r"job=([^&]+)", run.headers["location"]).group(1)
    shown = clients["dpo"].get(run.headers["location"])
    assert job in shown.text
    view = show_request(request_desk(app), reference)
    assert view.request.status.value == "verified" and view.request.extension_reason == "many archives to search"
    assert view.request.identity_verified_by == "console:dpo"


def test_a_refusal_without_reasons_is_refused_on_the_page_and_changes_nothing(console) -> None:
    clients, app, _ = console
    reference = submit(app)
    path = f"/console/requests/{reference}"
    answer = post(clients["dpo"], f"{path}/refuse", path, reason="", ground="excessive")
    assert answer.status_code == 400 and 'role="alert"' in answer.text
    assert show_request(request_desk(app), reference).request.status.value == "awaiting_code"
    unverified_run = post(clients["dpo"], f"{path}/run", path)
    assert unverified_run.status_code == 409 and "only a verified request runs" in unverified_run.text


def test_the_answer_is_approved_only_once_it_exists(console) -> None:
    clients, app, _ = console
    reference = submit(app)
    path = f"/console/requests/{reference}"
    assert post(clients["dpo"], f"{path}/approve", path).status_code == 409
    refused = post(clients["dpo"], f"{path}/refuse", path, reason="third identical request this month",
                   ground="excessive")
    assert refused.status_code == 303
    assert post(clients["dpo"], f"{path}/approve", path).status_code == 409  # refused is not answered
    sent = post(clients["dpo"], f"{path}/send", path)
    assert sent.status_code == 303 and "sent=" in sent.headers["location"]


def test_an_agent_cannot_reach_admin_pages_nor_activate_a_register(console) -> None:
    clients, _, _ = console
    agent = clients["agent"]
    assert agent.get("/console/audit").status_code == 403
    assert agent.get("/console/accounts").status_code == 403
    assert agent.get("/console/register").status_code == 200
    assert "/console/register/preview" not in agent.get("/console/register").text
    refused = post(agent, "/console/register/preview", "/console/register", text="policy: {}")
    assert refused.status_code == 403
    assert post(agent, "/console/retention/holds", "/console/register", scope="dataset", reason="x").status_code == 403


def test_an_auditor_reads_everything_and_changes_nothing(console) -> None:
    clients, app, _ = console
    reference = submit(app)
    auditor = clients["auditor"]
    for path in ("/console/requests", f"/console/requests/{reference}", "/console/register", "/console/consent",
                 "/console/retention", "/console/audit"):
        assert auditor.get(path).status_code == 200, path
    page = auditor.get(f"/console/requests/{reference}").text
    assert f"/console/requests/{reference}/verify" not in page
    for action in ("verify", "extend", "refuse", "run", "approve", "send"):
        answer = post(auditor, f"/console/requests/{reference}/{action}", "/console/requests",
                      method="x", reason="x", ground="excessive")
        assert answer.status_code == 403, action
    assert post(auditor, "/console/register/activate", "/console/register", text="x").status_code == 403
    assert post(auditor, "/console/retention/holds", "/console/register", scope="dataset", reason="x").status_code == 403
    assert show_request(request_desk(app), reference).request.status.value == "awaiting_code"


def test_a_post_without_the_csrf_token_is_refused(console) -> None:
    clients, app, _ = console
    reference = submit(app)
    answer = clients["dpo"].post(f"/console/requests/{reference}/verify", data={"method": "x"},
                                 follow_redirects=False)
    assert answer.status_code == 403
    assert show_request(request_desk(app), reference).request.status.value == "awaiting_code"


def _major_change(tmp_path):  # type: ignore[no-untyped-def]
    changed = copy.deepcopy(CLEAN_REGISTER)
    changed["policy"]["version"] = "2026-02"
    changed["recipients"].append({"key": "ads", "name": "Régie Pub SA", "kind": "third_party", "country": "FR"})
    changed["activities"][1]["recipients"] = ["ads"]
    return yaml.safe_dump(changed, allow_unicode=True, sort_keys=False)


def test_the_dpo_activates_a_major_change_only_after_reading_its_notice(console, tmp_path) -> None:
    clients, app, _ = console
    dpo = clients["dpo"]
    text = _major_change(tmp_path)
    preview = post(dpo, "/console/register/preview", "/console/register", text=text)
    assert preview.status_code == 200, preview.text
    assert 'name="confirm_major"' in preview.text and "Régie Pub SA" in preview.text
    unconfirmed = post(dpo, "/console/register/activate", "/console/register", text=text)
    assert unconfirmed.status_code == 409
    with app.store.unit_of_work(read_only=True) as uow:
        assert uow.registers.active().label == "2026-01"
    confirmed = post(dpo, "/console/register/activate", "/console/register", text=text, confirm_major="yes")
    assert confirmed.status_code == 303
    with app.store.unit_of_work(read_only=True) as uow:
        versions = sorted(uow.registers.all(), key=lambda v: v.id)
        assert uow.registers.active().label == "2026-02"
    diff = dpo.get(f"/console/register?old={versions[0].id}&new={versions[1].id}")
    assert diff.status_code == 200 and "major" in diff.text and "ads" in diff.text


def test_an_invalid_register_is_refused_with_the_line_of_the_problem(console) -> None:
    clients, _, _ = console
    answer = post(clients["dpo"], "/console/register/preview", "/console/register",
                  text="policy:\n  version: 1\ncontroller: 3\n")
    assert answer.status_code == 400
    assert 'role="alert"' in answer.text and "controller" in answer.text


def test_the_consent_page_draws_acceptance_rates_as_svg_without_scripts(console) -> None:
    clients, app, _ = console
    active = app.registers.get()
    for i, accepted in enumerate([True, True, False]):
        subject = find_or_register(app.store, Identifier.of("email", f"p{i}@example.com"), "test")
        record_choice(app.store, active, choices={NEWSLETTER: accepted}, actor="test", subject_id=subject.id,
                      proof=ConsentProof(channel=ConsentChannel.form, register_version=active.sha256, language="fr"))
    page = clients["agent"].get("/console/consent?by=purpose&period=day")
    assert page.status_code == 200
    assert "<svg" in page.text and "<polyline" in page.text and "<script>" not in page.text.split("<svg")[1]
    assert re.search(rf"<td>{re.escape(NEWSLETTER)}</td><td>2</td><td>1</td><td>0</td><td>67 %</td>", page.text)
    by_version = clients["agent"].get("/console/consent?by=version")
    assert active.sha256[:12] in by_version.text
    wrong = clients["agent"].get("/console/consent?by=colour")
    assert wrong.status_code == 400 and "by" in wrong.text


def test_the_dpo_places_and_ends_a_legal_hold(console) -> None:
    clients, app, _ = console
    dpo = clients["dpo"]
    placed = post(dpo, "/console/retention/holds", "/console/retention", scope="event", event="security_incident",
                  reason="incident INC-7 under investigation", owner="rssi")
    assert placed.status_code == 303, placed.text
    page = dpo.get("/console/retention")
    assert "incident INC-7 under investigation" in page.text and "/end" in page.text
    hold_id = re.search(r'/console/retention/holds/(\d+)/end', page.text).group(1)
    assert post(dpo, f"/console/retention/holds/{hold_id}/end", "/console/retention").status_code == 303
    assert "/end" not in dpo.get("/console/retention").text
    actions = [e.action for e in console_queries.audit_events(app.store, action="retention.hold")]
    assert actions == ["retention.hold_ended", "retention.hold_placed"]
    bad = post(dpo, "/console/retention/holds", "/console/retention", scope="galaxy", reason="x")
    assert bad.status_code == 400 and "scope" in bad.text


def test_the_audit_search_by_person_request_and_actor_is_itself_audited(console) -> None:
    clients, app, _ = console
    reference = submit(app)
    submit(app, email="other@example.com")
    dpo = clients["dpo"]
    by_person = dpo.get("/console/audit", params={"person": EMAIL})
    assert by_person.status_code == 200 and "request.received" in by_person.text
    assert "other@example.com" not in by_person.text and "intacte" in by_person.text
    event = viewed(app)[0]
    assert event.payload["page"] == "audit_search" and EMAIL not in str(event.payload)
    by_request = dpo.get("/console/audit", params={"reference": reference})
    assert by_request.status_code == 200 and reference in by_request.text
    assert dpo.get("/console/audit", params={"reference": "DSR-1999-000001"}).status_code == 404
    by_actor = dpo.get("/console/audit", params={"actor": "agent:test", "lang": "en"})
    assert "intact:" in by_actor.text and "agent:test" in by_actor.text


def test_the_dpo_approves_an_answered_request_once_and_the_approval_is_shown(console) -> None:
    from egide.services.request_identity import verify_manually
    from egide.services.requests import mark_answered, start_run

    clients, app, _ = console
    reference = submit(app)
    desk = request_desk(app, actor="agent:test")
    verify_manually(desk, reference, "in person")
    start_run(desk, reference)
    mark_answered(desk, reference, "Voici vos données.")
    path = f"/console/requests/{reference}"
    assert post(clients["dpo"], f"{path}/approve", path).status_code == 303
    again = post(clients["dpo"], f"{path}/approve", path)
    assert again.status_code == 409 and "already approved" in again.text
    page = clients["dpo"].get(f"{path}?lang=en").text
    assert "Answer approved by console:dpo" in page and "Voici vos données." in page
    approved = console_queries.audit_events(app.store, action="request.answer_approved")
    assert len(approved) == 1 and "Voici" not in str(approved[0].payload)


def test_the_retention_page_shows_the_plan_of_the_shop_at_a_date_in_counts_only(tmp_path, database_url, clock,
                                                                               monkeypatch) -> None:
    from egide.bootstrap import build_app, initialise
    from egide.demo.shop import build_shop
    from egide.settings import Settings
    from tests.conftest import EXAMPLES, ROOT

    shop = tmp_path / "shop" / "shop.db"
    build_shop(shop, customers=40, now=clock.now())
    monkeypatch.setenv("SHOP_DATABASE_URL", f"sqlite:///{shop}")
    monkeypatch.delenv("SHOP_ARCHIVE_URL", raising=False)
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url, actor="test",
                        datasets=[ROOT / "examples" / "datasets" / "shop.yaml"])
    initialise(settings)
    app = build_app(settings, clock=clock)
    try:
        activate_register(app.store, load_register(EXAMPLES / "002-okasio.yaml"), "test")
        app.registers.refresh()
        accounts.create_account(app.store, username="agent", role="agent", password=PASSWORD, actor="test")
        with TestClient(create_app(app), base_url="https://testserver") as client:
            signed = client.post("/console/sign-in", data={
                "username": "agent", "password": PASSWORD, "next": "/console/",
                "csrf_token": _csrf(client.get("/console/sign-in").text)}, follow_redirects=False)
            assert signed.status_code == 303
            page = client.get("/console/retention", params={"at": "2031-01-31"})
            assert page.status_code == 200, page.text
            assert "2031-01-31 00:00 UTC" in page.text and '<table class="plan">' in page.text
            assert "@example.com" not in page.text  # counts per rule and table, never rows
            assert client.get("/console/retention", params={"at": "soon"}).status_code == 400
    finally:
        app.close()


def test_a_guessed_request_reference_shows_a_not_found_page_and_records_no_view(console) -> None:
    clients, app, _ = console
    submit(app)
    page = clients["dpo"].get("/console/requests/DSR-2026-999999")
    assert page.status_code == 404 and "Cette page n&#39;existe pas." in page.text
    assert post(clients["dpo"], "/console/requests/DSR-2026-999999/verify", "/console/requests",
                method="x").status_code == 404
    assert viewed(app) == []


def test_a_held_answer_is_shown_with_its_due_date_and_the_dpo_approves_and_sends_it(console) -> None:
    from egide.services.request_identity import verify_manually
    from egide.services.requests import hold_answer, start_run

    clients, app, _ = console
    reference = submit(app)
    desk = request_desk(app, actor="agent:test")
    verify_manually(desk, reference, "in person")
    start_run(desk, reference)
    hold_answer(desk, reference, "Voici vos données.")
    queue = clients["agent"].get("/console/requests").text
    assert re.search(rf'{reference}</a></td>\s*<td>access</td>\s*<td>awaiting_approval', queue)
    path = f"/console/requests/{reference}"
    page = clients["dpo"].get(f"{path}?lang=en").text
    due = show_request(desk, reference).row.due_on.isoformat()
    assert 'id="held"' in page and f"The legal clock keeps running (due {due})" in page
    assert "Approve and send the answer" in page and "Voici vos données." in page
    auditor = clients["auditor"].get(path).text
    assert 'id="held"' in auditor and "Approuver et envoyer" not in auditor  # read only
    assert post(clients["auditor"], f"{path}/approve", path).status_code == 403

    approved = post(clients["dpo"], f"{path}/approve", path)
    assert approved.status_code == 303 and "done=approve" in approved.headers["location"]
    assert "sent=1%2F0%2F0" in approved.headers["location"]
    view = show_request(request_desk(app), reference)
    assert view.request.status.value == "answered" and view.request.answered_at is not None
    assert [n.sent_at is not None for n in view.notices if n.kind.value == "answered"] == [True]
    shown = clients["dpo"].get(approved.headers["location"] + "&lang=en").text
    assert 'id="held"' not in shown and "Answer approved by console:dpo" in shown


def test_the_queue_filter_works_without_script_and_its_fragment_is_the_table_alone(console) -> None:
    clients, app, _ = console
    first = submit(app, 0, "first@example.com")
    second = submit(app, 0, "second@example.com")
    from egide.services.request_identity import verify_manually

    verify_manually(request_desk(app, actor="agent:test"), second, "in person")
    full = clients["agent"].get("/console/requests", params={"status": "verified"})
    assert full.status_code == 200 and "<html" in full.text and 'hx-get="/console/requests/fragment"' in full.text
    assert second in full.text and first not in full.text
    assert 'value="verified" selected' in full.text
    fragment = clients["agent"].get("/console/requests/fragment", params={"status": "awaiting_code"})
    assert fragment.status_code == 200 and fragment.text.startswith('<div id="queue-rows">')
    assert "<html" not in fragment.text and first in fragment.text and second not in fragment.text
    everything = clients["agent"].get("/console/requests/fragment", params={"status": "no-such-status"})
    assert first in everything.text and second in everything.text  # an unknown status filters nothing
    assert clients["auditor"].get("/console/requests/fragment").status_code == 200  # reading is enough


def test_an_approval_from_htmx_answers_a_fragment_and_a_refusal_changes_nothing(console) -> None:
    clients, app, _ = console
    reference = submit(app)
    path = f"/console/requests/{reference}"
    token = _csrf(clients["dpo"].get(path).text)
    refused = clients["dpo"].post(f"{path}/approve", data={"csrf_token": token}, headers={"HX-Request": "true"})
    assert refused.status_code == 200 and 'role="alert"' in refused.text and "run it first" in refused.text
    assert "<html" not in refused.text
    assert show_request(request_desk(app), reference).request.status.value == "awaiting_code"
