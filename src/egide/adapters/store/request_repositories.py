"""Repositories of data-subject requests: the requests themselves, their clock suspensions,
verification codes, and the outbox of notices to the person.

Whatever may hold personal data (the person's words, the identity they claimed, the result, a
notice's address and body) is sealed with the keyring, bound to the request's id. A status
changes only from the status the caller read (compare-and-set), so two agents cannot both move
the same request.
"""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from typing import Any, Iterable

from sqlalchemy import Connection, func, insert, select, update

from egide.adapters.keyring import Keyring
from egide.adapters.store.repositories import utc_naive
from egide.adapters.store.subject_key_repositories import SubjectKeys
from egide.adapters.store.tables import data_subject_requests as requests_table
from egide.adapters.store.tables import (
    notices,
    request_counters,
    request_status_tokens,
    request_suspensions,
    verification_codes,
)
from egide.domain.durations import Duration
from egide.domain.errors import ConflictError
from egide.domain.notices import NoticeKind, NoticeRecord, OutgoingNotice
from egide.domain.requests import (
    Channel,
    DataSubjectRequest,
    IdentityMethod,
    RefusalGround,
    RequestStatus,
    RequestSuspension,
    Right,
    SuspensionKind,
    public_reference,
)
from egide.domain.verification import IssuedCode

_SEALED_FIELDS = {"text": "sealed_text", "result": "sealed_result", "identity_note": "sealed_identity_note"}


# Sealed with the person's key (gone with it on erasure); the result, which says what was done
# and what was kept and why, stays readable under the store's key.
_PERSONAL_FIELDS = {"text", "claims", "identity_note"}


class DataSubjectRequests:
    def __init__(self, connection: Connection, keyring: Keyring) -> None:
        self._c = connection
        self._keys = keyring
        self._people = SubjectKeys(connection, keyring)

    # --- requests ---------------------------------------------------------------------------

    def next_reference(self, year: int) -> str:
        """Draw the year's next number. The counter row stays locked until the commit, so concurrent
        intakes queue here (PostgreSQL; SQLite's single writer already serialises them)."""
        last = self._c.execute(select(request_counters.c.last).where(request_counters.c.year == year)
                               .with_for_update()).scalar_one_or_none()
        if last is None:  # the year's first request (a concurrent first one fails as a duplicate, then retries)
            self._c.execute(insert(request_counters), {"year": year, "last": 1})
            return public_reference(year, 1)
        self._c.execute(update(request_counters).where(request_counters.c.year == year).values(last=last + 1))
        return public_reference(year, last + 1)

    def add(self, *, subject_id: str, right: Right, channel: Channel, language: str, received_at: datetime,
            due_on: date, text: str | None, claims: dict[str, str], by: str, at: datetime) -> DataSubjectRequest:
        request_id = str(uuid.uuid4())
        reference = self.next_reference(received_at.year)
        self._c.execute(insert(requests_table), {
            "id": request_id, "reference": reference, "subject_id": subject_id, "right": right.value,
            "status": RequestStatus.received.value, "channel": channel.value, "language": language,
            "received_at": utc_naive(received_at), "due_on": due_on,
            "sealed_text": self._people.seal(subject_id, text, f"request:{request_id}:text", at) if text else None,
            "sealed_claims": self._people.seal(subject_id, json.dumps(claims, sort_keys=True),
                                               f"request:{request_id}:claims", at),
            "created_by": by, "updated_at": utc_naive(at),
        })
        found = self.by_id(request_id)
        assert found is not None
        return found

    def by_id(self, request_id: str) -> DataSubjectRequest | None:
        row = self._c.execute(select(requests_table).where(requests_table.c.id == request_id)).first()
        return _request(row) if row else None

    def by_reference(self, reference: str) -> DataSubjectRequest | None:
        row = self._c.execute(select(requests_table).where(
            requests_table.c.reference == reference.strip().upper())).first()
        return _request(row) if row else None

    def all(self, statuses: Iterable[RequestStatus] | None = None) -> list[DataSubjectRequest]:
        query = select(requests_table).order_by(requests_table.c.due_on, requests_table.c.reference)
        if statuses is not None:
            query = query.where(requests_table.c.status.in_([s.value for s in statuses]))
        return [_request(r) for r in self._c.execute(query).all()]

    def move(self, request: DataSubjectRequest, status: RequestStatus, at: datetime,
             **changes: Any) -> DataSubjectRequest:
        """Set the new status (and fields) only if the stored status is still the one ``request`` holds."""
        values: dict[str, Any] = {"status": status.value, "updated_at": utc_naive(at)}
        for name, value in changes.items():
            if name in _SEALED_FIELDS:
                value = self._seal(request, name, value, at) if value is not None else None
                name = _SEALED_FIELDS[name]
            elif isinstance(value, datetime):
                value = utc_naive(value)
            elif isinstance(value, Duration):
                value = value.iso()
            elif hasattr(value, "value"):
                value = value.value
            values[name] = value
        result = self._c.execute(update(requests_table).where(
            requests_table.c.id == request.id, requests_table.c.status == request.status.value).values(**values))
        if result.rowcount != 1:
            raise ConflictError(f"{request.reference} changed while this was being done: read it again and retry")
        found = self.by_id(request.id)
        assert found is not None
        return found

    def text(self, request: DataSubjectRequest) -> str | None:
        return self._sealed(request, "sealed_text", "text")

    def result(self, request: DataSubjectRequest) -> str | None:
        return self._sealed(request, "sealed_result", "result")

    def identity_note(self, request: DataSubjectRequest) -> str | None:
        return self._sealed(request, "sealed_identity_note", "identity_note")

    def claims(self, request: DataSubjectRequest) -> dict[str, str]:
        opened = self._sealed(request, "sealed_claims", "claims")
        return json.loads(opened) if opened else {}

    def _sealed(self, request: DataSubjectRequest, column: str, context: str) -> str | None:
        blob = self._c.execute(select(requests_table.c[column])
                               .where(requests_table.c.id == request.id)).scalar_one()
        if not blob:
            return None
        if context in _PERSONAL_FIELDS:
            return self._people.open(request.subject_id, blob, f"request:{request.id}:{context}")
        return self._keys.open(blob, f"request:{request.id}:{context}")

    def _seal(self, request: DataSubjectRequest, name: str, value: str, at: datetime) -> bytes:
        if name in _PERSONAL_FIELDS:
            return self._people.seal(request.subject_id, value, f"request:{request.id}:{name}", at)
        return self._keys.seal(value, f"request:{request.id}:{name}")

    # --- clock suspensions ------------------------------------------------------------------

    def suspend(self, request_id: str, kind: SuspensionKind, reason: str, at: datetime) -> str:
        suspension_id = str(uuid.uuid4())
        self._c.execute(insert(request_suspensions), {"id": suspension_id, "request_id": request_id,
                                                      "kind": kind.value, "reason": reason,
                                                      "started_at": utc_naive(at)})
        return suspension_id

    def resume(self, request_id: str, at: datetime) -> list[str]:
        """End every open suspension of the request; returns their ids."""
        open_ids = self._c.execute(select(request_suspensions.c.id).where(
            request_suspensions.c.request_id == request_id, request_suspensions.c.ended_at.is_(None))).scalars().all()
        if open_ids:
            self._c.execute(update(request_suspensions).where(request_suspensions.c.id.in_(open_ids))
                            .values(ended_at=utc_naive(at)))
        return list(open_ids)

    def suspensions(self, request_ids: Iterable[str]) -> dict[str, list[RequestSuspension]]:
        ids = list(request_ids)
        found: dict[str, list[RequestSuspension]] = {i: [] for i in ids}
        for start in range(0, len(ids), 500):
            rows = self._c.execute(select(request_suspensions).where(
                request_suspensions.c.request_id.in_(ids[start:start + 500]))
                .order_by(request_suspensions.c.started_at)).all()
            for r in rows:
                found[r.request_id].append(RequestSuspension(r.id, SuspensionKind(r.kind), r.reason,
                                                             r.started_at, r.ended_at))
        return found

    # --- the person's status link ----------------------------------------------------------

    def set_status_token(self, request_id: str, token_sha256: str, at: datetime) -> None:
        self._c.execute(insert(request_status_tokens), {"request_id": request_id, "token_sha256": token_sha256,
                                                        "issued_at": utc_naive(at)})

    def status_token(self, request_id: str) -> str | None:
        """The SHA-256 of the request's status token (the token itself is never stored)."""
        return self._c.execute(select(request_status_tokens.c.token_sha256).where(
            request_status_tokens.c.request_id == request_id)).scalar_one_or_none()

    # --- verification codes -----------------------------------------------------------------

    def add_code(self, request_id: str, code_hash: str, at: datetime, expires_at: datetime) -> IssuedCode:
        code_id = str(uuid.uuid4())
        self._c.execute(insert(verification_codes), {
            "id": code_id, "request_id": request_id, "number": self.code_count(request_id) + 1,
            "code_hash": code_hash, "created_at": utc_naive(at),
            "expires_at": utc_naive(expires_at), "attempts": 0})
        return IssuedCode(code_id, code_hash, utc_naive(at), utc_naive(expires_at))

    def latest_code(self, request_id: str) -> IssuedCode | None:
        row = self._c.execute(select(verification_codes).where(verification_codes.c.request_id == request_id)
                              .order_by(verification_codes.c.number.desc())
                              .limit(1)).first()
        if row is None:
            return None
        return IssuedCode(row.id, row.code_hash, row.created_at, row.expires_at, row.attempts, row.used_at)

    def code_count(self, request_id: str) -> int:
        return self._c.execute(select(func.count()).select_from(verification_codes).where(
            verification_codes.c.request_id == request_id)).scalar_one()

    def count_attempt(self, code_id: str) -> int:
        self._c.execute(update(verification_codes).where(verification_codes.c.id == code_id)
                        .values(attempts=verification_codes.c.attempts + 1))
        return self._c.execute(select(verification_codes.c.attempts).where(
            verification_codes.c.id == code_id)).scalar_one()

    def use_code(self, code_id: str, at: datetime) -> None:
        self._c.execute(update(verification_codes).where(verification_codes.c.id == code_id)
                        .values(used_at=utc_naive(at)))


def _request(row) -> DataSubjectRequest:  # type: ignore[no-untyped-def]
    return DataSubjectRequest(
        id=row.id, reference=row.reference, subject_id=row.subject_id, right=Right(row.right),
        status=RequestStatus(row.status), channel=Channel(row.channel), language=row.language,
        received_at=row.received_at, due_on=row.due_on,
        extension=Duration.parse(row.extension) if row.extension else None, extension_reason=row.extension_reason,
        refusal_ground=RefusalGround(row.refusal_ground) if row.refusal_ground else None,
        refusal_reason=row.refusal_reason,
        identity_method=IdentityMethod(row.identity_method) if row.identity_method else None,
        identity_verified_at=row.identity_verified_at, identity_verified_by=row.identity_verified_by,
        answered_at=row.answered_at,
    )


class NoticeOutbox:
    """Notices queued with the change they report, delivered after the commit."""

    def __init__(self, connection: Connection, keyring: Keyring) -> None:
        self._c = connection
        self._keys = keyring

    def queue(self, *, request_id: str, kind: NoticeKind, language: str, to: str, subject: str, body: str,
              at: datetime) -> str:
        notice_id = str(uuid.uuid4())
        self._c.execute(insert(notices), {
            "id": notice_id, "request_id": request_id, "kind": kind.value, "language": language,
            "sealed_to": self._keys.seal(to, f"notice:{notice_id}:to"), "subject": subject[:300],
            "sealed_body": self._keys.seal(body, f"notice:{notice_id}:body"), "created_at": utc_naive(at),
            "attempts": 0})
        return notice_id

    def pending(self, ids: Iterable[str] | None = None, limit: int = 100) -> list[OutgoingNotice]:
        query = (select(notices, requests_table.c.reference)
                 .join(requests_table, requests_table.c.id == notices.c.request_id)
                 .where(notices.c.sent_at.is_(None)).order_by(notices.c.created_at, notices.c.id).limit(limit))
        if ids is not None:
            query = query.where(notices.c.id.in_(list(ids)))
        return [OutgoingNotice(r.id, r.reference, NoticeKind(r.kind), self._keys.open(r.sealed_to, f"notice:{r.id}:to"),
                               r.subject, self._keys.open(r.sealed_body, f"notice:{r.id}:body"), r.created_at)
                for r in self._c.execute(query).all()]

    def mark_sent(self, notice_id: str, at: datetime, transport: str, drop_body: bool = False) -> None:
        values: dict[str, Any] = {"sent_at": utc_naive(at), "transport": transport, "error": None,
                                  "attempts": notices.c.attempts + 1}
        if drop_body:
            values["sealed_body"] = None
        self._c.execute(update(notices).where(notices.c.id == notice_id).values(**values))

    def mark_failed(self, notice_id: str, transport: str, error: str) -> None:
        self._c.execute(update(notices).where(notices.c.id == notice_id).values(
            transport=transport, error=error[:2000], attempts=notices.c.attempts + 1))

    def for_request(self, request_id: str) -> list[NoticeRecord]:
        rows = self._c.execute(select(notices).where(notices.c.request_id == request_id)
                               .order_by(notices.c.created_at, notices.c.id)).all()
        return [NoticeRecord(r.id, NoticeKind(r.kind), r.subject, r.created_at, r.sent_at, r.transport, r.attempts,
                             r.error) for r in rows]
