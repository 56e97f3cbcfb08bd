"""Data-subject requests (GDPR art. 12 and 15-22): the rights, the statuses and the one table of
moves between them.

Every change of a request goes through :func:`transition`, which looks the move up in
:data:`TRANSITIONS` and names the allowed moves when it refuses. Services never compare
statuses themselves. Standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum

from egide.domain.durations import Duration
from egide.domain.errors import ConflictError, InvalidInputError, Problem


class Right(str, Enum):
    """The rights a person may exercise through a request, in the GDPR's words."""

    access = "access"  # art. 15
    rectification = "rectification"  # art. 16
    erasure = "erasure"  # art. 17
    restriction = "restriction"  # art. 18
    portability = "portability"  # art. 20
    objection = "objection"  # art. 21
    human_review = "human_review"  # art. 22(3)
    withdraw_consent = "withdraw_consent"  # art. 7(3)

    @property
    def article(self) -> str:
        return _ARTICLES[self]

    @classmethod
    def parse(cls, text: str) -> "Right":
        try:
            return cls(text.strip().lower().replace("-", "_"))
        except ValueError:
            raise InvalidInputError(
                f"unknown right {text!r}",
                problems=[Problem(f"expected one of: {', '.join(r.value for r in cls)}", path="right")],
            ) from None


_ARTICLES = {
    Right.access: "art. 15", Right.rectification: "art. 16", Right.erasure: "art. 17",
    Right.restriction: "art. 18", Right.portability: "art. 20", Right.objection: "art. 21",
    Right.human_review: "art. 22(3)", Right.withdraw_consent: "art. 7(3)",
}


class Channel(str, Enum):
    """How the request reached the controller (art. 12(2): every channel counts)."""

    form = "form"
    email = "email"
    post = "post"
    phone = "phone"


class RequestStatus(str, Enum):
    received = "received"  # logged; the clock runs; identity not yet confirmed
    awaiting_code = "awaiting_code"  # a code was emailed; the clock is suspended
    awaiting_identity = "awaiting_identity"  # identification information was asked; the clock is suspended
    verified = "verified"  # identity confirmed: the request may run
    awaiting_fee = "awaiting_fee"  # art. 12(5)(a): a fee was asked instead of a refusal; the clock is suspended
    running = "running"  # the executor is working on the company's data
    awaiting_approval = "awaiting_approval"  # done and the answer written; held until the DPO approves it (the clock runs)
    answered = "answered"  # done: the result was sent
    refused = "refused"  # art. 12(5) or identity not established; the person was told why

    @property
    def is_final(self) -> bool:
        return self in (RequestStatus.answered, RequestStatus.refused)

    @property
    def suspends_clock(self) -> bool:
        return self in (RequestStatus.awaiting_code, RequestStatus.awaiting_identity, RequestStatus.awaiting_fee)


class Move(str, Enum):
    """What an agent, the person or the executor does to a request."""

    send_code = "send_code"
    verify_code = "verify_code"
    verify_manually = "verify_manually"
    ask_identity_document = "ask_identity_document"
    identity_document_checked = "identity_document_checked"
    extend = "extend"
    refuse = "refuse"
    charge_fee = "charge_fee"
    fee_paid = "fee_paid"
    start_run = "start_run"
    mark_answered = "mark_answered"
    hold_answer = "hold_answer"  # the answer is written but waits for the DPO (setting answer_approval_required)
    approve_answer = "approve_answer"  # the DPO approves the held answer: it is sent


S, M = RequestStatus, Move

# The one table: from a status, which moves are allowed and where each leads. Extending keeps the
# status (an extension is a flag with its reason and new due date, not a stage of the work).
TRANSITIONS: dict[RequestStatus, dict[Move, RequestStatus]] = {
    S.received: {
        M.send_code: S.awaiting_code,
        M.verify_manually: S.verified,
        M.ask_identity_document: S.awaiting_identity,
        M.extend: S.received,
        M.refuse: S.refused,
    },
    S.awaiting_code: {
        M.send_code: S.awaiting_code,  # a new code replaces the last one
        M.verify_code: S.verified,
        M.verify_manually: S.verified,
        M.ask_identity_document: S.awaiting_identity,
        M.extend: S.awaiting_code,
        M.refuse: S.refused,
    },
    S.awaiting_identity: {
        M.identity_document_checked: S.verified,
        M.verify_manually: S.verified,
        M.extend: S.awaiting_identity,
        M.refuse: S.refused,
    },
    S.verified: {
        M.ask_identity_document: S.awaiting_identity,  # a reasonable doubt after a code (art. 12(6))
        M.start_run: S.running,
        M.charge_fee: S.awaiting_fee,  # art. 12(5)(a): a reasonable fee instead of a refusal
        M.extend: S.verified,
        M.refuse: S.refused,
    },
    S.awaiting_fee: {
        M.fee_paid: S.verified,
        M.extend: S.awaiting_fee,
        M.refuse: S.refused,  # the person does not pay: the request is refused, with the reasons
    },
    S.running: {
        M.mark_answered: S.answered,
        M.hold_answer: S.awaiting_approval,
        M.extend: S.running,
    },
    S.awaiting_approval: {  # the work is done; the legal clock keeps running while the DPO reads the answer
        M.approve_answer: S.answered,
        M.extend: S.awaiting_approval,
    },
    S.answered: {},
    S.refused: {},
}

del S, M


class ForbiddenMoveError(ConflictError):
    """A move the transition table does not allow from the request's current status."""


def allowed_moves(status: RequestStatus) -> list[Move]:
    return list(TRANSITIONS[status])


def transition(status: RequestStatus, move: Move, reference: str = "the request") -> RequestStatus:
    """The status after ``move``, or a :class:`ForbiddenMoveError` naming the allowed moves."""
    moves = TRANSITIONS[status]
    if move in moves:
        return moves[move]
    allowed = ", ".join(m.value for m in moves) or "none (the request is closed)"
    raise ForbiddenMoveError(
        f"{reference} is {status.value}: it cannot {move.value.replace('_', ' ')}; allowed now: {allowed}",
        details={"status": status.value, "move": move.value, "allowed": [m.value for m in moves]})


class RefusalGround(str, Enum):
    manifestly_unfounded = "manifestly_unfounded"  # art. 12(5)
    excessive = "excessive"  # art. 12(5), in particular because repetitive
    identity_not_established = "identity_not_established"  # art. 11(2), 12(2), 12(6)


class IdentityMethod(str, Enum):
    email_code = "email_code"
    manual = "manual"
    identity_document = "identity_document"


class IdentityProofRule(str, Enum):
    """The register's `rights.identity_proof`."""

    always = "always"
    on_reasonable_doubt = "on_reasonable_doubt"
    never = "never"


@dataclass(frozen=True)
class RequestPolicy:
    """What the active register says about answering requests (defaults: the GDPR's own)."""

    controller_name: str = "the controller"
    language: str = "fr"
    period: Duration = Duration(months=1)
    identity_proof: IdentityProofRule = IdentityProofRule.on_reasonable_doubt
    authority_name: str | None = None
    authority_url: str | None = None
    contact_email: str | None = None


@dataclass(frozen=True)
class DataSubjectRequest:
    """A request as stored (the sealed free text and identity claims are read separately)."""

    id: str
    reference: str
    subject_id: str
    right: Right
    status: RequestStatus
    channel: Channel
    language: str
    received_at: datetime
    due_on: date
    extension: Duration | None = None
    extension_reason: str | None = None
    refusal_ground: RefusalGround | None = None
    refusal_reason: str | None = None
    identity_method: IdentityMethod | None = None
    identity_verified_at: datetime | None = None
    identity_verified_by: str | None = None
    answered_at: datetime | None = None

    @property
    def extended(self) -> bool:
        return self.extension is not None


class SuspensionKind(str, Enum):
    verification_code = "verification_code"
    identity_document = "identity_document"
    fee = "fee"  # waiting for the fee of art. 12(5)(a) (our reading: see docs/requests.md)


@dataclass(frozen=True)
class RequestSuspension:
    """A stretch of time during which the controller waited for identification information."""

    id: str
    kind: SuspensionKind
    reason: str
    started_at: datetime
    ended_at: datetime | None = None


def public_reference(year: int, number: int) -> str:
    """The reference a person quotes: DSR-2026-000123."""
    return f"DSR-{year}-{number:06d}"
