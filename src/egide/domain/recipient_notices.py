"""Art. 19 notices: after a rectification, an erasure or a restriction, each recipient of the
data is told, unless this proves impossible or involves disproportionate effort.

A recipient's contact (register: ``recipients[].contact``) is an email address or an http(s)
URL of a webhook. A recipient without a contact cannot be told: that is recorded and reported,
never skipped in silence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from urllib.parse import urlsplit

from egide.domain.errors import InvalidInputError, Problem

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class NoticeChannel(str, Enum):
    email = "email"
    webhook = "webhook"
    none = "none"  # no contact: cannot notify


class RecipientNoticeStatus(str, Enum):
    pending = "pending"  # recorded, not delivered yet
    sent = "sent"  # accepted by the SMTP server (or the outbox), or a 2xx answer from the webhook
    failed = "failed"  # the transport failed or the webhook refused: `egide request send-pending` retries
    acknowledged = "acknowledged"  # the recipient answered (a signed callback)
    cannot_notify = "cannot_notify"  # no contact in the register (art. 19: impossible)

    @property
    def retried(self) -> bool:
        return self in (RecipientNoticeStatus.pending, RecipientNoticeStatus.failed)


def webhook_secret_env(recipient_key: str) -> str:
    """The environment variable holding a recipient's webhook secret: EGIDE_RECIPIENT_SECRET_<KEY>."""
    return "EGIDE_RECIPIENT_SECRET_" + re.sub(r"[^A-Z0-9]", "_", recipient_key.upper())


def is_webhook_url(value: str) -> bool:
    parts = urlsplit(value.strip())
    return parts.scheme in ("http", "https") and bool(parts.hostname) and " " not in value.strip()


def contact_channel(contact: str | None, where: str = "contact") -> NoticeChannel:
    """How a contact is reached; an unknown scheme is an input error naming ``where``."""
    if contact is None or not contact.strip():
        return NoticeChannel.none
    value = contact.strip()
    if value.lower().startswith("mailto:"):
        value = value[7:]
    if _EMAIL.match(value) and "://" not in value:
        return NoticeChannel.email
    if is_webhook_url(value):
        return NoticeChannel.webhook
    raise InvalidInputError(f"{where}: {contact!r} is neither an email address nor an http(s) webhook URL",
                            problems=[Problem(f"{contact!r} is neither an email address nor an http(s) URL",
                                              path=where, hint="art. 19 notices go by email (dpo@processor.example) "
                                                               "or webhook (https://processor.example/hook)")])


def contact_address(contact: str) -> str:
    value = contact.strip()
    return value[7:] if value.lower().startswith("mailto:") else value


@dataclass(frozen=True)
class RecipientNotice:
    """One art. 19 notice as an agent sees it (the body and the answer stay sealed)."""

    id: str
    request_id: str
    reference: str
    recipient: str  # the register's recipient key
    recipient_name: str
    recipient_kind: str
    channel: NoticeChannel
    address: str | None
    status: RecipientNoticeStatus
    created_at: datetime
    sent_at: datetime | None
    attempts: int
    error: str | None
    answer_status: int | None
    answered_at: datetime | None
    activities: tuple[str, ...] = ()


@dataclass(frozen=True)
class OutgoingRecipientNotice:
    """A notice ready for its transport: the subject and body (text for email, JSON for a webhook)."""

    id: str
    reference: str
    recipient: str
    channel: NoticeChannel
    address: str
    subject: str
    body: str
    created_at: datetime
