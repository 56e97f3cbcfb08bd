"""The request lifecycle against the store, on SQLite and PostgreSQL: intake, identity, the clock,
notices queued with their change and delivered after it, the audit trail."""

from __future__ import annotations

import dataclasses
import re
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from egide.adapters.notifications import request_desk
from egide.adapters.store.tables import audit_events, data_subject_requests, notices, verification_codes
from egide.domain.errors import ConflictError, InvalidInputError, NotFoundError
from egide.domain.notices import DeliveryError, NoticeKind
from egide.domain.requests import ForbiddenMoveError, RequestStatus
from egide.register.loader import load_register, parse_register
from egide.services.audit import verify_audit_trail
from egide.services.registers import activate_register
from egide.services.request_identity import (
    ask_identity_document,
    identity_document_checked,
    send_verification_code,
    verify_code,
    verify_manually,
)
from egide.services.requests import (
    extend,
    list_requests,
    mark_answered,
    refuse,
    send_pending,
    show_request,
    start_run,
    submit_request,
)
from tests.conftest import CLEAN_REGISTER, EXAMPLES, dump_yaml

EMAIL = "jeanne.martin@example.com"


class Collecting:
    """A transport that keeps what it is given (and can be told to fail)."""

    name = "test"

    def __init__(self) -> None:
        self.sent = []
        self.failing = False

    def send(self, notice) -> None:
        if self.failing:
            raise DeliveryError(f"550 mailbox unavailable: <{notice.to}>")
        self.sent.append(notice)

    def code(self) -> str:
        notice = [n for n in self.sent if n.kind is NoticeKind.code][-1]
        return re.search(r"^\s+(\d{6})$", notice.body, re.M).group(1)


@pytest.fixture
def outbox():
    return Collecting()


def _desk(app, outbox, register_file):
    activate_register(app.store, load_register(register_file), "test")
    app.registers.refresh()
    return dataclasses.replace(request_desk(app, actor="agent:test"), notifier=outbox)


@pytest.fixture
def desk(app, outbox, tmp_path):
    """The clean register (CNIL, identity proof on reasonable doubt) active."""
    return _desk(app, outbox, dump_yaml(CLEAN_REGISTER, tmp_path / "clean.yaml"))


def submit(desk, **given):
    return submit_request(desk, **{"right": "access", "email": EMAIL, "text": "Je veux une copie de mes données",
                                   **given}).request


def test_a_request_is_logged_acknowledged_and_a_code_emailed(desk, outbox, app):
    request = submit(desk, name="Jeanne Martin")
    assert request.reference == "DSR-2026-000001" and request.status is RequestStatus.awaiting_code
    assert request.received_at == datetime(2026, 1, 31, 9, 30) and request.due_on == date(2026, 2, 28)
    assert [n.kind for n in outbox.sent] == [NoticeKind.received, NoticeKind.code]
    assert outbox.sent[0].to == EMAIL and "28 février 2026" in outbox.sent[0].body
    assert submit(desk).reference == "DSR-2026-000002"


def test_personal_data_is_sealed_in_the_store_and_absent_from_the_audit_trail(desk, outbox, app):
    request = submit(desk, name="Jeanne Martin")
    with app.engine.connect() as c:
        row = c.execute(select(data_subject_requests)).one()
        stored_notices = c.execute(select(notices)).all()
        payloads = " ".join(c.execute(select(audit_events.c.payload)).scalars())
        code_row = c.execute(select(verification_codes)).one()
    for blob in (row.sealed_text, row.sealed_claims, *(n.sealed_to for n in stored_notices)):
        assert b"Jeanne" not in blob and b"jeanne" not in blob and b"copie" not in blob
    assert "jeanne" not in payloads.lower() and "copie" not in payloads
    assert outbox.code() not in code_row.code_hash and len(code_row.code_hash) == 64
    code_notice = next(n for n in stored_notices if n.kind == "code")
    assert code_notice.sealed_body is None  # the code's email is dropped once delivered
    view = show_request(desk, request.reference)
    assert view.text == "Je veux une copie de mes données"
    assert view.claims == {"email": EMAIL, "name": "Jeanne Martin"}


def test_the_code_from_the_email_verifies_and_ends_the_suspension(desk, outbox, clock):
    request = submit(desk)
    clock.advance(timedelta(minutes=3))
    verified = verify_code(desk, request.reference, outbox.code()).request
    assert verified.status is RequestStatus.verified and verified.identity_method.value == "email_code"
    view = show_request(desk, request.reference)
    assert [(s.kind.value, s.started_at, s.ended_at) for s in view.suspensions] == [
        ("verification_code", datetime(2026, 1, 31, 9, 30), datetime(2026, 1, 31, 9, 33))]
    assert [e.action for e in view.events] == ["request.received", "request.code_sent", "request.verified"]


def test_wrong_codes_are_counted_and_the_fifth_locks_the_code(desk, outbox, app):
    request = submit(desk)
    right = outbox.code()
    wrong = "000000" if right != "000000" else "111111"
    for left in (4, 3, 2, 1):
        with pytest.raises(InvalidInputError, match=f"wrong code for DSR-2026-000001: {left} attempt"):
            verify_code(desk, request.reference, wrong)
    with pytest.raises(ConflictError, match="locked after 5 wrong attempts"):
        verify_code(desk, request.reference, wrong)
    with pytest.raises(ConflictError, match="locked"):
        verify_code(desk, request.reference, right)
    with app.engine.connect() as c:
        assert c.execute(select(verification_codes.c.attempts)).scalar_one() == 5
    assert show_request(desk, request.reference).request.status is RequestStatus.awaiting_code
    send_verification_code(desk, request.reference)  # a new code starts afresh
    assert verify_code(desk, request.reference, outbox.code()).request.status is RequestStatus.verified


def test_an_expired_code_is_refused_and_counted(desk, outbox, clock, app):
    request = submit(desk)
    clock.advance(timedelta(minutes=15, seconds=1))
    with pytest.raises(InvalidInputError, match="expired at 2026-01-31 09:45 UTC") as caught:
        verify_code(desk, request.reference, outbox.code())
    assert "send-code DSR-2026-000001" in caught.value.message
    with app.engine.connect() as c:
        assert c.execute(select(verification_codes.c.attempts)).scalar_one() == 1


def test_nothing_runs_before_verification(desk):
    request = submit(desk)
    with pytest.raises(ForbiddenMoveError, match="is awaiting_code: it cannot start run; allowed now: send_code"):
        start_run(desk, request.reference)


def test_an_identity_document_needs_a_reasonable_doubt_under_this_register(desk, outbox, clock):
    request = submit(desk)
    with pytest.raises(InvalidInputError, match="only when the register requires it .* or when an agent records"):
        ask_identity_document(desk, request.reference)
    asked = ask_identity_document(desk, request.reference, "the email differs from the one on the account").request
    assert asked.status is RequestStatus.awaiting_identity and outbox.sent[-1].kind is NoticeKind.identity_document
    clock.advance(timedelta(days=10))
    checked = identity_document_checked(desk, request.reference).request
    assert checked.status is RequestStatus.verified and checked.due_on == date(2026, 3, 10)
    view = show_request(desk, request.reference)
    assert [s.kind.value for s in view.suspensions] == ["verification_code", "identity_document"]
    event = view.events[-1]
    assert event.action == "request.identity_document_checked" and event.payload["copy_deleted"] is True
    assert "differs" not in str(event.payload)


def test_seed_001_always_asks_for_a_document_and_refuses_other_ways(app, outbox):
    desk = _desk(app, outbox, EXAMPLES / "001-ozio.yaml")
    request = submit(desk)
    assert request.status is RequestStatus.awaiting_identity
    assert [n.kind for n in outbox.sent] == [NoticeKind.received, NoticeKind.identity_document]
    with pytest.raises(ConflictError, match="rights.identity_proof: always"):
        verify_manually(desk, request.reference, "called back")
    later = submit(desk, identify=False)
    with pytest.raises(ConflictError, match="rights.identity_proof: always"):
        send_verification_code(desk, later.reference)
    assert ask_identity_document(desk, later.reference).request.status is RequestStatus.awaiting_identity
    assert identity_document_checked(desk, request.reference).request.status is RequestStatus.verified


def test_a_manual_check_records_how_and_resumes_the_clock(desk, clock):
    request = submit(desk, identify=False)
    assert request.status is RequestStatus.received
    with pytest.raises(InvalidInputError, match="say how the identity was checked"):
        verify_manually(desk, request.reference, " ")
    verified = verify_manually(desk, request.reference, "signed-in account", "session of 31 Jan").request
    assert verified.identity_method.value == "manual"
    assert show_request(desk, request.reference).identity_note == "signed-in account (session of 31 Jan)"


def test_an_extension_within_the_first_month_moves_the_due_date_and_tells_the_person(desk, outbox, clock):
    request = submit(desk)
    verify_code(desk, request.reference, outbox.code())
    clock.advance(timedelta(days=20))
    extended = extend(desk, request.reference, "Vos données sont dans 14 systèmes", "P2M").request
    assert extended.extension.iso() == "P2M" and extended.due_on == date(2026, 4, 28)
    assert outbox.sent[-1].kind is NoticeKind.extended and "28 avril 2026" in outbox.sent[-1].body
    with pytest.raises(InvalidInputError, match="beyond the two further months"):
        extend(desk, request.reference, "more", "P1M")


def test_an_extension_after_the_first_month_is_refused(desk, outbox, clock):
    request = submit(desk)
    verify_code(desk, request.reference, outbox.code())
    clock.advance(timedelta(days=29))  # 1 March 2026: the first month ended on 28 February
    with pytest.raises(ConflictError, match="too late to extend: the first month ended on 2026-02-28"):
        extend(desk, request.reference, "complex", "P1M")


def test_overdue_requests_are_listed_first_with_negative_days_left(desk, outbox, clock):
    late = submit(desk)
    verify_code(desk, late.reference, outbox.code())
    clock.advance(timedelta(days=20))
    fresh = submit(desk)
    verify_code(desk, fresh.reference, outbox.code())
    clock.advance(timedelta(days=20))  # 12 March
    rows = list_requests(desk)
    assert [r.reference for r in rows] == [late.reference, fresh.reference]
    assert rows[0].overdue and rows[0].days_left == -12 and not rows[1].overdue
    assert [r.reference for r in list_requests(desk, overdue_only=True)] == [late.reference]


def test_a_waiting_request_is_not_overdue_while_its_clock_is_suspended(desk, clock):
    request = submit(desk)
    clock.advance(timedelta(days=60))
    row = list_requests(desk)[0]
    assert row.reference == request.reference and row.suspended and not row.overdue and row.days_left == 28


def test_a_refusal_gives_the_reasons_and_the_authority_then_closes_the_request(desk, outbox):
    request = submit(desk)
    refused = refuse(desk, request.reference, "Troisième demande identique en un mois", "excessive").request
    assert refused.status is RequestStatus.refused and refused.refusal_ground.value == "excessive"
    body = outbox.sent[-1].body
    assert outbox.sent[-1].kind is NoticeKind.refused and "CNIL (https://www.cnil.fr)" in body
    assert "Troisième demande identique en un mois" in body
    with pytest.raises(ForbiddenMoveError, match="is refused: it cannot extend; allowed now: none"):
        extend(desk, request.reference, "x")
    with pytest.raises(InvalidInputError, match="unknown ground"):
        refuse(desk, request.reference, "x", "bored")


def test_the_executor_runs_a_verified_request_and_the_answer_is_sent(desk, outbox):
    request = submit(desk)
    verify_code(desk, request.reference, outbox.code())
    assert start_run(desk, request.reference).request.status is RequestStatus.running
    answered = mark_answered(desk, request.reference, "Voici la copie de vos données : ...").request
    assert answered.status is RequestStatus.answered and answered.answered_at is not None
    assert outbox.sent[-1].kind is NoticeKind.answered and "Voici la copie" in outbox.sent[-1].body
    assert show_request(desk, request.reference).row.days_left is None
    assert verify_audit_trail(desk.store).intact


def test_a_failed_delivery_keeps_the_change_and_send_pending_retries_it(desk, outbox, app):
    outbox.failing = True
    change = submit_request(desk, right="erasure", email=EMAIL)
    assert change.request.status is RequestStatus.awaiting_code
    assert [d.delivered for d in change.deliveries] == [False, False]
    assert EMAIL not in change.deliveries[0].error and "j***@example.com" in change.deliveries[0].error
    notices_ = show_request(desk, change.request.reference).notices
    assert all(n.sent_at is None and n.attempts == 1 and "550" in n.error for n in notices_)
    outbox.failing = False
    assert [d.delivered for d in send_pending(desk)] == [True, True]
    assert send_pending(desk) == []
    assert verify_code(desk, change.request.reference, outbox.code()).request.status is RequestStatus.verified


def test_invalid_input_stores_nothing(desk, outbox, app):
    for bad in ({"right": "acces"}, {"email": "not-an-email"}, {"channel": "pigeon"},
                {"received_at": datetime(2026, 2, 5, tzinfo=timezone.utc)}, {"language": "de"}):
        with pytest.raises(InvalidInputError):
            submit(desk, **bad)
    assert list_requests(desk) == [] and outbox.sent == []
    with pytest.raises(NotFoundError, match="no request 'DSR-2026-999999'"):
        show_request(desk, "DSR-2026-999999")


def test_a_request_received_earlier_runs_from_its_day_of_receipt(desk):
    request = submit(desk, received_at=date(2026, 1, 2), channel="post")
    assert request.due_on == date(2026, 2, 2) and request.channel.value == "post"


def test_the_register_language_and_authority_reach_the_notices(app, outbox, tmp_path):
    english = {**CLEAN_REGISTER, "policy": {**CLEAN_REGISTER["policy"], "language": "en"}}
    desk = _desk(app, outbox, dump_yaml(english, tmp_path / "en.yaml"))
    submit(desk)
    assert outbox.sent[0].subject == "We have received your request DSR-2026-000001"
    assert desk.policy.authority_name == "CNIL" and desk.policy.contact_email == "dpo@example.com"
    assert parse_register  # the loader is the one the CLI uses


def test_agents_logging_requests_at_once_get_distinct_references(desk):
    from concurrent.futures import ThreadPoolExecutor

    def log(i):
        return submit_request(desk, right="access", email=f"person{i}@example.com", identify=False).request.reference

    with ThreadPoolExecutor(4) as pool:
        references = list(pool.map(log, range(12)))
    assert sorted(references) == [f"DSR-2026-{n:06d}" for n in range(1, 13)]
    assert verify_audit_trail(desk.store).intact
