"""Signed webhooks: HMAC-SHA256 over the timestamp and the body, Stripe-style.

Egide signs what it POSTs to a recipient's or a processor's endpoint, and checks what comes
back the same way. The header reads ``t=1767225600,v1=5257a869...``: ``t`` is the Unix time of
signing, ``v1`` the hex HMAC-SHA256, keyed with the shared secret, of ``"{t}.".encode() + body``.
A receiver recomputes it, compares in constant time, and refuses a ``t`` outside the replay
window (five minutes either side), so a captured message cannot be played again later.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timezone

from egide.domain.errors import InvalidInputError, Problem

HEADER = "Egide-Signature"
SCHEME = "v1"
REPLAY_WINDOW_SECONDS = 300
MIN_SECRET_BYTES = 16


@dataclass
class SignatureError(InvalidInputError):
    """A signed message whose signature is missing, malformed, forged or outside the replay window."""

    code: str = "invalid_input"


def _unix(at: datetime) -> int:
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)
    return int(at.timestamp())


def signature(secret: bytes, body: bytes, timestamp: int) -> str:
    """The hex HMAC-SHA256 of ``"{timestamp}." + body``."""
    return hmac.new(secret, f"{timestamp}.".encode("ascii") + body, hashlib.sha256).hexdigest()


def sign(secret: bytes, body: bytes, at: datetime) -> str:
    """The signature header's value for ``body`` signed at ``at``."""
    if len(secret) < MIN_SECRET_BYTES:
        raise InvalidInputError(f"a webhook secret needs at least {MIN_SECRET_BYTES} bytes, not {len(secret)}",
                                problems=[Problem("use a long random value, e.g. `openssl rand -hex 32`",
                                                  path="secret")])
    timestamp = _unix(at)
    return f"t={timestamp},{SCHEME}={signature(secret, body, timestamp)}"


def parse_header(header: str) -> tuple[int, list[str]]:
    """The timestamp and the ``v1`` signatures of a header (several during a secret rotation)."""
    timestamp, signatures = None, []
    for part in (header or "").split(","):
        key, sep, value = part.strip().partition("=")
        if not sep:
            continue
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == SCHEME and value:
            signatures.append(value)
    if timestamp is None or not signatures:
        raise SignatureError(f"the {HEADER} header is malformed", problems=[
            Problem("expected t=<unix time>,v1=<hex HMAC-SHA256>", path=HEADER)])
    return timestamp, signatures


def verify(secret: bytes, body: bytes, header: str, now: datetime,
           window: int = REPLAY_WINDOW_SECONDS) -> int:
    """Check ``header`` against ``body``; returns the signing time. Raises :class:`SignatureError`
    for a stale or future timestamp (outside ``window`` seconds) or a signature that does not match."""
    timestamp, signatures = parse_header(header)
    drift = _unix(now) - timestamp
    if abs(drift) > window:
        raise SignatureError(
            f"the signature is stale: signed {abs(drift)} s {'ago' if drift > 0 else 'in the future'}, "
            f"outside the {window} s replay window", problems=[Problem("sign the message again", path=HEADER)])
    expected = signature(secret, body, timestamp)
    if not any(hmac.compare_digest(expected, candidate) for candidate in signatures):
        raise SignatureError("the signature does not match the body: forged, altered, or signed with another secret",
                             problems=[Problem("check the shared secret and sign the exact bytes sent", path=HEADER)])
    return timestamp
