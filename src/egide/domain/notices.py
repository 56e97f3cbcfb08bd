"""Notices sent to a person about their request: what kinds there are and what one carries.

A notice is queued in the store in the same transaction as the change it reports, then
delivered after the commit; a failed delivery is recorded on the notice and retried later, and
never undoes the change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from egide.domain.errors import EgideError


class NoticeKind(str, Enum):
    received = "received"  # acknowledgement, with the due date
    code = "code"  # the one-time verification code
    identity_document = "identity_document"  # identification asked; the clock is suspended
    extended = "extended"  # art. 12(3): the new due date and the reasons
    answered = "answered"  # done, with the result
    refused = "refused"  # art. 12(4): the reasons, the right to complain and to a judicial remedy
    fee = "fee"  # art. 12(5)(a): a reasonable fee instead of a refusal; pay or withdraw; the right to complain
    restriction_lifting = "restriction_lifting"  # art. 18(3): told before the restriction is lifted
    recipient = "recipient"  # art. 19: to a recipient of the data, not to the person
    recontact = "recontact"  # retention: before the data goes, keep me or forget me (not a request's)


@dataclass(frozen=True)
class OutgoingNotice:
    """One message ready for a transport."""

    id: str
    reference: str
    kind: NoticeKind
    to: str
    subject: str
    body: str
    created_at: datetime


@dataclass(frozen=True)
class NoticeRecord:
    """A queued notice as an agent sees it (no address, no body)."""

    id: str
    kind: NoticeKind
    subject: str
    created_at: datetime
    sent_at: datetime | None
    transport: str | None
    attempts: int
    error: str | None


@dataclass
class DeliveryError(EgideError):
    """A transport could not deliver a notice (SMTP refused, server unreachable, disk full)."""

    code: str = "delivery"
