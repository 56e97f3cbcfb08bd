"""The DPO's last two actions on a request in the console: approve the answer, and send what waits.

Two ways to run, chosen by the setting ``answer_approval_required`` (``RequestDesk``):

- off (the default): the runner answers a request when its work is done (``mark_answered``), and an
  approval is the DPO's recorded sign-off of the answer already sent;
- on: the runner writes the answer but holds it (status ``awaiting_approval``, nothing sent, the
  legal clock running); :func:`approve_answer` moves the request to ``answered``, queues the answer
  in the same transaction and sends it. An erasure's subject key is destroyed only then.

Either way one ``request.answer_approved`` event holds the SHA-256 of the answer's words (proof of
what was approved, never the words). Sending delivers the request's notices that are still pending
or failed (the answer, art. 19 notices to recipients), each outcome recorded as the delivery
functions record it.
"""

from __future__ import annotations

from dataclasses import dataclass

from egide.domain.audit import AuditEvent
from egide.domain.errors import ConflictError
from egide.domain.notices import NoticeKind
from egide.domain.recipient_notices import RecipientNoticeStatus
from egide.domain.requests import DataSubjectRequest, Move, RequestStatus, Right
from egide.services.ports import UnitOfWorkPort
from egide.services.recipients import deliver_recipient_notices
from egide.services.request_desk import (
    OBJECT_TYPE,
    Change,
    Delivery,
    RequestDesk,
    apply_move,
    deadline_of,
    deliver_notices,
    digest,
    load,
    queue_notice,
)

APPROVED = "request.answer_approved"


@dataclass(frozen=True)
class Approval:
    answer_sha256: str
    change: Change
    released: bool  # True: this approval sent the held answer; False: a sign-off of an answer already sent


def approve_answer(desk: RequestDesk, reference: str) -> Approval:
    """Approve a request's answer. Held (``awaiting_approval``): it is sent now and the request is
    answered. Already answered: the sign-off is recorded. Approving twice the same answer is refused
    (the first approval stands); any other status is refused (run the request first)."""
    with desk.store.unit_of_work() as uow:
        request = load(uow, reference)
        result = uow.requests.result(request) or ""
        answer_sha256 = digest(result) or digest("-")
        assert answer_sha256 is not None
        notice_ids: list[str] = []
        if request.status is RequestStatus.awaiting_approval:
            on_time = desk.today() <= deadline_of(uow, desk, request).due(desk.today())
            request = apply_move(uow, desk, request, Move.approve_answer,
                                 {"answer_sha256": answer_sha256, "on_time": on_time}, answered_at=desk.now())
            notice_ids.append(queue_notice(uow, desk, request, NoticeKind.answered, result=result))
        else:
            _sign_off(uow, desk, request, answer_sha256)
    deliveries = deliver_notices(desk, notice_ids)
    if notice_ids:
        after_answer(desk, request)
    return Approval(answer_sha256, Change(request, deliveries), bool(notice_ids))


def _sign_off(uow: UnitOfWorkPort, desk: RequestDesk, request: DataSubjectRequest, answer_sha256: str) -> None:
    if request.status is not RequestStatus.answered:
        raise ConflictError(f"{request.reference} is {request.status.value}: only an answered request's "
                            "answer, or one awaiting approval, can be approved (run it first)")
    earlier = uow.audit.search(object_type=OBJECT_TYPE, object_id=request.id, limit=500)  # type: ignore[attr-defined]
    if any(e.action == APPROVED and e.payload.get("answer_sha256") == answer_sha256 for e in earlier):
        raise ConflictError(f"the answer of {request.reference} is already approved")
    uow.audit.record(AuditEvent(APPROVED, desk.actor, OBJECT_TYPE, request.id,
                                {"reference": request.reference, "answer_sha256": answer_sha256}))


def after_answer(desk: RequestDesk, request: DataSubjectRequest) -> None:
    """Once an erasure's answer is sent, the person's key is destroyed (crypto-shredding): backups of
    the store no longer reveal them."""
    if request.right is Right.erasure:
        from egide.services.subject_keys import shred_subject

        shred_subject(desk.store, request.subject_id, desk.actor, request.id)


def approvals(desk: RequestDesk, request_id: str) -> list[tuple[str, str]]:
    """(actor, ISO time) of each approval of a request's answer, oldest first."""
    with desk.store.unit_of_work(read_only=True) as uow:
        events = uow.audit.search(object_type=OBJECT_TYPE, object_id=request_id, limit=500)  # type: ignore[attr-defined]
    return [(e.actor, e.occurred_at.isoformat(timespec="minutes")) for e in reversed(events) if e.action == APPROVED]


@dataclass(frozen=True)
class Sent:
    notices: list[Delivery]
    recipients_sent: int
    recipients_failed: int

    @property
    def nothing(self) -> bool:
        return not self.notices and not (self.recipients_sent + self.recipients_failed)


def send_waiting(desk: RequestDesk, reference: str) -> Sent:
    """Deliver this request's notices not delivered yet: the person's, then the recipients'."""
    with desk.store.unit_of_work(read_only=True) as uow:
        request = load(uow, reference)
        waiting = [n.id for n in uow.notices.for_request(request.id) if n.sent_at is None]
        recipients = [n.id for n in uow.recipient_notices.for_request(request.id)
                      if n.status in (RecipientNoticeStatus.pending, RecipientNoticeStatus.failed)]
    deliveries = deliver_notices(desk, waiting) if waiting else []
    told = deliver_recipient_notices(desk, recipients) if recipients else []
    sent = sum(1 for n in told if n.status is RecipientNoticeStatus.sent)
    return Sent(deliveries, sent, len(told) - sent)
