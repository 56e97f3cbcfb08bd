"""Repositories of staff accounts, sign-in attempts, console sessions and API keys.

Passwords are stored as argon2id hashes, session tokens and API keys as their SHA-256 (both are
256 random bits, so a fast hash is enough): nothing stored lets anyone sign in.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Connection, Row, delete, func, insert, select, update

from egide.adapters.store.repositories import utc_naive
from egide.adapters.store.tables import accounts, api_keys, console_sessions, sign_in_attempts
from egide.domain.accounts import Account, ApiKey, Attempt, Role


class Accounts:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, *, username: str, role: Role, password_hash: str, at: datetime, by: str) -> Account:
        account_id = str(uuid.uuid4())
        self._c.execute(insert(accounts), {
            "id": account_id, "username": username, "role": role.value, "password_hash": password_hash,
            "active": True, "created_at": utc_naive(at), "created_by": by[:200],
            "password_changed_at": utc_naive(at)})
        found = self.by_id(account_id)
        assert found is not None
        return found

    def by_id(self, account_id: str) -> Account | None:
        row = self._c.execute(select(accounts).where(accounts.c.id == account_id)).first()
        return _account(row) if row else None

    def by_username(self, username: str) -> Account | None:
        row = self._c.execute(select(accounts).where(accounts.c.username == username)).first()
        return _account(row) if row else None

    def password_hash(self, account_id: str) -> str:
        return self._c.execute(select(accounts.c.password_hash).where(accounts.c.id == account_id)).scalar_one()

    def all(self) -> list[Account]:
        return [_account(r) for r in self._c.execute(select(accounts).order_by(accounts.c.username)).all()]

    def count_active(self, role: Role | None = None) -> int:
        query = select(func.count()).select_from(accounts).where(accounts.c.active.is_(True))
        if role is not None:
            query = query.where(accounts.c.role == role.value)
        return int(self._c.execute(query).scalar_one())

    def set_active(self, account_id: str, active: bool) -> None:
        self._c.execute(update(accounts).where(accounts.c.id == account_id).values(active=active))

    def set_role(self, account_id: str, role: Role) -> None:
        self._c.execute(update(accounts).where(accounts.c.id == account_id).values(role=role.value))

    def set_password_hash(self, account_id: str, password_hash: str, at: datetime | None) -> None:
        """``at`` None: a rehash with new parameters, not a change of password."""
        values: dict[str, object] = {"password_hash": password_hash}
        if at is not None:
            values["password_changed_at"] = utc_naive(at)
        self._c.execute(update(accounts).where(accounts.c.id == account_id).values(**values))

    def signed_in(self, account_id: str, at: datetime) -> None:
        self._c.execute(update(accounts).where(accounts.c.id == account_id).values(last_sign_in_at=utc_naive(at)))


class SignInAttempts:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, username: str, at: datetime, succeeded: bool) -> None:
        self._c.execute(insert(sign_in_attempts), {"username": username[:100], "at": utc_naive(at),
                                                   "succeeded": succeeded})

    def recent(self, username: str, limit: int) -> list[Attempt]:
        rows = self._c.execute(select(sign_in_attempts.c.at, sign_in_attempts.c.succeeded)
                               .where(sign_in_attempts.c.username == username[:100])
                               .order_by(sign_in_attempts.c.at.desc(), sign_in_attempts.c.id.desc())
                               .limit(limit)).all()
        return [Attempt(at=r.at, succeeded=bool(r.succeeded)) for r in rows]

    def forget_before(self, cutoff: datetime) -> int:
        return self._c.execute(delete(sign_in_attempts).where(sign_in_attempts.c.at < utc_naive(cutoff))).rowcount


class ConsoleSessions:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, *, session_id: str, account_id: str, at: datetime, expires_at: datetime) -> None:
        self._c.execute(insert(console_sessions), {
            "id": session_id, "account_id": account_id, "created_at": utc_naive(at), "last_seen_at": utc_naive(at),
            "expires_at": utc_naive(expires_at)})

    def get(self, session_id: str) -> Row | None:
        return self._c.execute(select(console_sessions).where(console_sessions.c.id == session_id,
                                                              console_sessions.c.ended_at.is_(None))).first()

    def seen(self, session_id: str, at: datetime) -> None:
        self._c.execute(update(console_sessions).where(console_sessions.c.id == session_id)
                        .values(last_seen_at=utc_naive(at)))

    def end(self, session_id: str, at: datetime) -> bool:
        return bool(self._c.execute(update(console_sessions).where(console_sessions.c.id == session_id,
                                                                   console_sessions.c.ended_at.is_(None))
                                    .values(ended_at=utc_naive(at))).rowcount)

    def forget_before(self, cutoff: datetime) -> int:
        """Delete sessions that ended or expired before ``cutoff`` (one statement)."""
        return self._c.execute(delete(console_sessions).where(console_sessions.c.expires_at < utc_naive(cutoff))
                               ).rowcount + self._c.execute(delete(console_sessions).where(
                                   console_sessions.c.ended_at < utc_naive(cutoff))).rowcount

    def end_all(self, account_id: str, at: datetime) -> int:
        return self._c.execute(update(console_sessions).where(console_sessions.c.account_id == account_id,
                                                              console_sessions.c.ended_at.is_(None))
                               .values(ended_at=utc_naive(at))).rowcount


class ApiKeys:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, *, prefix: str, secret_sha256: str, name: str, scopes: tuple[str, ...], at: datetime,
            by: str) -> ApiKey:
        key_id = str(uuid.uuid4())
        self._c.execute(insert(api_keys), {
            "id": key_id, "prefix": prefix, "secret_sha256": secret_sha256, "name": name[:200],
            "scopes": " ".join(scopes), "created_by": by[:200], "created_at": utc_naive(at)})
        found = self.by_prefix(prefix)
        assert found is not None
        return found[0]

    def by_prefix(self, prefix: str) -> tuple[ApiKey, str] | None:
        """The key and the SHA-256 of its secret."""
        row = self._c.execute(select(api_keys).where(api_keys.c.prefix == prefix)).first()
        return (_api_key(row), row.secret_sha256) if row else None

    def all(self) -> list[ApiKey]:
        return [_api_key(r) for r in self._c.execute(select(api_keys).order_by(api_keys.c.created_at,
                                                                                api_keys.c.prefix)).all()]

    def any_active(self) -> bool:
        return self._c.execute(select(api_keys.c.id).where(api_keys.c.revoked_at.is_(None)).limit(1)).first() is not None

    def revoke(self, key_id: str, at: datetime) -> bool:
        return bool(self._c.execute(update(api_keys).where(api_keys.c.id == key_id, api_keys.c.revoked_at.is_(None))
                                    .values(revoked_at=utc_naive(at))).rowcount)

    def used(self, key_id: str, at: datetime) -> None:
        self._c.execute(update(api_keys).where(api_keys.c.id == key_id).values(last_used_at=utc_naive(at)))


def _account(row: Row) -> Account:
    return Account(id=row.id, username=row.username, role=Role(row.role), active=bool(row.active),
                   created_at=row.created_at, password_changed_at=row.password_changed_at,
                   last_sign_in_at=row.last_sign_in_at)


def _api_key(row: Row) -> ApiKey:
    return ApiKey(id=row.id, prefix=row.prefix, name=row.name, scopes=tuple(row.scopes.split()),
                  created_by=row.created_by, created_at=row.created_at, revoked_at=row.revoked_at,
                  last_used_at=row.last_used_at)


class AccountRecords:
    """The four repositories of staff access, as one field of the unit of work (``uow.staff``)."""

    def __init__(self, connection: Connection) -> None:
        self.accounts = Accounts(connection)
        self.attempts = SignInAttempts(connection)
        self.sessions = ConsoleSessions(connection)
        self.api_keys = ApiKeys(connection)
