"""A reasonable fee instead of a refusal (GDPR art. 12(5)(a)).

For a manifestly unfounded or excessive request, the controller may either refuse to act or
charge a reasonable fee based on the administrative costs. Egide records the amount, the
currency, the ground and the reasons, tells the person (who may pay or withdraw: EDPB Guidelines
01/2022 on the right of access, section 6.3, ask controllers to announce the fee so that the person
can withdraw the request before being charged), and the request waits for the payment with the
clock suspended. The suspension is Egide's reading, not a rule written in the GDPR: see
docs/requests.md.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from egide.domain.errors import InvalidInputError, Problem
from egide.domain.fees import format_amount, parse_amount, parse_currency
from egide.domain.notices import NoticeKind
from egide.domain.requests import Move, RefusalGround, SuspensionKind
from egide.domain.tasks import required_text
from egide.services.request_desk import Change, RequestDesk, apply_move, deliver_notices, digest, load, queue_notice

FEE_GROUNDS = (RefusalGround.manifestly_unfounded, RefusalGround.excessive)


def charge_fee(desk: RequestDesk, reference: str, *, amount: str | int | Decimal, currency: str, reason: str,
               ground: str | RefusalGround = RefusalGround.excessive) -> Change:
    """Ask a reasonable fee: the request waits for the payment, the clock suspended, the person told."""
    cents, code = parse_amount(amount), parse_currency(currency)
    text = required_text(reason, "reason", "the administrative costs the fee covers, told to the person")
    try:
        parsed = RefusalGround(str(ground).strip().lower()) if not isinstance(ground, RefusalGround) else ground
    except ValueError:
        parsed = None
    if parsed not in FEE_GROUNDS:
        raise InvalidInputError(f"a fee is charged only for a manifestly unfounded or excessive request, not {ground!r}",
                                problems=[Problem("manifestly_unfounded or excessive", path="ground")])
    assert parsed is not None
    with desk.store.unit_of_work() as uow:
        request = load(uow, reference)
        uow.requests.suspend(request.id, SuspensionKind.fee, "waiting for the fee (art. 12(5)(a))", desk.now())
        request = apply_move(uow, desk, request, Move.charge_fee,
                             {"amount_cents": cents, "currency": code, "ground": parsed.value,
                              "reason_sha256": digest(text)})
        uow.fees.add(request_id=request.id, amount_cents=cents, currency=code, ground=parsed.value, reason=text,
                     at=desk.now(), by=desk.actor)
        notice_id = queue_notice(uow, desk, request, NoticeKind.fee, reason=text, ground=parsed.value,
                                 fee_amount=format_amount(cents, request.language), fee_currency=code)
    return Change(request, deliver_notices(desk, [notice_id]))


def fee_paid(desk: RequestDesk, reference: str) -> Change:
    """The fee was paid: the clock runs again and the request may run."""
    with desk.store.unit_of_work() as uow:
        request = load(uow, reference)
        fee = uow.fees.unpaid(request.id)
        if fee is None:  # not awaiting a fee: the transition table says what is allowed instead
            apply_move(uow, desk, request, Move.fee_paid)
            raise InvalidInputError(f"{request.reference} has no unpaid fee")
        ended = uow.requests.resume(request.id, desk.now())
        uow.fees.mark_paid(fee.id, desk.now(), desk.actor)
        request = apply_move(uow, desk, request, Move.fee_paid, {"fee_id": fee.id, "suspensions_ended": ended})
    return Change(request)


def fees_of(desk: RequestDesk, request_id: str) -> list[dict[str, Any]]:
    """The fees asked for a request, as an agent sees them."""
    with desk.store.unit_of_work(read_only=True) as uow:
        fees = uow.fees.for_request(request_id)
    return [{"amount": format_amount(f.amount_cents, "en"), "currency": f.currency, "ground": f.ground,
             "reason": f.reason, "charged_at": f.charged_at.isoformat(), "charged_by": f.charged_by,
             "paid_at": f.paid_at.isoformat() if f.paid_at else None, "paid_recorded_by": f.paid_recorded_by}
            for f in fees]
