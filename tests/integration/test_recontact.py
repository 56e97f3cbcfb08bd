"""Re-contact before retention ends, on the demo shop (seed 002: prospects asked after three years
of no contact whether to go on): who is due and not a day before, one contact per cycle, the
notice by email with keep-me / forget-me links, and the answers fed back. SQLite and PostgreSQL:
Egide's store and the shop's database on the same engine kind."""

from __future__ import annotations

import email
import json
from datetime import datetime, timedelta, timezone
from email import policy
from pathlib import Path

import pytest
from sqlalchemy import select, text

from egide.adapters.notifications import NoticeTemplates, OutboxNotifier
from egide.datasets.loader import load_dataset
from egide.demo import shop
from egide.domain.clock import FixedClock
from egide.domain.errors import ConflictError, InvalidInputError, NotFoundError
from egide.domain.requests import RequestPolicy, RequestStatus
from egide.register.loader import load_register
from egide.services.request_desk import RequestDesk
from egide.services.request_runner import CompanyDatabase
from egide.services.retention.recontact import (
    answer_recontact,
    apply_keep_answers,
    awaiting_answer,
    contact_of_token,
    due_for_recontact,
    record_contacts,
)
from tests.conftest import ROOT, dump_yaml, load_yaml
from tests.integration.execution_shop import company_engine

NOW = datetime(2026, 1, 31, 9, 30, tzinfo=timezone.utc)
THREE_YEARS_AGO = datetime(2023, 1, 31, 9, 30, tzinfo=timezone.utc)
PUBLIC = "https://privacy.example.com"


def okasio(tmp_path: Path, notify: bool = True):
    data = load_yaml(ROOT / "examples" / "registers" / "002-okasio.yaml")
    for rule in data["retention"]:
        if rule.get("recontact"):
            rule["recontact"]["notify"] = notify
    return load_register(dump_yaml(data, tmp_path / "okasio.yaml")).register


@pytest.fixture
def company(app, database_url, tmp_path):
    """The shop with its prospects and subscribers replaced by known ones."""
    engine = company_engine(str(tmp_path / "shop.db") if database_url.startswith("sqlite") else database_url)
    shop.build_shop(engine, customers=10, seed=5, now=NOW, log_directory=tmp_path / "logs", log_days=1)
    with engine.begin() as c:
        c.execute(text("DELETE FROM newsletter_subscribers"))
        c.execute(text("DELETE FROM prospects"))
        c.execute(shop.PROSPECTS.insert(), [
            _prospect(1, "ines.roux.1@example.com", THREE_YEARS_AGO - timedelta(days=1)),  # due
            _prospect(2, "marc.blanc.2@example.com", THREE_YEARS_AGO + timedelta(days=1)),  # due in two days
            _prospect(3, "zoe.petit.3@example.com", NOW - timedelta(days=100)),  # not due
        ])
        c.execute(shop.NEWSLETTER_SUBSCRIBERS.insert(), [{
            "id": 1, "email": "paul.noir.1@example.com", "customer_id": None, "first_name": "Paul",
            "source": "salon", "subscribed_at": THREE_YEARS_AGO - timedelta(days=10), "unsubscribed_at": None}])
    dataset = load_dataset(ROOT / "examples" / "datasets" / "shop.yaml").dataset
    yield CompanyDatabase(dataset, engine, tmp_path)
    engine.dispose()


def _prospect(number: int, address: str, last_contact: datetime) -> dict:
    return {"id": number, "email": address, "first_name": "Ines", "last_name": "Roux", "company": None,
            "phone": None, "source": "salon", "collected_at": last_contact - timedelta(days=30),
            "last_contact_at": last_contact}


@pytest.fixture
def desk(app, tmp_path):
    return RequestDesk(store=app.store, renderer=NoticeTemplates(), code_hash=app.store.keyring.code_hash,
                       notifier=OutboxNotifier(tmp_path / "outbox", "privacy@example.com"),
                       policy=RequestPolicy(controller_name="OKASIO", language="fr",
                                            contact_email="privacy@example.com"), actor="test")


def _due(desk, register, company, at=None):
    return sorted((p.table, json.loads(p.row_key)[0]) for p in due_for_recontact(desk, register, [company], at))


def test_prospects_are_due_three_years_after_their_last_contact_and_not_a_day_before(desk, company, tmp_path):
    register = okasio(tmp_path)
    assert _due(desk, register, company) == [("newsletter_subscribers", "1"), ("prospects", "1")]
    later = _due(desk, register, company, NOW + timedelta(days=1))
    assert ("prospects", "2") in later and ("prospects", "3") not in later  # exactly three years on the day
    assert ("prospects", "2") not in _due(desk, register, company, NOW + timedelta(days=1) - timedelta(seconds=1))


def test_the_list_gives_the_rule_the_clock_and_the_address(desk, company, tmp_path):
    person = next(p for p in due_for_recontact(desk, okasio(tmp_path), [company]) if p.table == "prospects")
    row = person.as_dict()
    assert row["rule"] == "prospect-data" and row["key"] == ["1"] and row["email"] == "ines.roux.1@example.com"
    assert row["clock"].startswith("2023-01-30T09:30") and row["due_since"].startswith("2026-01-30T09:30")


def test_contacts_are_recorded_once_per_cycle_with_an_audit_event_and_a_notice(app, desk, company, tmp_path):
    register = okasio(tmp_path)
    outcome = record_contacts(desk, register, [company], public_url=PUBLIC)
    assert len(outcome.contacts) == 2 and outcome.notified == 2 and not outcome.failed
    assert _due(desk, register, company) == []  # contacted: not listed again while the answer is awaited
    again = record_contacts(desk, register, [company], public_url=PUBLIC)
    assert again.contacts == []
    assert list(awaiting_answer(app.store, "prospect-data", "shop", "prospects")) == ['["1"]']
    notices = sorted((tmp_path / "outbox").glob("*.eml"))
    assert len(notices) == 2
    message = email.message_from_bytes(notices[0].read_bytes(), policy=policy.default)
    body = message.get_content()
    assert message["X-Egide-Notice"] == "recontact" and message["Subject"].startswith("RC-")
    assert f"{PUBLIC}/recontact/" in body and "?answer=keep" in body and "?answer=forget" in body
    assert "3 ans" in body and body.strip().endswith("OKASIO")
    with app.store.unit_of_work(read_only=True) as uow:
        events = [e for e in uow.audit.events() if e.action == "retention.recontact_recorded"]
    assert [e.payload["contacts"] for e in events] == [1, 1]
    assert "@" not in json.dumps([e.payload for e in uow_events(app)])  # references only, never an address


def uow_events(app):
    with app.store.unit_of_work(read_only=True) as uow:
        return list(uow.audit.events())


def test_without_notify_people_are_listed_and_recorded_but_not_written_to(desk, company, tmp_path):
    outcome = record_contacts(desk, okasio(tmp_path, notify=False), [company], public_url=PUBLIC)
    assert len(outcome.contacts) == 2 and outcome.notified == 0
    assert not (tmp_path / "outbox").exists()


def test_keep_me_restarts_the_clock_of_the_prospect_row(app, desk, company, tmp_path):
    register = okasio(tmp_path)
    contact = next(c for c in record_contacts(desk, register, [company], public_url=PUBLIC).contacts
                   if c.table == "prospects")
    app.store.clock.advance(timedelta(days=5))
    answered = answer_recontact(desk, contact.reference, "keep", by="data_subject", through_link=True,
                                databases=[company], register=register)
    assert answered.contact.answer == "keep" and answered.clock_moved
    with company.engine.connect() as c:
        moved = c.execute(select(shop.PROSPECTS.c.last_contact_at).where(shop.PROSPECTS.c.id == 1)).scalar_one()
    assert moved.replace(tzinfo=None) == (NOW + timedelta(days=5)).replace(tzinfo=None)
    assert ("prospects", "1") not in _due(desk, register, company, NOW + timedelta(days=3 * 365))
    assert ("prospects", "1") in _due(desk, register, company, NOW + timedelta(days=3 * 366 + 5))


def test_keep_me_on_a_column_that_starts_other_clocks_leaves_it_and_the_answer_restarts_the_clock(
        app, desk, company, tmp_path):
    register = okasio(tmp_path)
    contact = next(c for c in record_contacts(desk, register, [company]).contacts if c.table == "newsletter_subscribers")
    answer_recontact(desk, contact.reference, "keep", by="test", databases=[company], register=register)
    assert apply_keep_answers(desk, register, [company]) == []  # subscribed_at also starts collection: untouched
    with company.engine.connect() as c:
        kept = c.execute(select(shop.NEWSLETTER_SUBSCRIBERS.c.subscribed_at)).scalar_one()
    assert kept.replace(tzinfo=None) == (THREE_YEARS_AGO - timedelta(days=10)).replace(tzinfo=None)
    assert ("newsletter_subscribers", "1") not in _due(desk, register, company, NOW + timedelta(days=365))
    assert ("newsletter_subscribers", "1") in _due(desk, register, company, NOW + timedelta(days=3 * 366))


def test_forget_me_through_the_signed_link_opens_a_verified_erasure_request(app, desk, company, tmp_path):
    register = okasio(tmp_path)
    contact = next(c for c in record_contacts(desk, register, [company], public_url=PUBLIC).contacts
                   if c.table == "prospects")
    body = next(p for p in (tmp_path / "outbox").glob("*.eml") if contact.reference in p.name).read_text()
    token = body.split(f"{PUBLIC}/recontact/", 1)[1].split("?", 1)[0]
    assert contact_of_token(desk, token).reference == contact.reference
    answered = answer_recontact(desk, contact.reference, "forget", by="data_subject", through_link=True)
    with app.store.unit_of_work(read_only=True) as uow:
        request = uow.requests.by_reference(answered.request_reference)
        claims = uow.requests.claims(request)
    assert request.right.value == "erasure" and request.status is RequestStatus.verified
    assert claims["email"] == "ines.roux.1@example.com"
    assert ("prospects", "1") not in _due(desk, register, company, NOW + timedelta(days=30))
    assert answer_recontact(desk, contact.reference, "forget", by="data_subject").request_reference == \
        answered.request_reference  # the same answer twice opens one request
    with pytest.raises(ConflictError, match="already answered"):
        answer_recontact(desk, contact.reference, "keep", by="data_subject")


def test_a_forged_link_an_unknown_answer_or_rule_are_refused_clearly(desk, company, tmp_path):
    register = okasio(tmp_path)
    contact = record_contacts(desk, register, [company]).contacts[0]
    with pytest.raises(InvalidInputError, match="not valid"):
        contact_of_token(desk, f"{contact.id}.forged")
    with pytest.raises(InvalidInputError, match="unknown answer"):
        answer_recontact(desk, contact.reference, "maybe", by="test")
    with pytest.raises(NotFoundError, match="no retention rule 'nope'"):
        due_for_recontact(desk, register, [company], rule="nope")
    with pytest.raises(NotFoundError):
        answer_recontact(desk, "RC-00000000", "keep", by="test")


def test_the_store_clock_drives_the_list(app, desk, company, tmp_path):
    assert isinstance(app.store.clock, FixedClock)
    app.store.clock.advance(timedelta(days=2))
    assert ("prospects", "2") in _due(desk, okasio(tmp_path), company)
