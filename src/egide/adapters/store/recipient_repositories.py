"""Repositories of art. 19 notices to recipients and of calls to processors' webhooks.

The body of a notice names the person (the recipient must find them), and a processor's answer
may hold their data: both are sealed with the keyring, bound to the row's id. A recipient's
address is the recipient's (a company's), kept in clear so an agent sees where a notice went.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any, Iterable

from sqlalchemy import Connection, insert, select, update

from egide.adapters.keyring import Keyring
from egide.adapters.store.repositories import utc_naive
from egide.adapters.store.tables import data_subject_requests as requests_table
from egide.adapters.store.tables import recipient_notices, webhook_calls
from egide.domain.recipient_notices import (
    NoticeChannel,
    OutgoingRecipientNotice,
    RecipientNotice,
    RecipientNoticeStatus,
)

MAX_ANSWER = 1_000_000


class RecipientNotices:
    def __init__(self, connection: Connection, keyring: Keyring) -> None:
        self._c = connection
        self._keys = keyring

    def add(self, *, notice_id: str | None = None, request_id: str, recipient: str, recipient_name: str,
            recipient_kind: str, channel: NoticeChannel, address: str | None, activities: Iterable[str],
            subject: str, body: str | None, status: RecipientNoticeStatus, at: datetime, error: str | None = None) -> str:
        notice_id = notice_id or str(uuid.uuid4())
        self._c.execute(insert(recipient_notices), {
            "id": notice_id, "request_id": request_id, "recipient": recipient, "recipient_name": recipient_name[:500],
            "recipient_kind": recipient_kind, "channel": channel.value, "address": address,
            "activities": json.dumps(sorted(activities)), "status": status.value, "subject": subject[:300],
            "sealed_body": self._keys.seal(body, f"recipient_notice:{notice_id}:body") if body is not None else None,
            "created_at": utc_naive(at), "attempts": 0, "error": error})
        return notice_id

    def for_request(self, request_id: str) -> list[RecipientNotice]:
        query = self._query().where(recipient_notices.c.request_id == request_id)
        return [_notice(r) for r in self._c.execute(query.order_by(recipient_notices.c.recipient)).all()]

    def get(self, notice_id: str) -> RecipientNotice | None:
        row = self._c.execute(self._query().where(recipient_notices.c.id == notice_id)).first()
        return _notice(row) if row else None

    def to_deliver(self, ids: Iterable[str] | None = None, limit: int = 100) -> list[OutgoingRecipientNotice]:
        """Notices pending or failed (oldest first), with their sealed body opened."""
        t = recipient_notices
        query = (select(t, requests_table.c.reference).join(requests_table, requests_table.c.id == t.c.request_id)
                 .where(t.c.status.in_([RecipientNoticeStatus.pending.value, RecipientNoticeStatus.failed.value]))
                 .order_by(t.c.created_at, t.c.id).limit(limit))
        if ids is not None:
            query = query.where(t.c.id.in_(list(ids)))
        return [OutgoingRecipientNotice(r.id, r.reference, r.recipient, NoticeChannel(r.channel), r.address or "",
                                        r.subject, self._keys.open(r.sealed_body, f"recipient_notice:{r.id}:body"),
                                        r.created_at)
                for r in self._c.execute(query).all()]

    def mark_sent(self, notice_id: str, at: datetime, answer_status: int | None = None,
                  answer: str | None = None) -> None:
        values: dict[str, Any] = {"status": RecipientNoticeStatus.sent.value, "sent_at": utc_naive(at), "error": None,
                                  "attempts": recipient_notices.c.attempts + 1}
        if answer_status is not None:
            values.update(self._answer(notice_id, answer_status, answer, at))
        self._c.execute(update(recipient_notices).where(recipient_notices.c.id == notice_id).values(**values))

    def mark_failed(self, notice_id: str, error: str, at: datetime, answer_status: int | None = None,
                    answer: str | None = None) -> None:
        values: dict[str, Any] = {"status": RecipientNoticeStatus.failed.value, "error": error[:2000],
                                  "attempts": recipient_notices.c.attempts + 1}
        if answer_status is not None:
            values.update(self._answer(notice_id, answer_status, answer, at))
        self._c.execute(update(recipient_notices).where(recipient_notices.c.id == notice_id).values(**values))

    def acknowledge(self, notice_id: str, answer: str, at: datetime) -> None:
        """The recipient answered (a signed callback): the notice is acknowledged, its answer kept."""
        values = {"status": RecipientNoticeStatus.acknowledged.value, **self._answer(notice_id, None, answer, at)}
        self._c.execute(update(recipient_notices).where(recipient_notices.c.id == notice_id).values(**values))

    def answer(self, notice_id: str) -> str | None:
        row = self._c.execute(select(recipient_notices.c.sealed_answer)
                              .where(recipient_notices.c.id == notice_id)).first()
        if row is None or row.sealed_answer is None:
            return None
        return self._keys.open(row.sealed_answer, f"recipient_notice:{notice_id}:answer")

    def _answer(self, notice_id: str, status: int | None, answer: str | None, at: datetime) -> dict[str, Any]:
        sealed = self._keys.seal(answer[:MAX_ANSWER], f"recipient_notice:{notice_id}:answer") if answer else None
        values: dict[str, Any] = {"sealed_answer": sealed, "answered_at": utc_naive(at)}
        if status is not None:
            values["answer_status"] = status
        return values

    def _query(self):  # type: ignore[no-untyped-def]
        return select(recipient_notices, requests_table.c.reference).join(
            requests_table, requests_table.c.id == recipient_notices.c.request_id)


class WebhookCalls:
    """Each call to a processor's webhook connector, its HTTP status and its (sealed) answer."""

    def __init__(self, connection: Connection, keyring: Keyring) -> None:
        self._c = connection
        self._keys = keyring

    def add(self, *, request_id: str, dataset: str, connector: str, right: str, url: str, status: str,
            http_status: int | None, answer: str | None, error: str | None, at: datetime) -> str:
        call_id = str(uuid.uuid4())
        self._c.execute(insert(webhook_calls), {
            "id": call_id, "request_id": request_id, "dataset": dataset, "connector": connector, "right": right,
            "url": url, "status": status, "http_status": http_status,
            "sealed_answer": self._keys.seal(answer[:MAX_ANSWER], f"webhook_call:{call_id}") if answer else None,
            "error": error[:2000] if error else None, "called_at": utc_naive(at)})
        return call_id

    def for_request(self, request_id: str) -> list[dict[str, Any]]:
        rows = self._c.execute(select(webhook_calls).where(webhook_calls.c.request_id == request_id)
                               .order_by(webhook_calls.c.called_at, webhook_calls.c.id)).all()
        return [{"id": r.id, "dataset": r.dataset, "connector": r.connector, "right": r.right, "url": r.url,
                 "status": r.status, "http_status": r.http_status, "error": r.error, "called_at": r.called_at,
                 "answer": self._keys.open(r.sealed_answer, f"webhook_call:{r.id}") if r.sealed_answer else None}
                for r in rows]


def _notice(row: Any) -> RecipientNotice:
    return RecipientNotice(
        id=row.id, request_id=row.request_id, reference=row.reference, recipient=row.recipient,
        recipient_name=row.recipient_name, recipient_kind=row.recipient_kind, channel=NoticeChannel(row.channel),
        address=row.address, status=RecipientNoticeStatus(row.status), created_at=row.created_at,
        sent_at=row.sent_at, attempts=row.attempts, error=row.error, answer_status=row.answer_status,
        answered_at=row.answered_at, activities=tuple(json.loads(row.activities)))
