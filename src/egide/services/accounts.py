"""Staff accounts: create, disable, change password; sign in and out of the console; API keys.

Passwords are hashed with argon2id (argon2-cffi's defaults: RFC 9106's second recommended
parameters); a hash made with older parameters is rehashed at the next successful sign-in.
Every change of state writes its audit event in the same transaction; events name accounts by
their account name (staff, not data subjects) and never hold a password, token or key.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Sequence

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from egide.domain.accounts import (
    API_SCOPES,
    Account,
    ApiKey,
    LockoutPolicy,
    Role,
    locked_until,
    normalise_username,
    password_problems,
    role_of,
    unknown_scopes,
    username_problem,
)
from egide.domain.audit import AuditEvent
from egide.domain.errors import ConflictError, EgideError, InvalidInputError, NotFoundError, Problem

_HASHER = PasswordHasher()  # argon2id
_DUMMY_HASH = _HASHER.hash("not a password: compared when the account does not exist")
API_KEY_PREFIX = "egide"


@dataclass
class SignInRefusedError(EgideError):
    """Wrong name or password (the same answer for both), or the name is locked."""

    locked_until: datetime | None = None
    code: str = "unauthorised"


@dataclass
class ForbiddenError(EgideError):
    code: str = "forbidden"


KEEP_HISTORY = timedelta(days=30)  # sign-in attempts and ended sessions older than this are deleted


@dataclass(frozen=True)
class SessionPolicy:
    idle_minutes: int = 30
    max_hours: int = 12


@dataclass(frozen=True)
class SignedIn:
    account: Account
    token: str  # the cookie's value; only its SHA-256 is stored
    expires_at: datetime


def session_policy(settings: Any) -> SessionPolicy:
    return SessionPolicy(idle_minutes=settings.console_session_idle_minutes,
                         max_hours=settings.console_session_hours)


def lockout_policy(settings: Any) -> LockoutPolicy:
    return LockoutPolicy(attempts=settings.sign_in_lockout_attempts, minutes=settings.sign_in_lockout_minutes)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _now(store: Any) -> datetime:
    """Now in naive UTC, as the store keeps times."""
    at = store.clock.now()
    return at.astimezone(timezone.utc).replace(tzinfo=None) if at.tzinfo else at


def _checked_password(password: str, username: str) -> None:
    problems = password_problems(password, username)
    if problems:
        raise InvalidInputError("the password is too weak (CNIL 2022: at least 80 bits of entropy)",
                                problems=[Problem(p, path="password") for p in problems])


# --- accounts ----------------------------------------------------------------------------------

_SPECIALS = "!#$%&*+-=?@^_~.:;,"


def generated_password() -> str:
    """20 random characters with the four classes (about 125 bits), for an account's first password."""
    alphabet = string.ascii_letters + string.digits + _SPECIALS
    while True:
        password = "".join(secrets.choice(alphabet) for _ in range(20))
        if (any(c.islower() for c in password) and any(c.isupper() for c in password)
                and any(c.isdigit() for c in password) and any(c in _SPECIALS for c in password)):
            return password


def create_account(store: Any, *, username: str, role: str, password: str, actor: str) -> Account:
    name = normalise_username(username)
    problems = [Problem(p, path="username") for p in [username_problem(name)] if p]
    try:
        chosen = role_of(role)
    except ValueError as error:
        problems.append(Problem(str(error), path="role"))
    problems += [Problem(p, path="password") for p in password_problems(password, name)]
    if problems:
        raise InvalidInputError(f"cannot create the account {name!r}", problems=problems)
    hashed = _HASHER.hash(password)
    with store.unit_of_work() as uow:
        if uow.staff.accounts.by_username(name) is not None:
            raise ConflictError(f"an account named {name!r} already exists")
        account = uow.staff.accounts.add(username=name, role=chosen, password_hash=hashed, at=store.clock.now(),
                                         by=actor)
        uow.audit.record(AuditEvent("account.created", actor, "account", account.id,
                                    {"username": name, "role": chosen.value}))
    return account


def list_accounts(store: Any) -> list[Account]:
    with store.unit_of_work(read_only=True) as uow:
        return uow.staff.accounts.all()


def _account(uow: Any, username: str) -> Account:
    found = uow.staff.accounts.by_username(normalise_username(username))
    if found is None:
        raise NotFoundError(f"no account named {normalise_username(username)!r}")
    return found  # type: ignore[no-any-return]


def _keep_an_admin(uow: Any, account: Account) -> None:
    if account.role is Role.admin and account.active and uow.staff.accounts.count_active(Role.admin) <= 1:
        raise ConflictError(f"{account.username!r} is the last active admin: create another admin first")


def disable_account(store: Any, username: str, *, actor: str) -> Account:
    """Disable an account and end its sessions (its history stays)."""
    with store.unit_of_work() as uow:
        account = _account(uow, username)
        _keep_an_admin(uow, account)
        uow.staff.accounts.set_active(account.id, False)
        ended = uow.staff.sessions.end_all(account.id, store.clock.now())
        uow.audit.record(AuditEvent("account.disabled", actor, "account", account.id, {"sessions_ended": ended}))
        return uow.staff.accounts.by_id(account.id)  # type: ignore[no-any-return]


def enable_account(store: Any, username: str, *, actor: str) -> Account:
    with store.unit_of_work() as uow:
        account = _account(uow, username)
        uow.staff.accounts.set_active(account.id, True)
        uow.audit.record(AuditEvent("account.enabled", actor, "account", account.id))
        return uow.staff.accounts.by_id(account.id)  # type: ignore[no-any-return]


def set_password(store: Any, username: str, password: str, *, actor: str) -> Account:
    """A new password (checked against the CNIL rule); the account's sessions end."""
    _checked_password(password, normalise_username(username))
    hashed = _HASHER.hash(password)
    with store.unit_of_work() as uow:
        account = _account(uow, username)
        uow.staff.accounts.set_password_hash(account.id, hashed, store.clock.now())
        ended = uow.staff.sessions.end_all(account.id, store.clock.now())
        uow.audit.record(AuditEvent("account.password_changed", actor, "account", account.id,
                                    {"sessions_ended": ended}))
        return uow.staff.accounts.by_id(account.id)  # type: ignore[no-any-return]


def change_own_password(store: Any, account: Account, current: str, new: str) -> Account:
    """A signed-in person changes their own password: the current one is checked first, and every
    session of the account ends (they sign in again)."""
    with store.unit_of_work(read_only=True) as uow:
        stored = uow.staff.accounts.password_hash(account.id)
    if not _verify(stored, current):
        raise InvalidInputError("the current password is wrong",
                                problems=[Problem("the current password is wrong", path="current")])
    return set_password(store, account.username, new, actor=account.actor)


# --- sign-in and sessions ----------------------------------------------------------------------

def sign_in(store: Any, username: str, password: str, *, lockout: LockoutPolicy, sessions: SessionPolicy) -> SignedIn:
    """Check the password (slowly, the same way for unknown names) and open a session.
    A name locked by repeated failures is refused even with the right password."""
    name = normalise_username(username)[:100]
    now = _now(store)
    with store.unit_of_work(read_only=True) as uow:
        until = locked_until(uow.staff.attempts.recent(name, lockout.attempts), lockout)
        account = uow.staff.accounts.by_username(name)
        stored = uow.staff.accounts.password_hash(account.id) if account else _DUMMY_HASH
    if until is not None and now < until:
        raise SignInRefusedError(f"too many failed sign-ins: {name!r} is locked until {until:%Y-%m-%d %H:%M} UTC",
                                 locked_until=until)
    good = _verify(stored, password) and account is not None and account.active
    with store.unit_of_work() as uow:
        uow.staff.attempts.add(name, now, good)
        uow.staff.attempts.forget_before(now - KEEP_HISTORY)  # housekeeping, set-based
        uow.staff.sessions.forget_before(now - KEEP_HISTORY)
        if not good or account is None:
            if account is not None:
                uow.audit.record(AuditEvent("account.sign_in_failed", f"console:{name}", "account", account.id))
                locked = locked_until(uow.staff.attempts.recent(name, lockout.attempts), lockout)
                if locked is not None:
                    uow.audit.record(AuditEvent("account.locked", "egide", "account", account.id,
                                                {"until": locked.isoformat()}))
            return_error = SignInRefusedError("wrong account name or password")
        else:
            if _HASHER.check_needs_rehash(stored):
                uow.staff.accounts.set_password_hash(account.id, _HASHER.hash(password), None)
            token = secrets.token_urlsafe(32)
            expires = now + timedelta(hours=sessions.max_hours)
            uow.staff.sessions.add(session_id=_sha256(token), account_id=account.id, at=now, expires_at=expires)
            uow.staff.accounts.signed_in(account.id, now)
            uow.audit.record(AuditEvent("account.signed_in", account.actor, "account", account.id))
            return SignedIn(account=account, token=token, expires_at=expires)
    raise return_error


def _verify(stored: str, password: str) -> bool:
    try:
        return _HASHER.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def session_account(store: Any, token: str, policy: SessionPolicy) -> tuple[Account, str] | None:
    """The account of a session cookie, or None when unknown, ended, expired (idle or absolute),
    or the account is disabled. Marks the session seen (at most once a minute)."""
    if len(token) > 100:
        return None
    session_id = _sha256(token)
    now = _now(store)
    with store.unit_of_work(read_only=True) as uow:
        row = uow.staff.sessions.get(session_id)
        account = uow.staff.accounts.by_id(row.account_id) if row else None
    if row is None or account is None or not account.active:
        return None
    if now >= row.expires_at or now >= row.last_seen_at + timedelta(minutes=policy.idle_minutes):
        return None
    if now - row.last_seen_at >= timedelta(minutes=1):
        with store.unit_of_work() as uow:
            uow.staff.sessions.seen(session_id, now)
    return account, session_id


def sign_out(store: Any, token: str) -> None:
    session_id = _sha256(token)
    with store.unit_of_work() as uow:
        row = uow.staff.sessions.get(session_id)
        if row is not None and uow.staff.sessions.end(session_id, store.clock.now()):
            uow.audit.record(AuditEvent("account.signed_out", "console", "account", row.account_id))


# --- API keys ----------------------------------------------------------------------------------

def create_api_key(store: Any, *, name: str, scopes: Sequence[str], actor: str) -> tuple[ApiKey, str]:
    """A new key: returned once in clear (``egide_<prefix>_<secret>``), stored as a SHA-256."""
    wanted = tuple(dict.fromkeys(s.strip() for s in scopes if s.strip()))
    problems = []
    if not name.strip():
        problems.append(Problem("give the key a name (who or what uses it)", path="name"))
    if not wanted:
        problems.append(Problem(f"give at least one scope: {', '.join(API_SCOPES)}", path="scopes"))
    for unknown in unknown_scopes(wanted):
        problems.append(Problem(f"unknown scope {unknown!r}: one of {', '.join(API_SCOPES)}", path="scopes"))
    if problems:
        raise InvalidInputError("cannot create the API key", problems=problems)
    prefix, secret = secrets.token_hex(4), secrets.token_urlsafe(32)
    with store.unit_of_work() as uow:
        key = uow.staff.api_keys.add(prefix=prefix, secret_sha256=_sha256(secret), name=name.strip(), scopes=wanted,
                                     at=store.clock.now(), by=actor)
        uow.audit.record(AuditEvent("api_key.created", actor, "api_key", key.prefix, {"scopes": list(wanted)}))
    return key, f"{API_KEY_PREFIX}_{prefix}_{secret}"


def list_api_keys(store: Any) -> list[ApiKey]:
    with store.unit_of_work(read_only=True) as uow:
        return uow.staff.api_keys.all()


def revoke_api_key(store: Any, prefix: str, *, actor: str) -> ApiKey:
    prefix = prefix.removeprefix(f"{API_KEY_PREFIX}_").split("_")[0]
    with store.unit_of_work() as uow:
        found = uow.staff.api_keys.by_prefix(prefix)
        if found is None:
            raise NotFoundError(f"no API key {prefix!r}")
        if not uow.staff.api_keys.revoke(found[0].id, store.clock.now()):
            raise ConflictError(f"the API key {prefix!r} is already revoked")
        uow.audit.record(AuditEvent("api_key.revoked", actor, "api_key", prefix))
        return uow.staff.api_keys.by_prefix(prefix)[0]  # type: ignore[index,no-any-return]


def api_keys_exist(store: Any) -> bool:
    with store.unit_of_work(read_only=True) as uow:
        return uow.staff.api_keys.any_active()  # type: ignore[no-any-return]


def check_api_key(store: Any, presented: str) -> ApiKey | None:
    """The key presented, if it is a valid, unrevoked Egide key; None otherwise."""
    parts = presented.split("_", 2)
    if len(parts) != 3 or parts[0] != API_KEY_PREFIX or len(presented) > 200:
        return None
    with store.unit_of_work(read_only=True) as uow:
        found = uow.staff.api_keys.by_prefix(parts[1])
    if found is None:
        return None
    key, secret_sha256 = found
    if key.revoked_at is not None or not hmac.compare_digest(secret_sha256, _sha256(parts[2])):
        return None
    return key


def mark_api_key_used(store: Any, key: ApiKey) -> None:
    with store.unit_of_work() as uow:
        uow.staff.api_keys.used(key.id, store.clock.now())
