"""One-time codes that confirm a person controls the email address a request came with.

Six digits drawn with :mod:`secrets`, valid 15 minutes, five tries then locked. The store keeps
only a keyed hash of the code (HMAC with the keyring's lookup key, bound to the request), and
hashes are compared in constant time.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

CODE_DIGITS = 6
CODE_LIFETIME = timedelta(minutes=15)
MAX_ATTEMPTS = 5
MAX_CODES_PER_REQUEST = 5


def new_code() -> str:
    return f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"


def normalised_code(text: str) -> str:
    """What the person typed, without the spaces and dashes people add ("123 456")."""
    return "".join(ch for ch in (text or "") if ch not in " -\t")


class CodeCheck(str, Enum):
    accepted = "accepted"
    wrong = "wrong"
    expired = "expired"
    locked = "locked"  # too many wrong attempts
    used = "used"  # already accepted once


@dataclass(frozen=True)
class IssuedCode:
    id: str
    code_hash: str
    created_at: datetime
    expires_at: datetime
    attempts: int = 0
    used_at: datetime | None = None

    @property
    def attempts_left(self) -> int:
        return max(MAX_ATTEMPTS - self.attempts, 0)


def check_code(issued: IssuedCode, presented_hash: str, now: datetime) -> CodeCheck:
    """Judge one attempt. The order matters: a used or locked code never says whether a guess was right."""
    if issued.used_at is not None:
        return CodeCheck.used
    if issued.attempts >= MAX_ATTEMPTS:
        return CodeCheck.locked
    if now > issued.expires_at:
        return CodeCheck.expired
    if hmac.compare_digest(issued.code_hash, presented_hash):
        return CodeCheck.accepted
    return CodeCheck.wrong
