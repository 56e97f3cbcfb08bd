"""A reasonable fee instead of a refusal (GDPR art. 12(5)(a)): the amount's rules and the record.

Standard library only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from egide.domain.errors import InvalidInputError, Problem

MAX_FEE_CENTS = 100_000  # 1,000 in the currency: beyond that a fee is hardly "reasonable"; refuse instead


@dataclass(frozen=True)
class Fee:
    id: str
    request_id: str
    amount_cents: int
    currency: str
    ground: str  # manifestly_unfounded | excessive
    reason: str
    charged_at: datetime
    charged_by: str
    paid_at: datetime | None = None
    paid_recorded_by: str | None = None


def parse_amount(text: str | int | Decimal) -> int:
    """An amount such as ``15`` or ``12.50`` (or ``12,50``) in cents."""
    try:
        amount = Decimal(str(text).strip().replace(",", "."))
    except InvalidOperation:
        raise InvalidInputError(f"the fee {text!r} is not an amount",
                                problems=[Problem("write 15 or 12.50", path="amount")]) from None
    if not amount.is_finite() or amount <= 0 or int(amount.as_tuple().exponent) < -2:
        raise InvalidInputError(f"the fee {text!r} must be positive, with at most two decimals",
                                problems=[Problem("write 15 or 12.50", path="amount")])
    cents = int(amount * 100)
    if cents > MAX_FEE_CENTS:
        raise InvalidInputError(f"a fee of {amount} is not a reasonable fee based on administrative costs",
                                problems=[Problem(f"at most {MAX_FEE_CENTS // 100}", path="amount")])
    return cents


def parse_currency(text: str) -> str:
    code = (text or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise InvalidInputError(f"the currency {text!r} is not an ISO 4217 code",
                                problems=[Problem("e.g. EUR", path="currency")])
    return code


def format_amount(cents: int, language: str) -> str:
    whole, part = divmod(cents, 100)
    return f"{whole},{part:02d}" if language == "fr" else f"{whole}.{part:02d}"
