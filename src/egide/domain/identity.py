"""Identifiers of a data subject (email, phone, customer id) and how they are normalised, so
that the same person is found whatever the spelling of their address or number."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from egide.domain.errors import InvalidInputError, Problem


class IdentifierKind(str, Enum):
    email = "email"
    phone = "phone"
    customer_id = "customer_id"


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class Identifier:
    kind: IdentifierKind
    value: str  # normalised

    @classmethod
    def of(cls, kind: str | IdentifierKind, raw: str) -> "Identifier":
        try:
            kind = IdentifierKind(kind)
        except ValueError:
            raise InvalidInputError(
                f"unknown identifier kind {kind!r}",
                problems=[Problem(f"expected one of {[k.value for k in IdentifierKind]}", path="kind")],
            ) from None
        return cls(kind, normalise(kind, raw))

    def masked(self) -> str:
        """A form safe to print: j***@example.com, +33 6** ** ** 78."""
        if self.kind is IdentifierKind.email:
            local, _, domain = self.value.partition("@")
            return f"{local[:1]}***@{domain}"
        return self.value[:4] + "*" * max(len(self.value) - 6, 0) + self.value[-2:]


def normalise(kind: IdentifierKind, raw: str) -> str:
    value = (raw or "").strip()
    if not value:
        raise InvalidInputError(f"empty {kind.value}", problems=[Problem("a value is required", path=kind.value)])
    if kind is IdentifierKind.email:
        value = value.lower()
        if not _EMAIL.match(value):
            raise InvalidInputError(f"{raw!r} is not an email address",
                                    problems=[Problem("expected name@domain.tld", path="email")])
        return value
    if kind is IdentifierKind.phone:
        digits = re.sub(r"[\s.\-()/]", "", value)
        if digits.startswith("00"):
            digits = "+" + digits[2:]
        elif re.fullmatch(r"0[1-9]\d{8}", digits):  # French national format
            digits = "+33" + digits[1:]
        if not re.fullmatch(r"\+?\d{6,15}", digits):
            raise InvalidInputError(f"{raw!r} is not a phone number",
                                    problems=[Problem("expected digits, optionally with +country code", path="phone")])
        return digits
    return value
