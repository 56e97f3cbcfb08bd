"""The DPO's last two actions on a request in the console: approve the answer, and send what waits.

The runner answers a request when its work is done (``request_runner.run_request`` calls
``mark_answered``), so the approval is the DPO's recorded sign-off of that answer: one
``request.answer_approved`` event holding the SHA-256 of the answer's words (proof of what was
approved, never the words). Sending delivers the request's notices that are still pending or
failed (the answer, art. 19 notices to recipients), each outcome recorded as the delivery
functions record it.
"""

from __future__ import annotations

from dataclasses import dataclass

from egide.domain.audit import AuditEvent
from egide.domain.errors import ConflictError
from egide.domain.recipient_notices import RecipientNoticeStatus
from egide.domain.requests import RequestStatus
from egide.services.recipients import deliver_recipient_notices
from egide.services.request_desk import OBJECT_TYPE, Delivery, RequestDesk, deliver_notices, digest, load

APPROVED = "request.answer_approved"


def approve_answer(desk: RequestDesk, reference: str) -> str:
    """Record the sign-off of an answered request's answer; returns the answer's digest. Approving
    twice the same answer is refused (the first approval stands)."""
    with desk.store.unit_of_work() as uow:
        request = load(uow, reference)
        if request.status is not RequestStatus.answered:
            raise ConflictError(f"{request.reference} is {request.status.value}: only an answered request's "
                                "answer can be approved (run it first)")
        answer_sha256 = digest(uow.requests.result(request) or "") or digest("-")
        earlier = uow.audit.search(object_type=OBJECT_TYPE, object_id=request.id, limit=500)  # type: ignore[attr-defined]
        if any(e.action == APPROVED and e.payload.get("answer_sha256") == answer_sha256 for e in earlier):
            raise ConflictError(f"the answer of {request.reference} is already approved")
        uow.audit.record(AuditEvent(APPROVED, desk.actor, OBJECT_TYPE, request.id,
                                    {"reference": request.reference, "answer_sha256": answer_sha256}))
    assert answer_sha256 is not None
    return answer_sha256


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
