"""The request lifecycle is one table: every allowed move leads where the table says, every other
move is refused with a message naming the current status and what is allowed."""

from __future__ import annotations

import pytest

from egide.domain.errors import ConflictError, InvalidInputError
from egide.domain.requests import (
    TRANSITIONS,
    ForbiddenMoveError,
    Move,
    RequestStatus,
    Right,
    allowed_moves,
    public_reference,
    transition,
)

ALLOWED = [(status, move, target) for status, moves in TRANSITIONS.items() for move, target in moves.items()]
FORBIDDEN = [(status, move) for status in RequestStatus for move in Move if move not in TRANSITIONS[status]]


def test_every_status_has_a_row_in_the_table():
    assert set(TRANSITIONS) == set(RequestStatus)


@pytest.mark.parametrize(("status", "move", "target"), ALLOWED, ids=lambda v: getattr(v, "value", v))
def test_each_allowed_move_leads_where_the_table_says(status, move, target):
    assert transition(status, move) is target


@pytest.mark.parametrize(("status", "move"), FORBIDDEN, ids=lambda v: getattr(v, "value", v))
def test_each_move_outside_the_table_is_refused(status, move):
    with pytest.raises(ForbiddenMoveError):
        transition(status, move)


def test_a_refusal_names_the_current_status_and_the_allowed_moves():
    with pytest.raises(ForbiddenMoveError) as caught:
        transition(RequestStatus.received, Move.start_run, "DSR-2026-000001")
    message = caught.value.message
    assert message.startswith("DSR-2026-000001 is received: it cannot start run")
    assert "allowed now: send_code, verify_manually, ask_identity_document, extend, refuse" in message
    assert caught.value.details["allowed"] == [m.value for m in allowed_moves(RequestStatus.received)]
    assert isinstance(caught.value, ConflictError)


def test_nothing_runs_before_the_identity_is_verified():
    unverified = [RequestStatus.received, RequestStatus.awaiting_code, RequestStatus.awaiting_identity]
    assert all(Move.start_run not in TRANSITIONS[s] for s in unverified)
    assert [s for s in RequestStatus if Move.start_run in TRANSITIONS[s]] == [RequestStatus.verified]


def test_answered_and_refused_requests_are_closed():
    for status in (RequestStatus.answered, RequestStatus.refused):
        assert status.is_final and allowed_moves(status) == []
        with pytest.raises(ForbiddenMoveError, match="none \\(the request is closed\\)"):
            transition(status, Move.extend)


def test_an_extension_keeps_the_status_it_is_a_flag():
    for status, moves in TRANSITIONS.items():
        if Move.extend in moves:
            assert moves[Move.extend] is status


def test_the_clock_is_suspended_only_while_waiting_for_the_person():
    assert {s for s in RequestStatus if s.suspends_clock} == {RequestStatus.awaiting_code,
                                                                RequestStatus.awaiting_identity,
                                                                RequestStatus.awaiting_fee}


def test_a_fee_is_asked_only_of_a_verified_request_and_payment_lets_it_run():
    assert [s for s in RequestStatus if Move.charge_fee in TRANSITIONS[s]] == [RequestStatus.verified]
    assert transition(RequestStatus.awaiting_fee, Move.fee_paid) is RequestStatus.verified
    assert Move.start_run not in TRANSITIONS[RequestStatus.awaiting_fee]
    assert transition(RequestStatus.awaiting_fee, Move.refuse) is RequestStatus.refused


def test_a_request_waiting_for_its_fee_cannot_be_paid_twice():
    with pytest.raises(ForbiddenMoveError, match="verified: it cannot fee paid"):
        transition(RequestStatus.verified, Move.fee_paid)


def test_rights_carry_their_article_and_unknown_rights_are_named():
    assert Right.parse(" Human-Review ") is Right.human_review
    assert Right.human_review.article == "art. 22(3)" and Right.withdraw_consent.article == "art. 7(3)"
    with pytest.raises(InvalidInputError, match="unknown right 'acces'") as caught:
        Right.parse("acces")
    assert "access, rectification, erasure" in str(caught.value)


def test_the_public_reference_has_the_year_and_six_digits():
    assert public_reference(2026, 123) == "DSR-2026-000123"


def test_docs_requests_md_shows_exactly_the_transition_table():
    from tests.conftest import ROOT

    text = (ROOT / "docs" / "requests.md").read_text(encoding="utf-8")
    rows = {tuple(cell.strip() for cell in line.strip("|").split("|"))
            for line in text.splitlines() if line.startswith("| ") and line.count("|") == 4}
    documented = {r for r in rows if r[0] in {s.value for s in RequestStatus}}
    assert documented == {(s.value, m.value, t.value) for s, m, t in ALLOWED}
