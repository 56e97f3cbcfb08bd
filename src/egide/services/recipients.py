"""Art. 19: after a rectification, an erasure or a restriction, each recipient of the data is told.

The recipients are the register's, through the activities concerned: the activities of the
dataset tables (and log directories) where the request changed the person's data; for a
restriction, every activity the datasets serve. Internal teams are the controller itself and
are not written to. Each recipient gets one notice per request, recorded with its audit event
in one transaction, then delivered after the commit: by email through the notifier (SMTP or the
outbox), or POSTed as signed JSON to its webhook (secret in ``EGIDE_RECIPIENT_SECRET_<KEY>``).
A recipient without a contact gets a recorded "cannot notify" entry, reported in the answer to
the person. A failed delivery stays visible and ``egide request send-pending`` retries it. A
recipient may acknowledge later with a signed callback (:func:`record_recipient_answer`).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any, Iterable

from egide.domain.audit import AuditEvent
from egide.domain.errors import ConfigurationError, InvalidInputError, NotFoundError, Problem
from egide.domain.identity import Identifier
from egide.domain.notices import DeliveryError, NoticeKind, OutgoingNotice
from egide.domain.recipient_notices import (
    NoticeChannel,
    OutgoingRecipientNotice,
    RecipientNotice,
    RecipientNoticeStatus,
    contact_address,
    contact_channel,
    webhook_secret_env,
)
from egide.domain.requests import DataSubjectRequest, Right
from egide.domain.signatures import verify
from egide.register.model import Recipient, RecipientKind, Register
from egide.services.request_desk import RequestDesk, load, notice_context

ART19_RIGHTS = frozenset({Right.erasure, Right.rectification, Right.restriction})
NOT_WRITTEN_TO = frozenset({RecipientKind.internal})  # the controller's own teams
OBJECT_TYPE = "recipient_notice"
NO_CONTACT = "cannot notify: no contact in the register (art. 19: impossible)"


@dataclass(frozen=True)
class PlannedNotice:
    recipient: Recipient
    channel: NoticeChannel
    activities: tuple[str, ...]


def check_contacts(register: Register) -> None:
    """Every recipient's contact is an email or an http(s) URL; raises listing every other one."""
    problems = []
    for i, recipient in enumerate(register.recipients):
        try:
            contact_channel(recipient.contact, f"recipients[{i}].contact")
        except InvalidInputError as exc:
            problems += exc.problems
    if problems:
        raise InvalidInputError(f"{len(problems)} recipient contact(s) of the register cannot be used for art. 19 "
                                "notices", problems=problems)


def activities_concerned(right: Right, databases: Iterable[Any], details: dict[str, Any],
                         register: Register) -> set[str]:
    """The activities whose data the request changed: the activities of the tables (and log directories)
    where rows were erased, masked or rectified, and of the webhook connectors that acted; for a
    restriction, every activity the datasets serve (every activity of the register without a dataset)."""
    databases = list(databases)
    if right is Right.restriction:
        if not databases:
            return {a.key for a in register.activities}
        return {key for db in databases for part in (*db.dataset.tables, *db.dataset.log_directories,
                                                     *db.dataset.webhooks) for key in part.activities}
    activities: set[str] = set()
    for db in databases:
        dataset, found = db.dataset, details.get(db.dataset.name, {})
        touched = set(found.get("updated", {}))  # rectification: table -> rows
        touched |= {t["table"] for t in found.get("erased", ()) if t.get("deleted") or t.get("masked")}
        touched |= {name for name, counts in found.get("logs", {}).items() if counts.get("lines")}
        for part in (*dataset.tables, *dataset.log_directories):
            if part.name in touched:
                activities.update(part.activities)
        acted = {w["connector"] for w in details.get("webhooks", {}).get(dataset.name, [])}
        activities.update(key for w in dataset.webhooks if w.name in acted for key in w.activities)
    return activities


def plan_notices(register: Register, activities: Iterable[str]) -> list[PlannedNotice]:
    """The recipients of ``activities`` (each once, with the activities it receives data of)."""
    wanted = set(activities)
    by_key: dict[str, list[str]] = {}
    for activity in register.activities:
        if activity.key in wanted:
            for key in activity.recipients:
                by_key.setdefault(key, []).append(activity.key)
    planned = []
    for index, recipient in enumerate(register.recipients):
        if recipient.key in by_key and recipient.kind not in NOT_WRITTEN_TO:
            channel = contact_channel(recipient.contact, f"recipients[{index}].contact")
            planned.append(PlannedNotice(recipient, channel, tuple(sorted(set(by_key[recipient.key])))))
    return planned


def notify_recipients(desk: RequestDesk, register: Register, reference: str, activities: Iterable[str],
                      identifiers: Iterable[Identifier], changes: dict[str, Any] | None = None) -> list[RecipientNotice]:
    """Record one notice per recipient concerned (once per request: a resumed run finds them) and
    deliver them. Returns every notice of the request, with its status."""
    identifiers = list(identifiers)
    with desk.store.unit_of_work() as uow:
        request = load(uow, reference)
        if request.right not in ART19_RIGHTS:
            raise InvalidInputError(f"{reference} is a {request.right.value} request: art. 19 notices follow a "
                                    "rectification, an erasure or a restriction")
        if uow.recipient_notices.for_request(request.id):
            new_ids: list[str] = []
        else:
            statements = [s.statement for s in uow.execution.statements(identifiers)]
            new_ids = [_record(uow, desk, request, planned, identifiers, changes or {}, statements)
                       for planned in plan_notices(register, activities)]
    deliver_recipient_notices(desk, new_ids)
    return recipient_list(desk, reference)


def _record(uow: Any, desk: RequestDesk, request: DataSubjectRequest, planned: PlannedNotice,
            identifiers: list[Identifier], changes: dict[str, Any], statements: list[str]) -> str:
    recipient = planned.recipient
    notice_id = str(uuid.uuid4())
    address = contact_address(recipient.contact) if recipient.contact else None
    language = desk.policy.language if desk.policy.language in ("fr", "en") else "en"
    context = notice_context(desk.policy, request, recipient_name=recipient.name, activities=list(planned.activities),
                             identifiers=[f"{i.kind.value}: {i.value}" for i in identifiers],
                             changes=[f"{k} = {v}" for k, v in sorted(changes.items())], statements=statements)
    subject, text = desk.renderer.render(NoticeKind.recipient, language, context)
    if planned.channel is NoticeChannel.webhook:
        text = _webhook_body(notice_id, request, desk, planned, identifiers, changes, statements)
    status = RecipientNoticeStatus.cannot_notify if planned.channel is NoticeChannel.none \
        else RecipientNoticeStatus.pending
    uow.recipient_notices.add(notice_id=notice_id, request_id=request.id, recipient=recipient.key,
                              recipient_name=recipient.name, recipient_kind=recipient.kind.value,
                              channel=planned.channel, address=address, activities=planned.activities,
                              subject=subject, body=None if status is RecipientNoticeStatus.cannot_notify else text,
                              status=status, at=desk.now(),
                              error=NO_CONTACT if status is RecipientNoticeStatus.cannot_notify else None)
    action = "recipient_notice.cannot_notify" if status is RecipientNoticeStatus.cannot_notify \
        else "recipient_notice.recorded"
    uow.audit.record(AuditEvent(action, desk.actor, OBJECT_TYPE, notice_id, {
        "reference": request.reference, "recipient": recipient.key, "channel": planned.channel.value,
        "activities": list(planned.activities)}))
    return notice_id


def _webhook_body(notice_id: str, request: DataSubjectRequest, desk: RequestDesk, planned: PlannedNotice,
                  identifiers: list[Identifier], changes: dict[str, Any], statements: list[str]) -> str:
    subject: dict[str, list[str]] = {}
    for identifier in identifiers:
        subject.setdefault(identifier.kind.value, []).append(identifier.value)
    body = {"type": "art19.notice", "notice": notice_id, "reference": request.reference, "right": request.right.value,
            "controller": desk.policy.controller_name, "recipient": planned.recipient.key,
            "activities": list(planned.activities), "data_subject": subject,
            "changes": {k: v for k, v in sorted(changes.items())}, "statements": statements,
            "sent_at": desk.now().isoformat() + "Z"}
    return json.dumps(body, ensure_ascii=False, sort_keys=True, default=str)


def deliver_recipient_notices(desk: RequestDesk, ids: Iterable[str] | None = None,
                              limit: int = 100) -> list[RecipientNotice]:
    """Deliver pending or failed notices (these ``ids``, or every one); each outcome is recorded with
    its audit event. A transport failure is recorded on the notice, never raised."""
    wanted = list(ids) if ids is not None else None
    if wanted == []:
        return []
    with desk.store.unit_of_work(read_only=True) as uow:
        outgoing = uow.recipient_notices.to_deliver(wanted, limit)
    delivered = []
    for notice in outgoing:
        status, answer, error = _send(desk, notice)
        with desk.store.unit_of_work() as uow:
            if error is None:
                uow.recipient_notices.mark_sent(notice.id, desk.now(), status, answer)
            else:
                uow.recipient_notices.mark_failed(notice.id, error, desk.now(), status, answer)
            uow.audit.record(AuditEvent("recipient_notice.sent" if error is None else "recipient_notice.failed",
                                        desk.actor, OBJECT_TYPE, notice.id, {
                                            "reference": notice.reference, "recipient": notice.recipient,
                                            "channel": notice.channel.value, "http_status": status}))
            found = uow.recipient_notices.get(notice.id)
        if found is not None:
            delivered.append(found)
    return delivered


def _send(desk: RequestDesk, notice: OutgoingRecipientNotice) -> tuple[int | None, str | None, str | None]:
    """(HTTP status, answer, error) of one delivery attempt."""
    try:
        if notice.channel is NoticeChannel.email:
            if desk.notifier is None:
                return None, None, "no email transport configured"
            desk.notifier.send(OutgoingNotice(notice.id, notice.reference, NoticeKind.recipient, notice.address,
                                              notice.subject, notice.body, notice.created_at))
            return None, None, None
        if desk.webhooks is None:
            return None, None, "no webhook transport configured"
        answer = desk.webhooks.post(notice.address, notice.body.encode("utf-8"), webhook_secret_env(notice.recipient),
                                    desk.now(), {"Egide-Event": "art19.notice", "Egide-Delivery": notice.id})
    except DeliveryError as exc:
        return None, None, exc.message
    if 200 <= answer.status < 300:
        return answer.status, answer.body, None
    return answer.status, answer.body, f"the webhook answered HTTP {answer.status}"


def recipient_list(desk: RequestDesk, reference: str) -> list[RecipientNotice]:
    """Who was told, how and when (art. 19, last sentence: the person may ask)."""
    with desk.store.unit_of_work(read_only=True) as uow:
        request = load(uow, reference)
        return uow.recipient_notices.for_request(request.id)


def record_recipient_answer(desk: RequestDesk, body: bytes, signature: str) -> RecipientNotice:
    """A recipient's signed answer to a notice: ``{"notice": "<id>", "status": "...", ...}`` signed
    like Egide's own webhooks with the recipient's secret. A forged, altered or stale signature
    raises SignatureError and changes nothing."""
    try:
        answer = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInputError(f"the answer is not JSON: {exc}", problems=[Problem("a JSON object", path="body")]) \
            from None
    if not isinstance(answer, dict) or not isinstance(answer.get("notice"), str):
        raise InvalidInputError("the answer names no notice", problems=[
            Problem('expected {"notice": "<the notice id from the Egide-Delivery header>", ...}', path="notice")])
    with desk.store.unit_of_work(read_only=True) as uow:
        notice = uow.recipient_notices.get(answer["notice"])
    if notice is None:
        raise NotFoundError(f"no art. 19 notice {answer['notice']!r}")
    if desk.webhooks is None:
        raise ConfigurationError("no webhook transport configured: cannot read the recipients' secrets")
    verify(desk.webhooks.secret(webhook_secret_env(notice.recipient)), body, signature, desk.now())
    with desk.store.unit_of_work() as uow:
        uow.recipient_notices.acknowledge(notice.id, body.decode("utf-8"), desk.now())
        uow.audit.record(AuditEvent("recipient_notice.acknowledged", desk.actor, OBJECT_TYPE, notice.id, {
            "reference": notice.reference, "recipient": notice.recipient}))
        acknowledged = uow.recipient_notices.get(notice.id)
    assert acknowledged is not None
    return acknowledged


_WORDS = {
    "fr": {"told": "Destinataires informés (art. 19) : {names}.", "failed": "Envoi en cours de reprise : {names}.",
           "impossible": "Destinataires que nous ne pouvons pas informer, faute de contact : {names}.",
           "none": "Aucun destinataire de ces données à informer (art. 19).",
           "email": "par courriel", "webhook": "par webhook"},
    "en": {"told": "Recipients told (art. 19): {names}.", "failed": "Delivery being retried: {names}.",
           "impossible": "Recipients we cannot tell, having no contact for them: {names}.",
           "none": "No recipient of these data to tell (art. 19).", "email": "by email", "webhook": "by webhook"},
}


def describe_notices(notices: list[RecipientNotice], language: str) -> list[str]:
    """The art. 19 part of the answer to the person: who was told, how, and who could not be."""
    words = _WORDS["fr" if language == "fr" else "en"]
    if not notices:
        return [words["none"]]
    told = [n for n in notices if n.status in (RecipientNoticeStatus.sent, RecipientNoticeStatus.acknowledged)]
    retried = [n for n in notices if n.status.retried]
    impossible = [n for n in notices if n.status is RecipientNoticeStatus.cannot_notify]
    lines = []
    if told:
        lines.append(words["told"].format(names=", ".join(
            f"{n.recipient_name} ({words[n.channel.value]}, {n.sent_at:%Y-%m-%d})" for n in told if n.sent_at)))
    if retried:
        lines.append(words["failed"].format(names=", ".join(f"{n.recipient_name} ({words[n.channel.value]})"
                                                            for n in retried)))
    if impossible:
        lines.append(words["impossible"].format(names=", ".join(n.recipient_name for n in impossible)))
    return lines


def notice_as_dict(notice: RecipientNotice) -> dict[str, Any]:
    return {"recipient": notice.recipient, "name": notice.recipient_name, "kind": notice.recipient_kind,
            "channel": notice.channel.value, "address": notice.address, "status": notice.status.value,
            "activities": list(notice.activities), "created_at": notice.created_at.isoformat(),
            "sent_at": notice.sent_at.isoformat() if notice.sent_at else None, "attempts": notice.attempts,
            "error": notice.error, "answer_status": notice.answer_status,
            "answered_at": notice.answered_at.isoformat() if notice.answered_at else None, "id": notice.id}
