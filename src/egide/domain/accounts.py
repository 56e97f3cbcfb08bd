"""Staff accounts: roles and what each may do, the password rule, the lockout rule, API key scopes.

Standard library only. The permission table is the one place that says who may do what: the
console's guard (``require("requests.act")``) and the CLI read it; nothing else decides access.

The password rule follows the CNIL's 2022 recommendation (deliberation 2022-100) for a password
used alone: at least 80 bits of entropy, e.g. 12 characters drawn from four classes (upper case,
lower case, digits, and a list of at least 37 special characters), or 14 characters from upper
case, lower case and digits; no forced periodic change; access slowed down or locked after
repeated failures.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Sequence


class Role(str, Enum):
    admin = "admin"
    dpo = "dpo"
    agent = "agent"
    auditor = "auditor"  # reads everything, changes nothing


PERMISSIONS: dict[str, str] = {
    "console.view": "open the console's home page",
    "requests.read": "see the requests queue and a request's page (a personal-data view: audited)",
    "requests.act": "verify identity, extend, refuse, run, approve and send an answer",
    "register.read": "see the active register, its lint findings and the diff between versions",
    "register.activate": "activate a new register version",
    "consent.read": "see the consent figures",
    "retention.read": "see the retention plan, past runs and legal holds",
    "retention.holds": "create and end legal holds",
    "audit.read": "search the audit trail and see the chain's status",
    "audit.purge": "purge audit events past their retention",
    "breaches.read": "see the breach register",
    "breaches.write": "record and update incidents, place their legal hold",
    "accounts.manage": "create, disable and reset staff accounts; create and revoke API keys",
}

_READS = {"console.view", "requests.read", "register.read", "consent.read", "retention.read", "audit.read",
          "breaches.read"}

ROLE_PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.admin: frozenset(PERMISSIONS),
    Role.dpo: frozenset(PERMISSIONS) - {"accounts.manage"},
    Role.agent: frozenset({"console.view", "requests.read", "requests.act", "register.read", "consent.read",
                           "retention.read", "breaches.read"}),
    Role.auditor: frozenset(_READS),
}

API_SCOPES: dict[str, str] = {
    "decisions": "ask the decision point (/api/v1/decisions)",
    "consents": "record and read consents for known data subjects (/api/v1/subjects)",
    "marketing": "marketing lists and import checks (/api/v1/marketing)",
    "requests": "the staff desk of requests (/api/v1/desk/requests)",
    "retention": "the retention API: re-contact lists (/api/v1/retention)",
}


def role_of(name: str) -> Role:
    try:
        return Role(name)
    except ValueError:
        raise ValueError(f"unknown role {name!r}: one of {', '.join(r.value for r in Role)}") from None


def allows(role: Role, permission: str) -> bool:
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")  # a typo in a guard must fail loudly
    return permission in ROLE_PERMISSIONS[role]


def unknown_scopes(scopes: Sequence[str]) -> list[str]:
    return [s for s in scopes if s not in API_SCOPES]


# --- the password rule -------------------------------------------------------------------------

MIN_ENTROPY_BITS = 80.0
SPECIALS = 37  # the CNIL counts at least 37 special characters to choose from
CLASSES = (("lower case", re.compile(r"[a-z]"), 26), ("upper case", re.compile(r"[A-Z]"), 26),
           ("digits", re.compile(r"[0-9]"), 10), ("special characters", re.compile(r"[^a-zA-Z0-9]"), SPECIALS))
MAX_PASSWORD_LENGTH = 256


def password_entropy_bits(password: str) -> float:
    """Bits of a password drawn at random from the classes it uses (the CNIL's computation)."""
    alphabet = sum(size for _, pattern, size in CLASSES if pattern.search(password))
    return len(password) * math.log2(alphabet) if alphabet else 0.0


def password_problems(password: str, username: str = "") -> list[str]:
    """What is wrong with a new password, in words; empty when it is acceptable."""
    problems = []
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.append(f"it is longer than {MAX_PASSWORD_LENGTH} characters")
    used = sum(1 for _, pattern, _ in CLASSES if pattern.search(password))
    cnil_example = len(password) >= 12 and used == 4  # 12 characters of 4 classes: the CNIL's own example
    if not cnil_example and password_entropy_bits(password) < MIN_ENTROPY_BITS:
        problems.append(f"it has {password_entropy_bits(password):.0f} bits of entropy, at least 80 are needed "
                        "(e.g. 12 characters with upper and lower case, digits and special characters, "
                        "or 14 characters with upper and lower case and digits)")
    if username and len(username) >= 3 and username.lower() in password.lower():
        problems.append("it contains the account's name")
    if len(set(password)) < max(4, len(password) // 4):
        problems.append("it repeats too few different characters")
    return problems


# --- the lockout rule --------------------------------------------------------------------------

@dataclass(frozen=True)
class LockoutPolicy:
    attempts: int = 5  # consecutive failures before the account is locked
    minutes: int = 15  # how long it stays locked after the last of them


@dataclass(frozen=True)
class Attempt:
    at: datetime
    succeeded: bool


def locked_until(recent: Sequence[Attempt], policy: LockoutPolicy) -> datetime | None:
    """When the lock ends, or None. ``recent``: the latest attempts for one account name, newest
    first (at least ``policy.attempts`` of them when there are). Locked when the latest
    ``policy.attempts`` all failed; the lock ends ``policy.minutes`` after the last failure."""
    latest = list(recent[: policy.attempts])
    if len(latest) < policy.attempts or any(a.succeeded for a in latest):
        return None
    return latest[0].at + timedelta(minutes=policy.minutes)


def is_locked(recent: Sequence[Attempt], policy: LockoutPolicy, now: datetime) -> bool:
    until = locked_until(recent, policy)
    return until is not None and now < until


# --- names -------------------------------------------------------------------------------------

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,99}$")


def normalise_username(name: str) -> str:
    return name.strip().lower()


def username_problem(name: str) -> str | None:
    if not USERNAME.match(normalise_username(name)):
        return "an account name is 2 to 100 characters: letters, digits, '.', '_', '@' and '-'"
    return None


@dataclass(frozen=True)
class Account:
    id: str
    username: str
    role: Role
    active: bool
    created_at: datetime
    password_changed_at: datetime
    last_sign_in_at: datetime | None = None

    @property
    def actor(self) -> str:
        """How the audit trail names staff acting in the console (as the CLI is `cli:<user>`)."""
        return f"console:{self.username}"


@dataclass(frozen=True)
class ApiKey:
    id: str
    prefix: str
    name: str
    scopes: tuple[str, ...]
    created_by: str
    created_at: datetime
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None
