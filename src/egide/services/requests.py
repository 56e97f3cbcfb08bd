"""Data-subject requests: intake, the legal clock's decisions (extend, refuse), the executor's
two moves (start, answered), and the agent's views (list by due date, show).

Identity verification lives in ``request_identity.py``; what every use case shares (the desk,
moves, notices) in ``request_desk.py``. See docs/requests.md for the lifecycle and the rules.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from typing import Any

from egide.domain.audit import AuditEvent, ChainedEvent
from egide.domain.clock import naive_utc
from egide.domain.deadlines import MAX_EXTENSION, ONE_MONTH, due_date
from egide.domain.durations import Duration, DurationFormatError
from egide.domain.errors import ConflictError, InvalidInputError, Problem
from egide.domain.identity import Identifier
from egide.domain.notices import NoticeKind, NoticeRecord
from egide.domain.requests import (
    Channel,
    DataSubjectRequest,
    IdentityProofRule,
    Move,
    RefusalGround,
    RequestPolicy,
    RequestStatus,
    RequestSuspension,
    Right,
)
from egide.services.request_desk import (
    OBJECT_TYPE,
    Change,
    Delivery,
    RequestDesk,
    apply_move,
    deadline_from,
    deadline_of,
    deliver_notices,
    digest,
    load,
    queue_notice,
)
from egide.services.request_identity import ask_document, issue_code

MAX_TEXT = 20_000
SUBMIT_TRIES = 5


def request_policy(active: Any) -> RequestPolicy:
    """What the active register (an ``ActiveRegister``, or None) says about answering requests."""
    if active is None:
        return RequestPolicy()
    register = active.loaded.register
    rights, authority = register.rights, register.supervisory_authority
    period = Duration.parse(rights.response_deadline)
    if period.add_to(date(2026, 1, 31)) > ONE_MONTH.add_to(date(2026, 1, 31)):
        period = ONE_MONTH  # a register cannot give more time than art. 12(3)
    return RequestPolicy(
        controller_name=register.controller.name, language=register.policy.language, period=period,
        identity_proof=IdentityProofRule(rights.identity_proof.value),
        authority_name=authority.name if authority else None, authority_url=authority.url if authority else None,
        contact_email=(register.dpo.email if register.dpo and register.dpo.email else None)
        or register.controller.email,
    )


def _received_at(value: datetime | date | None, now: datetime) -> datetime:
    if value is None:
        return now
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(0, 0), tzinfo=timezone.utc)
    value = naive_utc(value)
    if value > now:
        raise InvalidInputError(f"the request cannot be received in the future ({value:%Y-%m-%d %H:%M} UTC)",
                                problems=[Problem("give the day it reached the company", path="received_at")])
    return value


def _parse_choice(kind: type, text: Any, path: str) -> Any:
    if isinstance(text, kind):
        return text
    try:
        return kind(str(text).strip().lower())
    except ValueError:
        raise InvalidInputError(f"unknown {path} {text!r}", problems=[
            Problem(f"expected one of: {', '.join(c.value for c in kind)}", path=path)]) from None


def submit_request(desk: RequestDesk, *, right: str | Right, email: str, channel: str | Channel = Channel.form,
                   text: str | None = None, received_at: datetime | date | None = None, name: str | None = None,
                   phone: str | None = None, language: str | None = None, identify: bool = True,
                   status_token_sha256: str | None = None) -> Change:
    """Log a request (the clock starts at receipt), acknowledge it, then start identification: a code by
    email, or the identity document when the register always requires one. Invalid input stores nothing.
    ``status_token_sha256``: the hash of the secret the person follows the request with (HTTP intake)."""
    parsed_right = right if isinstance(right, Right) else Right.parse(right)
    parsed_channel = _parse_choice(Channel, channel, "channel")
    identifier = Identifier.of("email", email)
    claims = {"email": identifier.value}
    if phone:
        claims["phone"] = Identifier.of("phone", phone).value
    if name and name.strip():
        claims["name"] = name.strip()
    if text and len(text) > MAX_TEXT:
        raise InvalidInputError(f"the request text is {len(text)} characters long",
                                problems=[Problem(f"at most {MAX_TEXT}", path="text")])
    language = (language or desk.policy.language or "fr").strip().lower()
    if language not in ("fr", "en"):
        raise InvalidInputError(f"notices are written in fr or en, not {language!r}",
                                problems=[Problem("use fr or en", path="language")])
    received = _received_at(received_at, desk.now())
    for attempt in range(SUBMIT_TRIES):  # agents logging requests at once may draw the same reference
        try:
            return _submit(desk, parsed_right, parsed_channel, identifier, claims, text, received, language, identify,
                           status_token_sha256)
        except ConflictError as exc:
            if attempt == SUBMIT_TRIES - 1 or "duplicate" not in exc.message:
                raise
    raise AssertionError("unreachable")


def _submit(desk: RequestDesk, right: Right, channel: Channel, identifier: Identifier, claims: dict[str, str],
            text: str | None, received: datetime, language: str, identify: bool,
            status_token_sha256: str | None = None) -> Change:
    with desk.store.unit_of_work() as uow:
        found = uow.subjects.find(identifier)
        if len(found) > 1:
            raise ConflictError(f"{len(found)} data subjects share this email: an agent must sort them out first")
        subject = found[0] if found else uow.subjects.add([identifier], desk.now())
        if not found:
            uow.audit.record(AuditEvent("data_subject.registered", desk.actor, "data_subject", subject.id,
                                        {"identifier_kinds": ["email"]}))
        request = uow.requests.add(subject_id=subject.id, right=right, channel=channel, language=language,
                                   received_at=received, due_on=due_date(received.date(), desk.policy.period),
                                   text=(text or "").strip() or None, claims=claims, by=desk.actor, at=desk.now())
        uow.audit.record(AuditEvent("request.received", desk.actor, OBJECT_TYPE, request.id, {
            "reference": request.reference, "right": right.value, "channel": channel.value,
            "subject_id": subject.id, "received_on": received.date().isoformat(), "due_on": request.due_on.isoformat(),
            "status_link": status_token_sha256 is not None}))
        if status_token_sha256 is not None:
            uow.requests.set_status_token(request.id, status_token_sha256, desk.now())
        notice_ids = [queue_notice(uow, desk, request, NoticeKind.received)]
        if identify and desk.policy.identity_proof is IdentityProofRule.always:
            request, notice_id = ask_document(uow, desk, request, None)
            notice_ids.append(notice_id)
        elif identify:
            request, notice_id = issue_code(uow, desk, request)
            notice_ids.append(notice_id)
    return Change(request, deliver_notices(desk, notice_ids))


def extend(desk: RequestDesk, reference: str, reason: str, extension: str | Duration = MAX_EXTENSION) -> Change:
    """Art. 12(3): up to two further months, with reasons, decided and told within the first month."""
    try:
        added = extension if isinstance(extension, Duration) else Duration.parse(extension)
    except DurationFormatError as exc:
        raise InvalidInputError(str(exc), problems=[Problem("e.g. P1M or P2M", path="extension")]) from None
    with desk.store.unit_of_work() as uow:
        request = load(uow, reference)
        previous_due = request.due_on
        deadline = deadline_of(uow, desk, request)
        if request.status.is_final:
            apply_move(uow, desk, request, Move.extend)  # raises with the allowed moves
        extended = deadline.extended(added, reason, desk.today())
        reasons = "\n".join(r for r in (request.extension_reason, reason.strip()) if r)
        request = apply_move(uow, desk, request, Move.extend,
                             {"added": added.iso(), "reason_sha256": digest(reason),
                              "extension": extended.extension.iso() if extended.extension else None},
                             extension=extended.extension, extension_reason=reasons, extended_at=desk.now())
        notice_id = queue_notice(uow, desk, request, NoticeKind.extended, reason=reason.strip(),
                                 extension_words=added.describe(request.language if request.language in ("fr", "en")
                                                                else "en"),
                                 previous_due_on=previous_due)
    return Change(request, deliver_notices(desk, [notice_id]))


def refuse(desk: RequestDesk, reference: str, reason: str, ground: str | RefusalGround) -> Change:
    """Art. 12(4)-(5): refuse with the reasons; the notice tells the right to complain to the authority."""
    parsed = _parse_choice(RefusalGround, ground, "ground")
    if not (reason or "").strip():
        raise InvalidInputError("a refusal needs its reasons: the person must be told why (art. 12(4))",
                                problems=[Problem("give the reasons", path="reason")])
    with desk.store.unit_of_work() as uow:
        request = load(uow, reference)
        ended = uow.requests.resume(request.id, desk.now()) if not request.status.is_final else []
        request = apply_move(uow, desk, request, Move.refuse,
                             {"ground": parsed.value, "reason_sha256": digest(reason), "suspensions_ended": ended},
                             refusal_ground=parsed, refusal_reason=reason.strip())
        notice_id = queue_notice(uow, desk, request, NoticeKind.refused, reason=reason.strip(), ground=parsed.value)
    return Change(request, deliver_notices(desk, [notice_id]))


def start_run(desk: RequestDesk, reference: str) -> Change:
    """The executor begins work on the company's data: only a verified request may run."""
    with desk.store.unit_of_work() as uow:
        request = apply_move(uow, desk, load(uow, reference), Move.start_run)
    return Change(request)


def mark_answered(desk: RequestDesk, reference: str, result: str) -> Change:
    """The executor is done: the person gets the result (its words are sealed in the store)."""
    if not (result or "").strip():
        raise InvalidInputError("say what was done",
                                problems=[Problem("the result sent to the person", path="result")])
    with desk.store.unit_of_work() as uow:
        request = load(uow, reference)
        on_time = desk.today() <= deadline_of(uow, desk, request).due(desk.today())
        request = apply_move(uow, desk, request, Move.mark_answered, {"on_time": on_time},
                             answered_at=desk.now(), result=result.strip())
        notice_id = queue_notice(uow, desk, request, NoticeKind.answered, result=result.strip())
    return Change(request, deliver_notices(desk, [notice_id]))


def hold_answer(desk: RequestDesk, reference: str, result: str) -> Change:
    """The executor is done but the DPO approves answers first (``answer_approval_required``): the
    answer's words are sealed in the store and nothing is sent; the legal clock keeps running."""
    if not (result or "").strip():
        raise InvalidInputError("say what was done",
                                problems=[Problem("the result sent to the person", path="result")])
    with desk.store.unit_of_work() as uow:
        request = apply_move(uow, desk, load(uow, reference), Move.hold_answer,
                             {"answer_sha256": digest(result.strip())}, result=result.strip())
    return Change(request)


@dataclass(frozen=True)
class RequestRow:
    reference: str
    right: str
    status: str
    channel: str
    received_on: date
    due_on: date
    days_left: int | None  # None once answered or refused
    overdue: bool
    extended: bool
    suspended: bool

    def as_dict(self) -> dict[str, Any]:
        return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in self.__dict__.items()}


def list_requests(desk: RequestDesk, *, overdue_only: bool = False,
                  statuses: list[RequestStatus] | None = None) -> list[RequestRow]:
    """Every request with its live deadline, soonest due first."""
    today = desk.today()
    with desk.store.unit_of_work(read_only=True) as uow:
        requests = uow.requests.all(statuses)
        suspensions = uow.requests.suspensions([r.id for r in requests])
    rows = []
    for request in requests:
        rows.append(_row(desk, request, suspensions[request.id], today))
    rows = [r for r in rows if r.overdue] if overdue_only else rows
    return sorted(rows, key=lambda r: (r.due_on, r.reference))


def _row(desk: RequestDesk, request: DataSubjectRequest, suspensions: list[RequestSuspension],
         today: date) -> RequestRow:
    deadline = deadline_from(request, suspensions, desk.policy.period)
    final = request.status.is_final
    due = request.due_on if final else deadline.due(today)
    return RequestRow(request.reference, request.right.value, request.status.value, request.channel.value,
                      request.received_at.date(), due, None if final else (due - today).days,
                      not final and today > due, request.extended, not final and deadline.is_suspended(today))


@dataclass(frozen=True)
class RequestView:
    """One request as an agent sees it, with the personal data opened."""

    request: DataSubjectRequest
    row: RequestRow
    text: str | None
    claims: dict[str, str]
    identity_note: str | None
    result: str | None
    suspensions: list[RequestSuspension]
    notices: list[NoticeRecord]
    codes_sent: int
    events: list[ChainedEvent] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        r = self.request
        return {
            **self.row.as_dict(), "id": r.id, "subject_id": r.subject_id, "language": r.language,
            "received_at": r.received_at.isoformat(), "text": self.text, "claims": self.claims,
            "identity": {"method": r.identity_method.value if r.identity_method else None,
                         "verified_at": r.identity_verified_at.isoformat() if r.identity_verified_at else None,
                         "verified_by": r.identity_verified_by, "note": self.identity_note,
                         "codes_sent": self.codes_sent},
            "extension": r.extension.iso() if r.extension else None, "extension_reason": r.extension_reason,
            "refusal": {"ground": r.refusal_ground.value, "reason": r.refusal_reason} if r.refusal_ground else None,
            "result": self.result, "answered_at": r.answered_at.isoformat() if r.answered_at else None,
            "suspensions": [{"kind": s.kind.value, "reason": s.reason, "started_at": s.started_at.isoformat(),
                             "ended_at": s.ended_at.isoformat() if s.ended_at else None} for s in self.suspensions],
            "notices": [{"kind": n.kind.value, "subject": n.subject, "created_at": n.created_at.isoformat(),
                         "sent_at": n.sent_at.isoformat() if n.sent_at else None, "transport": n.transport,
                         "attempts": n.attempts, "error": n.error} for n in self.notices],
            "events": [{"seq": e.seq, "at": e.occurred_at.isoformat(), "action": e.action, "actor": e.actor,
                        "payload": json.loads(json.dumps(e.payload))} for e in self.events],
        }


def show_request(desk: RequestDesk, reference: str) -> RequestView:
    with desk.store.unit_of_work(read_only=True) as uow:
        request = load(uow, reference)
        suspensions = uow.requests.suspensions([request.id])[request.id]
        search = uow.audit.search  # type: ignore[attr-defined]
        events = list(reversed(search(object_type=OBJECT_TYPE, object_id=request.id, limit=500)))
        return RequestView(request, _row(desk, request, suspensions, desk.today()), uow.requests.text(request),
                           uow.requests.claims(request), uow.requests.identity_note(request),
                           uow.requests.result(request), suspensions, uow.notices.for_request(request.id),
                           uow.requests.code_count(request.id), events)


def send_pending(desk: RequestDesk, limit: int = 100) -> list[Delivery]:
    """Retry every notice not delivered yet (oldest first)."""
    return deliver_notices(desk, None, limit)
