"""What every request use case shares: the desk (the ports a request needs), loading a request,
applying one move of the transition table, its clock, and its notices.

A use case opens one unit of work, calls :func:`apply_move` (which checks the move against
``domain.requests.TRANSITIONS``, stores the new status and due date, and appends the audit
event), queues its notice with :func:`queue_notice` in the same transaction, and after the
commit hands the queued notices to :func:`deliver_notices`. A delivery failure is recorded on
the notice and reported; it never undoes the change.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Callable, Iterable

from egide.domain.audit import AuditEvent
from egide.domain.clock import naive_utc
from egide.domain.deadlines import Deadline, Suspension
from egide.domain.durations import Duration
from egide.domain.errors import NotFoundError
from egide.domain.identity import Identifier
from egide.domain.notices import DeliveryError, NoticeKind
from egide.domain.requests import DataSubjectRequest, Move, RequestPolicy, RequestSuspension, transition
from egide.domain.verification import CODE_LIFETIME, MAX_ATTEMPTS
from egide.services.ports import NoticeRendererPort, NotifierPort, StorePort, UnitOfWorkPort, WebhookPort

OBJECT_TYPE = "data_subject_request"

# Audit actions are events, in the past tense.
EVENTS = {
    Move.send_code: "request.code_sent", Move.verify_code: "request.verified",
    Move.verify_manually: "request.verified", Move.ask_identity_document: "request.identity_document_asked",
    Move.identity_document_checked: "request.identity_document_checked", Move.extend: "request.extended",
    Move.refuse: "request.refused", Move.start_run: "request.started", Move.mark_answered: "request.answered",
    Move.charge_fee: "request.fee_charged", Move.fee_paid: "request.fee_paid",
    Move.hold_answer: "request.answer_held", Move.approve_answer: "request.answer_approved",
}


@dataclass
class RequestDesk:
    """The ports a request use case needs, built once by the caller (CLI, HTTP, tests)."""

    store: StorePort
    renderer: NoticeRendererPort
    code_hash: Callable[[str, str], str]
    notifier: NotifierPort | None = None
    policy: RequestPolicy = field(default_factory=RequestPolicy)
    webhooks: WebhookPort | None = None  # art. 19 notices and processors' webhook connectors
    actor: str = "egide"
    answer_approval_required: bool = False  # the runner holds the answer until the DPO approves it

    def now(self) -> datetime:
        return naive_utc(self.store.clock.now())

    def today(self) -> date:
        return self.now().date()


@dataclass(frozen=True)
class Delivery:
    notice_id: str
    reference: str
    kind: NoticeKind
    delivered: bool
    transport: str
    error: str | None = None


@dataclass(frozen=True)
class Change:
    """A request after a use case, and what happened to the notices it queued."""

    request: DataSubjectRequest
    deliveries: list[Delivery] = field(default_factory=list)


def digest(text: str | None) -> str | None:
    """What the audit trail keeps of a free-text reason: proof it was not edited, never the words."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest() if text else None


def load(uow: UnitOfWorkPort, reference: str) -> DataSubjectRequest:
    request = uow.requests.by_reference(reference)
    if request is None:
        raise NotFoundError(f"no request {reference.strip()!r}: `egide request list` shows the references")
    return request


def deadline_from(request: DataSubjectRequest, suspensions: list[RequestSuspension], period: Duration,
                  extension: Duration | None = None) -> Deadline:
    return Deadline(
        received_on=request.received_at.date(),
        suspensions=tuple(Suspension(s.started_at.date(), s.ended_at.date() if s.ended_at else None)
                          for s in suspensions),
        extension=extension if extension is not None else request.extension,
        period=period,
    )


def deadline_of(uow: UnitOfWorkPort, desk: RequestDesk, request: DataSubjectRequest,
                extension: Duration | None = None) -> Deadline:
    return deadline_from(request, uow.requests.suspensions([request.id])[request.id], desk.policy.period, extension)


def apply_move(uow: UnitOfWorkPort, desk: RequestDesk, request: DataSubjectRequest, move: Move,
               payload: dict[str, Any] | None = None, **changes: Any) -> DataSubjectRequest:
    """Check ``move`` against the transition table, store it with the due date as it now stands, and
    append its audit event (ids and kinds only). Suspensions must be opened or closed before."""
    status = transition(request.status, move, request.reference)
    deadline = deadline_of(uow, desk, request, changes.get("extension"))
    moved = uow.requests.move(request, status, desk.now(), due_on=deadline.due(desk.today()), **changes)
    body = {"reference": request.reference, "from": request.status.value, "to": status.value,
            "due_on": moved.due_on.isoformat(), **(payload or {})}
    uow.audit.record(AuditEvent(EVENTS[move], desk.actor, OBJECT_TYPE, request.id, body))
    return moved


def notice_context(policy: RequestPolicy, request: DataSubjectRequest, **extra: Any) -> dict[str, Any]:
    context: dict[str, Any] = {
        "reference": request.reference, "right": request.right.value, "right_article": request.right.article,
        "controller": policy.controller_name, "received_on": request.received_at.date(), "due_on": request.due_on,
        "previous_due_on": None, "code": None, "code_minutes": int(CODE_LIFETIME.total_seconds() // 60),
        "max_attempts": MAX_ATTEMPTS, "reason": None, "extension_words": None,
        "authority_name": policy.authority_name, "authority_url": policy.authority_url, "result": None,
        "contact_email": policy.contact_email, "ground": None, "fee_amount": None, "fee_currency": None,
        "lift_on": None, "purposes": None,
    }
    context.update(extra)
    return context


def queue_notice(uow: UnitOfWorkPort, desk: RequestDesk, request: DataSubjectRequest, kind: NoticeKind,
                 **extra: Any) -> str:
    """Render the notice in the request's language and queue it in this transaction."""
    to = uow.requests.claims(request)["email"]
    subject, body = desk.renderer.render(kind, request.language, notice_context(desk.policy, request, **extra))
    return uow.notices.queue(request_id=request.id, kind=kind, language=request.language, to=to, subject=subject,
                             body=body, at=desk.now())


def deliver_notices(desk: RequestDesk, ids: Iterable[str] | None = None, limit: int = 100) -> list[Delivery]:
    """Send queued notices (these ``ids``, or every pending one) and record each outcome. A transport
    failure is recorded on the notice and returned; any other error propagates."""
    notifier = desk.notifier
    if notifier is None:
        return []
    wanted = list(ids) if ids is not None else None
    if wanted == []:
        return []
    with desk.store.unit_of_work(read_only=True) as uow:
        pending = uow.notices.pending(wanted, limit)
    # Notices queued in one transaction share an instant: keep the order they were queued in.
    kinds = list(NoticeKind)
    order = {notice_id: i for i, notice_id in enumerate(wanted or [])}
    pending.sort(key=lambda n: (order.get(n.id, 0), n.created_at, kinds.index(n.kind)))
    deliveries = []
    for notice in pending:
        error = None
        try:
            notifier.send(notice)
        except DeliveryError as exc:
            masked = Identifier.of("email", notice.to).masked() if "@" in notice.to else "the recipient"
            error = exc.message.replace(notice.to, masked)
        with desk.store.unit_of_work() as uow:
            if error is None:
                uow.notices.mark_sent(notice.id, desk.now(), notifier.name, drop_body=notice.kind is NoticeKind.code)
            else:
                uow.notices.mark_failed(notice.id, notifier.name, error)
            uow.audit.record(AuditEvent("notice.sent" if error is None else "notice.failed", desk.actor, "notice",
                                        notice.id, {"reference": notice.reference, "kind": notice.kind.value,
                                                    "transport": notifier.name}))
        deliveries.append(Delivery(notice.id, notice.reference, notice.kind, error is None, notifier.name, error))
    return deliveries
