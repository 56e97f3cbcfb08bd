"""The answer approved before it is sent (setting ``answer_approval_required``), on SQLite and
PostgreSQL: a run writes the answer and holds it (``awaiting_approval``, nothing sent, the legal clock
running); the DPO's approval sends it, answers the request and, for an erasure, only then destroys
the person's key. Off, a run answers at once and an approval is a sign-off."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from egide.domain.errors import ConflictError
from egide.domain.notices import NoticeKind
from egide.domain.requests import ForbiddenMoveError, RequestStatus
from egide.services.answer_review import approve_answer
from egide.services.audit import verify_audit_trail
from egide.services.request_desk import digest
from egide.services.requests import extend, list_requests, refuse, show_request
from tests.integration.test_request_tasks import actions, company, desk_for, outbox, run, verified  # noqa: F401
from tests.unit.datasets import OKASIO
from tests.unit.execution import shop_dataset


def gated(app, outbox):  # type: ignore[no-untyped-def]
    return dataclasses.replace(desk_for(app, outbox, OKASIO), answer_approval_required=True)


def answered_notices(outbox):  # type: ignore[no-untyped-def]
    return [n for n in outbox.sent if n.kind is NoticeKind.answered]


def test_a_gated_erasure_holds_its_answer_and_the_clock_runs_until_the_dpo_approves(app, outbox, company, tmp_path):
    desk = gated(app, outbox)
    reference = verified(desk, "erasure")
    due = show_request(desk, reference).row.due_on
    outcome = run(desk, app, reference, company, tmp_path, dataset=shop_dataset())

    assert outcome.held and not outcome.pending
    view = show_request(desk, reference)
    assert view.request.status is RequestStatus.awaiting_approval and view.request.answered_at is None
    assert view.result and "invoices" in view.result  # the answer is written, sealed in the store
    assert answered_notices(outbox) == []  # and not sent
    assert "data_subject.key_destroyed" not in actions(app)  # the person can still be written to
    [row] = list_requests(desk)
    assert row.status == "awaiting_approval" and row.due_on == due and row.days_left is not None

    app.clock.advance(timedelta(days=3))  # the DPO reads it three days later: the due date has not moved
    assert [r.days_left for r in list_requests(desk)] == [row.days_left - 3]
    approval = approve_answer(dataclasses.replace(desk, actor="console:dpo"), reference)

    assert approval.released and approval.answer_sha256 == digest(view.result)
    request = show_request(desk, reference).request
    assert request.status is RequestStatus.answered and request.answered_at is not None
    assert request.due_on == due
    [notice] = answered_notices(outbox)
    assert "invoices" in notice.body and [d.delivered for d in approval.change.deliveries] == [True]
    trail = actions(app)
    assert trail.index("request.answer_held") < trail.index("request.answer_approved") \
        < trail.index("data_subject.key_destroyed")
    with pytest.raises(ConflictError, match="already approved"):
        approve_answer(desk, reference)
    assert verify_audit_trail(app.store).intact


def test_the_audit_keeps_the_answers_digest_never_its_words(app, outbox, company, tmp_path):
    desk = gated(app, outbox)
    reference = verified(desk, "access")
    run(desk, app, reference, company, tmp_path, dataset=shop_dataset())
    approve_answer(desk, reference)
    events = [e for e in show_request(desk, reference).events
              if e.action in ("request.answer_held", "request.answer_approved")]
    assert [e.action for e in events] == ["request.answer_held", "request.answer_approved"]
    assert events[0].payload["answer_sha256"] == events[1].payload["answer_sha256"]
    assert events[1].payload["from"] == "awaiting_approval" and events[1].payload["to"] == "answered"
    assert "Copie" not in str([e.payload for e in events])


def test_a_held_answer_may_be_extended_but_not_refused_nor_run_again(app, outbox, company, tmp_path):
    desk = gated(app, outbox)
    reference = verified(desk, "access")
    run(desk, app, reference, company, tmp_path, dataset=shop_dataset())
    extended = extend(desk, reference, "the answer needs a legal review", "P1M")
    assert extended.request.status is RequestStatus.awaiting_approval and extended.request.extended
    with pytest.raises(ForbiddenMoveError, match="awaiting_approval"):
        refuse(desk, reference, "changed our mind", "excessive")
    with pytest.raises(ConflictError, match="awaits the DPO's approval"):
        run(desk, app, reference, company, tmp_path, dataset=shop_dataset())
    assert answered_notices(outbox) == []


def test_without_the_setting_a_run_answers_at_once_and_an_approval_is_a_sign_off(app, outbox, company, tmp_path):
    desk = desk_for(app, outbox, OKASIO)
    assert desk.answer_approval_required is False  # the default
    reference = verified(desk, "access")
    outcome = run(desk, app, reference, company, tmp_path, dataset=shop_dataset())
    assert not outcome.held and show_request(desk, reference).request.status is RequestStatus.answered
    assert len(answered_notices(outbox)) == 1
    approval = approve_answer(desk, reference)
    assert not approval.released and approval.change.deliveries == []
    assert len(answered_notices(outbox)) == 1


def test_an_unrun_request_cannot_be_approved(app, outbox):
    desk = gated(app, outbox)
    reference = verified(desk, "access")
    with pytest.raises(ConflictError, match="run it first"):
        approve_answer(desk, reference)
