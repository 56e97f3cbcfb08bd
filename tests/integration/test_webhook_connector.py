"""The webhook connector: a processor's endpoint on loopback (a real HTTP server checking the
signature) receives the requests a dataset sends it; the answers are recorded and reported. The
store runs on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import json

import pytest
from sqlalchemy import select, text

from egide.adapters.connectors.webhook import WebhookClient
from egide.adapters.notifications import request_desk
from egide.adapters.store.tables import audit_events, webhook_calls
from egide.datasets.model import WebhookConnector
from egide.domain.errors import ConfigurationError
from egide.domain.identity import IdentifierKind
from egide.domain.notices import DeliveryError
from egide.domain.requests import RequestStatus, Right
from egide.register.loader import load_register
from egide.services.registers import activate_register
from egide.services.request_runner import CompanyDatabase, run_request
from egide.services.requests import show_request
from tests.integration.execution_shop import ALICE_EMAIL, SHARED_PHONE
from tests.integration.test_recipient_notices import (  # noqa: F401 (fixtures)
    company,
    endpoint,
    outbox,
    verified,
)
from tests.integration.webhook_server import SECRET
from tests.unit.datasets import OKASIO
from tests.unit.execution import shop_dataset


@pytest.fixture
def desk(app, outbox):  # noqa: F811
    activate_register(app.store, load_register(OKASIO), "test")
    app.registers.refresh()
    return dataclasses.replace(request_desk(app, actor="agent:test"), notifier=outbox,
                               webhooks=WebhookClient(environ={"MAILER_SECRET": SECRET}))


def with_webhook(endpoint, rights=(Right.access, Right.erasure)):  # noqa: F811
    hook = WebhookConnector(name="mailer", url=endpoint.url("/dsr"), secret_env="MAILER_SECRET",
                            activities=["prospecting"], rights=list(rights), identifiers=[IdentifierKind.email])
    return shop_dataset().model_copy(update={"webhooks": [hook]})


def run(desk, app, reference, dataset, company, tmp_path):  # noqa: F811
    return run_request(desk, app.registers.get(), reference, [CompanyDatabase(dataset, company, tmp_path)],
                       tmp_path / "out")


def test_an_erasure_is_posted_signed_to_the_processor_and_its_answer_reported(desk, app, endpoint, company,
                                                                              tmp_path):
    endpoint.answer = {"found": 4, "erased": 4}
    reference = verified(desk, "erasure")
    outcome = run(desk, app, reference, with_webhook(endpoint), company, tmp_path)
    [call] = endpoint.received
    assert call.verified and call.headers["Egide-Event"] == "egide.request"
    body = call.json
    assert body["right"] == "erasure" and body["reference"] == reference and body["due_on"] == "2026-02-28"
    assert body["data_subject"] == {"email": [ALICE_EMAIL]}  # only what the processor declared it needs
    assert SHARED_PHONE not in call.body.decode()
    assert "Sous-traitant mailer (webhook) : demande transmise, réponse HTTP 200 ; erased 4, found 4." in outcome.lines
    assert outcome.details["webhooks"]["shop"] == [{"connector": "mailer", "http_status": 200, "found": 4,
                                                    "erased": 4}]
    assert "Sous-traitant mailer" in show_request(desk, reference).result
    with app.engine.connect() as c:
        row = c.execute(select(webhook_calls)).one()
    assert row.status == "answered" and row.http_status == 200 and b"erased" not in row.sealed_answer


def test_an_access_writes_the_processors_answer_beside_the_report(desk, app, endpoint, company, tmp_path):
    endpoint.answer = {"found": 1, "rows": [{"email": ALICE_EMAIL, "lists": ["promotions"]}]}
    reference = verified(desk, "access")
    outcome = run(desk, app, reference, with_webhook(endpoint), company, tmp_path)
    [path] = [f for f in outcome.files if f.name.startswith("processors-")]
    assert b"promotions" not in path.read_bytes()  # sealed with the person's key at rest
    with app.store.unit_of_work(read_only=True) as uow:
        subject_id = uow.requests.by_reference(reference).subject_id
    written = json.loads(app.store.files.read(path, subject_id))
    assert written["processors"][0]["connector"] == "mailer"
    assert written["processors"][0]["answer"]["rows"][0]["lists"] == ["promotions"]


def test_a_missing_secret_stops_the_request_before_anything_runs(app, outbox, endpoint, company, tmp_path):  # noqa: F811
    activate_register(app.store, load_register(OKASIO), "test")
    app.registers.refresh()
    desk = dataclasses.replace(request_desk(app), notifier=outbox, webhooks=WebhookClient(environ={}))
    reference = verified(desk, "erasure")
    with pytest.raises(ConfigurationError, match="MAILER_SECRET is not set"):
        run(desk, app, reference, with_webhook(endpoint), company, tmp_path)
    assert show_request(desk, reference).request.status is RequestStatus.verified
    assert endpoint.received == []
    with company.connect() as c:
        assert c.execute(text("SELECT count(*) FROM customers WHERE email = :e"), {"e": ALICE_EMAIL}).scalar() == 1


def test_a_processor_that_fails_is_recorded_and_a_second_run_resumes_without_repeating(desk, app, endpoint, company,
                                                                                        tmp_path):
    endpoint.status = 500
    reference = verified(desk, "erasure")
    dataset = with_webhook(endpoint)
    with pytest.raises(DeliveryError, match="answered HTTP 500.*stays running"):
        run(desk, app, reference, dataset, company, tmp_path)
    assert show_request(desk, reference).request.status is RequestStatus.running
    with app.engine.connect() as c:
        assert c.execute(select(webhook_calls.c.status, webhook_calls.c.http_status)).all() == [("failed", 500)]
        erase_steps = c.execute(select(audit_events.c.payload).where(audit_events.c.action == "request.step_done")).all()
    endpoint.status = 200
    outcome = run(desk, app, reference, dataset, company, tmp_path)
    assert show_request(desk, reference).request.status is RequestStatus.answered
    assert [r.json["right"] for r in endpoint.received] == ["erasure", "erasure"]
    with app.engine.connect() as c:
        statuses = [r.status for r in c.execute(select(webhook_calls).order_by(webhook_calls.c.called_at))]
        steps = c.execute(select(audit_events.c.payload).where(audit_events.c.action == "request.step_done")).all()
    assert sorted(statuses) == ["answered", "failed"]
    assert len(steps) == len(erase_steps) + 1  # only the webhook step ran the second time
    assert any("Sous-traitant mailer" in line for line in outcome.lines)


def test_a_right_the_processor_does_not_take_is_not_sent(desk, app, endpoint, company, tmp_path):
    reference = verified(desk, "access")
    run(desk, app, reference, with_webhook(endpoint, rights=[Right.erasure]), company, tmp_path)
    assert endpoint.received == []
