"""Confirming who made a request before anything runs (GDPR art. 12(2) and 12(6)).

Three ways: a one-time code emailed to the address the request came with; a manual check by an
agent (who records how); an identity document, asked only when the register requires one
(`rights.identity_proof: always`) or an agent records a reasonable doubt. Egide never stores the
document: the agent records that the copy was deleted right after the check. While Egide waits for
the code or the document, the request's clock is suspended; both moments are stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from egide.domain.audit import AuditEvent
from egide.domain.errors import ConflictError, EgideError, InvalidInputError, Problem
from egide.domain.notices import NoticeKind
from egide.domain.requests import (
    DataSubjectRequest,
    IdentityMethod,
    IdentityProofRule,
    Move,
    RequestStatus,
    SuspensionKind,
    transition,
)
from egide.domain.verification import (
    CODE_LIFETIME,
    MAX_ATTEMPTS,
    MAX_CODES_PER_REQUEST,
    CodeCheck,
    check_code,
    new_code,
    normalised_code,
)
from egide.services.ports import UnitOfWorkPort
from egide.services.request_desk import (
    OBJECT_TYPE,
    Change,
    RequestDesk,
    apply_move,
    deliver_notices,
    digest,
    load,
    queue_notice,
)

REGISTER_REQUIRES_DOCUMENT = "the register requires an identity document with every request"


def _document_required_error(reference: str) -> ConflictError:
    return ConflictError(
        f"the register requires an identity document for every request (rights.identity_proof: always): "
        f"ask for it with `egide request ask-id {reference}`, then record the check with `egide request id-checked "
        f"{reference}`")


def issue_code(uow: UnitOfWorkPort, desk: RequestDesk, request: DataSubjectRequest) -> tuple[DataSubjectRequest, str]:
    """Draw a code, keep its keyed hash, suspend the clock, queue the email. Returns the notice id."""
    transition(request.status, Move.send_code, request.reference)
    if desk.policy.identity_proof is IdentityProofRule.always:
        raise _document_required_error(request.reference)
    if uow.requests.code_count(request.id) >= MAX_CODES_PER_REQUEST:
        raise ConflictError(f"{MAX_CODES_PER_REQUEST} codes were already sent for {request.reference}: verify the "
                            f"person another way (`egide request verify --manual`) or refuse the request")
    code, now = new_code(), desk.now()
    issued = uow.requests.add_code(request.id, desk.code_hash(request.id, code), now, now + CODE_LIFETIME)
    if request.status is not RequestStatus.awaiting_code:
        uow.requests.suspend(request.id, SuspensionKind.verification_code, "verification code sent", now)
    moved = apply_move(uow, desk, request, Move.send_code, {"code_id": issued.id,
                                                            "expires_at": issued.expires_at.isoformat()})
    return moved, queue_notice(uow, desk, moved, NoticeKind.code, code=code)


def send_verification_code(desk: RequestDesk, reference: str) -> Change:
    """Email a (new) code; the last one sent is the only one accepted."""
    with desk.store.unit_of_work() as uow:
        request, notice_id = issue_code(uow, desk, load(uow, reference))
    return Change(request, deliver_notices(desk, [notice_id]))


@dataclass(frozen=True)
class _Rejection:
    outcome: CodeCheck
    attempts: int
    expires_at: datetime


def verify_code(desk: RequestDesk, reference: str, code: str) -> Change:
    """Accept the code the person received, or reject it with the reason; every failed try is counted
    (and committed) before the error is raised."""
    rejection = None
    with desk.store.unit_of_work() as uow:
        request = load(uow, reference)
        issued = uow.requests.latest_code(request.id) if request.status is RequestStatus.awaiting_code else None
        if issued is None:
            apply_move(uow, desk, request, Move.verify_code)  # raises: the table names the allowed moves
            raise ConflictError(f"no code was sent for {request.reference}")
        outcome = check_code(issued, desk.code_hash(request.id, normalised_code(code)), desk.now())
        if outcome is CodeCheck.accepted:
            uow.requests.use_code(issued.id, desk.now())
            suspensions = uow.requests.resume(request.id, desk.now())
            request = apply_move(uow, desk, request, Move.verify_code,
                                 {"method": IdentityMethod.email_code.value, "code_id": issued.id,
                                  "suspensions_ended": suspensions},
                                 identity_method=IdentityMethod.email_code, identity_verified_at=desk.now(),
                                 identity_verified_by=desk.actor)
        else:
            attempts = issued.attempts
            if outcome in (CodeCheck.wrong, CodeCheck.expired):
                attempts = uow.requests.count_attempt(issued.id)
            uow.audit.record(AuditEvent("request.code_rejected", desk.actor, OBJECT_TYPE, request.id,
                                        {"reference": request.reference, "code_id": issued.id,
                                         "outcome": outcome.value, "attempts": attempts}))
            rejection = _Rejection(outcome, attempts, issued.expires_at)
    if rejection is not None:
        raise _rejection_error(request.reference, rejection)
    return Change(request)


def _rejection_error(reference: str, rejection: _Rejection) -> EgideError:
    left = max(MAX_ATTEMPTS - rejection.attempts, 0)
    new_one = f"send a new code with `egide request send-code {reference}` or verify the person manually"
    if rejection.outcome is CodeCheck.expired:
        return InvalidInputError(
            f"the code for {reference} expired at {rejection.expires_at:%Y-%m-%d %H:%M} UTC (a code lasts "
            f"{int(CODE_LIFETIME.total_seconds() // 60)} minutes): {new_one}",
            problems=[Problem(f"attempt {rejection.attempts} of {MAX_ATTEMPTS}", path="code")])
    if rejection.outcome is CodeCheck.wrong and left:
        return InvalidInputError(f"wrong code for {reference}: {left} attempt{'s' if left > 1 else ''} left",
                                 problems=[Problem(f"attempt {rejection.attempts} of {MAX_ATTEMPTS}", path="code")])
    return ConflictError(f"the code for {reference} is locked after {MAX_ATTEMPTS} wrong attempts: {new_one}",
                         details={"attempts": rejection.attempts})


def verify_manually(desk: RequestDesk, reference: str, method: str, note: str | None = None) -> Change:
    """An agent confirms the person's identity another way (a call back, a signed-in account) and says how."""
    if not (method or "").strip():
        raise InvalidInputError("say how the identity was checked",
                                problems=[Problem("e.g. 'called back on the number in the customer file'",
                                                  path="method")])
    with desk.store.unit_of_work() as uow:
        request = load(uow, reference)
        transition(request.status, Move.verify_manually, request.reference)
        if desk.policy.identity_proof is IdentityProofRule.always:
            raise _document_required_error(request.reference)
        suspensions = uow.requests.resume(request.id, desk.now())
        words = method.strip() + (f" ({note.strip()})" if note and note.strip() else "")
        request = apply_move(uow, desk, request, Move.verify_manually,
                             {"method": IdentityMethod.manual.value, "note_sha256": digest(words),
                              "suspensions_ended": suspensions},
                             identity_method=IdentityMethod.manual, identity_verified_at=desk.now(),
                             identity_verified_by=desk.actor, identity_note=words)
    return Change(request)


def ask_document(uow: UnitOfWorkPort, desk: RequestDesk, request: DataSubjectRequest,
                 doubt: str | None) -> tuple[DataSubjectRequest, str]:
    transition(request.status, Move.ask_identity_document, request.reference)
    rule = desk.policy.identity_proof
    if rule is IdentityProofRule.never:
        raise ConflictError("the register promises that no identity document is asked (rights.identity_proof: "
                            "never): verify the person another way, or refuse if their identity cannot be established")
    doubt = (doubt or "").strip() or None
    if rule is not IdentityProofRule.always and doubt is None:
        raise InvalidInputError(
            "an identity document may be asked only when the register requires it (rights.identity_proof: always) "
            "or when an agent records a reasonable doubt about the person's identity (art. 12(6))",
            problems=[Problem("give the doubt with --reason", path="reason")])
    basis = "register_requires" if rule is IdentityProofRule.always and doubt is None else "reasonable_doubt"
    reason = doubt or REGISTER_REQUIRES_DOCUMENT
    now = desk.now()
    ended = uow.requests.resume(request.id, now)
    suspension = uow.requests.suspend(request.id, SuspensionKind.identity_document, reason, now)
    moved = apply_move(uow, desk, request, Move.ask_identity_document,
                       {"basis": basis, "reason_sha256": digest(reason), "suspension_id": suspension,
                        "suspensions_ended": ended},
                       identity_method=None, identity_verified_at=None, identity_verified_by=None)
    return moved, queue_notice(uow, desk, moved, NoticeKind.identity_document, reason=doubt)


def ask_identity_document(desk: RequestDesk, reference: str, reason: str | None = None) -> Change:
    """Ask for identification (the clock is suspended from now until the check)."""
    with desk.store.unit_of_work() as uow:
        request, notice_id = ask_document(uow, desk, load(uow, reference), reason)
    return Change(request, deliver_notices(desk, [notice_id]))


def identity_document_checked(desk: RequestDesk, reference: str, note: str | None = None) -> Change:
    """The agent checked the document and deleted the copy: identity confirmed, the clock resumes."""
    with desk.store.unit_of_work() as uow:
        request = load(uow, reference)
        now = desk.now()
        suspensions = uow.requests.resume(request.id, now) if request.status is RequestStatus.awaiting_identity else []
        request = apply_move(uow, desk, request, Move.identity_document_checked,
                             {"method": IdentityMethod.identity_document.value, "copy_deleted": True,
                              "suspensions_ended": suspensions, "note_sha256": digest(note)},
                             identity_method=IdentityMethod.identity_document, identity_verified_at=now,
                             identity_verified_by=desk.actor, identity_document_deleted_at=now,
                             identity_note=(note or "").strip() or None)
    return Change(request)
