"""Lifting a restriction of processing (GDPR art. 18(3)): the person is told before it is lifted.

:func:`announce_lift` queues the notice to the person and records the planned lift (today, or a
given later day) in one transaction, then delivers the notice. :func:`lift_due` lifts every
announced restriction whose day has come AND whose notice was delivered: a notice that failed
keeps the restriction in force until `egide request send-pending` delivers it and `lift-due` runs
again. Each step is audited (ids and digests only).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from egide.domain.audit import AuditEvent
from egide.domain.errors import InvalidInputError, NotFoundError, Problem
from egide.domain.notices import NoticeKind
from egide.domain.tasks import required_text
from egide.services.request_desk import Delivery, RequestDesk, deliver_notices, digest, load, queue_notice


@dataclass(frozen=True)
class LiftReport:
    announced: list[str] = field(default_factory=list)  # restriction ids whose lift was announced now
    lift_on: date | None = None
    lifted: list[str] = field(default_factory=list)  # restriction ids lifted now
    waiting: list[str] = field(default_factory=list)  # due, but the person's notice is not delivered yet
    deliveries: list[Delivery] = field(default_factory=list)


def announce_lift(desk: RequestDesk, reference: str, reason: str, *, lift_on: date | None = None,
                  restriction_id: str | None = None) -> LiftReport:
    """Tell the person their restriction will be lifted (on ``lift_on``, default today), then lift
    what is due. ``reference`` is a request of the person (their restriction request)."""
    text = required_text(reason, "reason", "why the restriction ends (e.g. the accuracy was verified); sent to "
                                           "the person")
    day = lift_on or desk.today()
    if day < desk.today():
        raise InvalidInputError(f"a restriction cannot be lifted in the past ({day.isoformat()})",
                                problems=[Problem("today or a later day", path="on")])
    with desk.store.unit_of_work() as uow:
        request = load(uow, reference)
        active = uow.states.restrictions_by_subject([request.subject_id], desk.now()).get(request.subject_id, [])
        if restriction_id:
            active = [r for r in active if r.id == restriction_id]
        announced = uow.restriction_lifts.announced([r.id for r in active])
        chosen = [r for r in active if r.id not in announced]
        if not chosen:
            what = f"restriction {restriction_id}" if restriction_id else "restriction"
            raise NotFoundError(f"no active {what} of the person of {request.reference} left to lift"
                                + (" (its lift is already announced)" if announced else ""))
        purposes = ", ".join(sorted({p for r in chosen for p in r.purposes})) or None
        notice_id = queue_notice(uow, desk, request, NoticeKind.restriction_lifting, reason=text, lift_on=day,
                                 purposes=purposes)
        for restriction in chosen:
            uow.restriction_lifts.announce(restriction_id=restriction.id, request_id=request.id, notice_id=notice_id,
                                           reason=text, at=desk.now(), lift_on=day)
            uow.audit.record(AuditEvent("restriction.lift_announced", desk.actor, "restriction", restriction.id, {
                "reference": request.reference, "lift_on": day.isoformat(), "notice_id": notice_id,
                "reason_sha256": digest(text)}))
    deliveries = deliver_notices(desk, [notice_id])
    done = lift_due(desk)
    return LiftReport([r.id for r in chosen], day, done.lifted, done.waiting, deliveries)


def lift_due(desk: RequestDesk) -> LiftReport:
    """Lift every announced restriction due today or before whose notice reached the person."""
    lifted, waiting = [], []
    with desk.store.unit_of_work() as uow:
        for lift in uow.restriction_lifts.due(desk.today()):
            sent = {n.id for n in uow.notices.for_request(lift.request_id) if n.sent_at is not None}
            if lift.notice_id not in sent:
                waiting.append(lift.restriction_id)
                continue
            uow.states.lift_restriction(lift.restriction_id, lift.reason[:500], desk.now())
            uow.restriction_lifts.mark_lifted(lift.id, desk.now())
            uow.audit.record(AuditEvent("restriction.lifted", desk.actor, "restriction", lift.restriction_id, {
                "notice_id": lift.notice_id, "announced_at": lift.announced_at.isoformat(),
                "reason_sha256": digest(lift.reason)}))
            lifted.append(lift.restriction_id)
    return LiftReport(lifted=lifted, waiting=waiting)
