"""Art. 19 notices to recipients after an erasure, a rectification or a restriction, on the sample
shop, with the store on SQLite and PostgreSQL: a real HTTP server on loopback receives the signed
webhooks and checks their signatures; email notices go through the notifier."""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from egide.adapters.connectors.webhook import WebhookClient
from egide.adapters.notifications import request_desk
from egide.adapters.store.tables import audit_events, recipient_notices
from egide.domain.errors import InvalidInputError
from egide.domain.identity import Identifier
from egide.domain.notices import NoticeKind
from egide.domain.recipient_notices import RecipientNoticeStatus
from egide.domain.requests import RequestStatus
from egide.domain.signatures import SignatureError, sign
from egide.register.loader import load_register
from egide.services.recipients import (
    deliver_recipient_notices,
    notify_recipients,
    recipient_list,
    record_recipient_answer,
)
from egide.services.registers import activate_register
from egide.services.request_identity import verify_manually
from egide.services.request_runner import CompanyDatabase, run_request
from egide.services.requests import show_request, submit_request
from tests.conftest import dump_yaml, load_yaml
from tests.integration.execution_shop import ALICE_EMAIL, build, company_engine
from tests.integration.test_requests import Collecting
from tests.integration.webhook_server import SECRET, Endpoint, serve
from tests.unit.datasets import OKASIO
from tests.unit.execution import shop_dataset


@pytest.fixture
def endpoint(clock):
    found = Endpoint(now=clock.now)
    server = serve(found)
    yield found
    server.shutdown()
    server.server_close()


@pytest.fixture
def company(tmp_path):
    engine = company_engine(str(tmp_path / "shop.db"))
    build(engine, tmp_path)
    yield engine
    engine.dispose()


def register_with_contacts(tmp_path: Path, contacts: dict[str, str]) -> Path:
    """Seed 002 with contacts given to some of its recipients."""
    data = load_yaml(OKASIO)
    for recipient in data["recipients"]:
        if recipient["key"] in contacts:
            recipient["contact"] = contacts[recipient["key"]]
    return dump_yaml(data, tmp_path / "okasio-contacts.yaml")


@pytest.fixture
def contacts(endpoint):
    return {"subcontractors": "dpo@soustraitant.example.com", "auditors": "mailto:audit@cabinet.example.com",
            "ovh": endpoint.url("/ovh")}


@pytest.fixture
def outbox():
    return Collecting()


@pytest.fixture
def desk(app, outbox, tmp_path, contacts):
    activate_register(app.store, load_register(register_with_contacts(tmp_path, contacts)), "test")
    app.registers.refresh()
    webhooks = WebhookClient(environ={"EGIDE_RECIPIENT_SECRET_OVH": SECRET, "MAILER_SECRET": SECRET})
    return dataclasses.replace(request_desk(app, actor="agent:test"), notifier=outbox, webhooks=webhooks)


def verified(desk, right, email=ALICE_EMAIL):
    reference = submit_request(desk, right=right, email=email, identify=False).request.reference
    verify_manually(desk, reference, "appel au numéro du compte")
    return reference


def run(desk, app, reference, company, tmp_path, **kwargs):
    return run_request(desk, app.registers.get(), reference, [CompanyDatabase(shop_dataset(), company, tmp_path)],
                       tmp_path / "out", **kwargs)


def by_recipient(notices):
    return {n.recipient: n for n in notices}


def test_an_erasure_tells_each_recipient_by_email_or_signed_webhook_and_records_it(desk, app, outbox, endpoint,
                                                                                  company, tmp_path):
    reference = verified(desk, "erasure")
    outcome = run(desk, app, reference, company, tmp_path)
    notices = by_recipient(recipient_list(desk, reference))
    assert "internal-teams" not in notices  # the controller's own teams are not recipients to write to
    assert notices["ovh"].status is RecipientNoticeStatus.sent and notices["ovh"].channel.value == "webhook"
    assert notices["ovh"].answer_status == 200
    assert notices["subcontractors"].status is RecipientNoticeStatus.sent
    assert notices["auditors"].address == "audit@cabinet.example.com"
    assert notices["google-ireland"].status is RecipientNoticeStatus.cannot_notify
    assert "no contact" in notices["google-ireland"].error
    [call] = endpoint.received
    assert call.verified and call.path == "/ovh" and call.headers["Egide-Delivery"] == notices["ovh"].id
    assert call.json["type"] == "art19.notice" and call.json["right"] == "erasure"
    assert call.json["data_subject"] == {"email": [ALICE_EMAIL]} and call.json["reference"] == reference
    emails = {n.to: n for n in outbox.sent if n.kind is NoticeKind.recipient}
    assert set(emails) == {"dpo@soustraitant.example.com", "audit@cabinet.example.com"}
    body = emails["dpo@soustraitant.example.com"].body
    assert ALICE_EMAIL in body and reference in body and "effacées" in body
    answer = show_request(desk, reference).result
    assert "Destinataires informés (art. 19)" in answer and "OVH (par webhook" in answer
    assert "faute de contact" in answer and "Google Ireland Limited" in answer
    assert outcome.details["recipients"]


def test_the_notices_and_their_audit_events_hold_no_personal_data_in_clear(desk, app, company, tmp_path):
    reference = verified(desk, "erasure")
    run(desk, app, reference, company, tmp_path)
    with app.engine.connect() as c:
        actions = c.execute(select(audit_events.c.action, audit_events.c.payload)
                            .where(audit_events.c.action.like("recipient_notice.%"))).all()
        bodies = c.execute(select(recipient_notices.c.sealed_body)).scalars().all()
    assert {a for a, _ in actions} == {"recipient_notice.recorded", "recipient_notice.sent",
                                       "recipient_notice.cannot_notify"}
    assert all("alice" not in p.lower() for _, p in actions)
    assert all(b is None or b"alice" not in b for b in bodies)


def test_a_failed_webhook_stays_visible_and_send_pending_retries_it(desk, app, endpoint, company, tmp_path):
    endpoint.status = 503
    reference = verified(desk, "erasure")
    run(desk, app, reference, company, tmp_path)
    ovh = by_recipient(recipient_list(desk, reference))["ovh"]
    assert ovh.status is RecipientNoticeStatus.failed and ovh.answer_status == 503 and "HTTP 503" in ovh.error
    assert "Envoi en cours de reprise : OVH" in show_request(desk, reference).result
    endpoint.status = 200
    [retried] = deliver_recipient_notices(desk)
    assert retried.recipient == "ovh" and retried.status is RecipientNoticeStatus.sent and retried.attempts == 2
    assert [r.verified for r in endpoint.received] == [True, True]
    assert deliver_recipient_notices(desk) == []


def test_a_resumed_run_does_not_tell_the_recipients_twice(desk, app, endpoint, company, tmp_path):
    reference = verified(desk, "erasure")
    run(desk, app, reference, company, tmp_path)
    first = recipient_list(desk, reference)
    register = app.registers.get().loaded.register
    again = notify_recipients(desk, register, reference, {a.key for a in register.activities},
                              [Identifier.of("email", ALICE_EMAIL)])
    assert again == first and len(endpoint.received) == 1
    with app.engine.connect() as c:
        assert c.execute(select(func.count()).select_from(recipient_notices)).scalar_one() == len(first)


def test_a_register_with_an_unknown_contact_scheme_is_refused_and_nothing_runs(desk, app, company, tmp_path):
    reference = verified(desk, "erasure")
    path = register_with_contacts(tmp_path, {"ovh": "ftp://ovh.example.com/notices"})
    with pytest.raises(InvalidInputError, match="the register is not valid") as raised:
        activate_register(app.store, load_register(path), "test")
    [problem] = raised.value.problems
    assert problem.path == "recipients[4].contact" and "ftp://ovh.example.com/notices" in problem.message
    assert problem.file == str(path) and "ftp://ovh.example.com/notices" in path.read_text().splitlines()[problem.line - 1]
    assert show_request(desk, reference).request.status is RequestStatus.verified
    with company.connect() as c:
        assert c.execute(text("SELECT count(*) FROM customers WHERE email = :e"), {"e": ALICE_EMAIL}).scalar() == 1


def test_a_recipients_signed_acknowledgement_is_recorded(desk, app, company, tmp_path, clock):
    reference = verified(desk, "erasure")
    run(desk, app, reference, company, tmp_path)
    ovh = by_recipient(recipient_list(desk, reference))["ovh"]
    body = json.dumps({"notice": ovh.id, "status": "erased", "rows": 3}).encode()
    acknowledged = record_recipient_answer(desk, body, sign(SECRET.encode(), body, clock.now()))
    assert acknowledged.status is RecipientNoticeStatus.acknowledged and acknowledged.answered_at is not None
    with app.store.unit_of_work(read_only=True) as uow:
        assert json.loads(uow.recipient_notices.answer(ovh.id))["rows"] == 3


def test_a_forged_or_stale_acknowledgement_is_refused_and_changes_nothing(desk, app, company, tmp_path, clock):
    reference = verified(desk, "erasure")
    run(desk, app, reference, company, tmp_path)
    ovh = by_recipient(recipient_list(desk, reference))["ovh"]
    body = json.dumps({"notice": ovh.id, "status": "erased"}).encode()
    with pytest.raises(SignatureError, match="does not match"):
        record_recipient_answer(desk, body, sign(b"not-the-shared-secret-at-all!!", body, clock.now()))
    with pytest.raises(SignatureError, match="does not match"):
        record_recipient_answer(desk, body.replace(b"erased", b"kept!!"), sign(SECRET.encode(), body, clock.now()))
    with pytest.raises(SignatureError, match="stale"):
        record_recipient_answer(desk, body, sign(SECRET.encode(), body, clock.now() - timedelta(minutes=10)))
    with pytest.raises(SignatureError, match="malformed"):
        record_recipient_answer(desk, body, "v1=abc")
    after = by_recipient(recipient_list(desk, reference))["ovh"]
    assert after.status is RecipientNoticeStatus.sent and after.answered_at == ovh.answered_at


def test_a_rectification_sends_the_corrected_values(desk, app, outbox, endpoint, company, tmp_path):
    reference = verified(desk, "rectification")
    run(desk, app, reference, company, tmp_path, changes={"customers.city": "Roubaix"})
    [call] = endpoint.received
    assert call.json["right"] == "rectification" and call.json["changes"] == {"customers.city": "Roubaix"}
    mail = next(n for n in outbox.sent if n.to == "dpo@soustraitant.example.com")
    assert "customers.city = Roubaix" in mail.body and "rectifiées" in mail.body


def test_a_disputed_rectifications_statement_goes_with_later_notices(desk, app, outbox, endpoint, company, tmp_path):
    disputed = verified(desk, "rectification")
    run(desk, app, disputed, company, tmp_path, changes={"customers.city": "Roubaix"}, disputed=True,
        statement="J'habite Roubaix depuis mars.")
    assert recipient_list(desk, disputed) == [] and endpoint.received == []  # nothing was rectified
    assert "Aucun destinataire" in show_request(desk, disputed).result
    erasure = verified(desk, "erasure")
    run(desk, app, erasure, company, tmp_path)
    assert endpoint.received[0].json["statements"] == ["J'habite Roubaix depuis mars."]
    mail = next(n for n in outbox.sent if n.to == "dpo@soustraitant.example.com")
    assert "J'habite Roubaix depuis mars." in mail.body


def test_a_restriction_tells_the_recipients_of_every_activity_the_datasets_serve(desk, app, endpoint, company,
                                                                                 tmp_path):
    reference = verified(desk, "restriction")
    run(desk, app, reference, company, tmp_path)
    notices = by_recipient(recipient_list(desk, reference))
    assert {"ovh", "subcontractors", "auditors", "stripe"} <= set(notices)
    assert endpoint.received[0].json["right"] == "restriction"
