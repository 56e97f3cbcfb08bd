"""Consent as a ledger of events, and the state derived from it.

The ledger only ever appends: who chose what, when, through which channel, under which notice.
The current state of one person for one purpose is computed from those events at a given
instant: expiry is never stored, so moving the clock is enough to see a choice lapse.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Iterable

from egide.domain.durations import Duration

DEFAULT_REMEMBER_FOR = Duration(months=6)


class ConsentAction(str, Enum):
    given = "given"
    refused = "refused"
    withdrawn = "withdrawn"
    expired = "expired"  # recorded when a person is re-asked after expiry


class ConsentStatus(str, Enum):
    valid = "valid"  # given, not expired, under the current notice
    refused = "refused"
    withdrawn = "withdrawn"
    expired = "expired"  # the choice lapsed: ask again
    outdated = "outdated"  # given under a notice that changed in a major way since: ask again
    none = "none"  # never asked


@dataclass(frozen=True)
class ConsentEvent:
    """One entry of the ledger (the proof fields live with the stored event)."""

    id: str
    purpose: str
    action: ConsentAction
    at: datetime
    register_version: str


@dataclass(frozen=True)
class ConsentState:
    purpose: str
    status: ConsentStatus
    decided_by: ConsentEvent | None
    expires_at: datetime | None

    @property
    def allows_processing(self) -> bool:
        return self.status is ConsentStatus.valid


def consent_state(
    events: Iterable[ConsentEvent],
    purpose: str,
    at: datetime,
    remember_for: Duration = DEFAULT_REMEMBER_FOR,
    major_change_at: datetime | None = None,
) -> ConsentState:
    """The state at ``at`` from the latest event for ``purpose`` that happened by then.

    A choice (consent or refusal) is remembered for ``remember_for``; a consent given before
    ``major_change_at`` (the activation of a register version whose change people had to be
    told about) is outdated and must be asked again.
    """
    relevant = [e for e in events if e.purpose == purpose and e.at <= at]
    if not relevant:
        return ConsentState(purpose, ConsentStatus.none, None, None)
    # The latest by time; among events of the same instant, the one recorded last (events come in ledger order).
    last = max(enumerate(relevant), key=lambda pair: (pair[1].at, pair[0]))[1]
    if last.action is ConsentAction.withdrawn:
        return ConsentState(purpose, ConsentStatus.withdrawn, last, None)
    if last.action is ConsentAction.expired:
        return ConsentState(purpose, ConsentStatus.expired, last, None)
    expires_at = remember_for.add_to(last.at)
    assert isinstance(expires_at, datetime)
    if at >= expires_at:
        return ConsentState(purpose, ConsentStatus.expired, last, expires_at)
    if last.action is ConsentAction.refused:
        return ConsentState(purpose, ConsentStatus.refused, last, expires_at)
    if major_change_at is not None and last.at < major_change_at <= at:
        return ConsentState(purpose, ConsentStatus.outdated, last, expires_at)
    return ConsentState(purpose, ConsentStatus.valid, last, expires_at)


class ConsentChannel(str, Enum):
    banner = "banner"
    form = "form"
    email_link = "email_link"
    api = "api"
    phone = "phone"
    import_ = "import"


@dataclass(frozen=True)
class ConsentProof:
    """What shows the choice was informed and free: the notice and script shown, how, from where."""

    channel: ConsentChannel
    register_version: str
    notice_sha256: str | None = None
    banner_sha256: str | None = None
    language: str | None = None
    ip_truncated: str | None = None
    user_agent: str | None = None
    idempotency_key: str | None = None


@dataclass(frozen=True)
class RecordedProof:
    """The proof of one ledger event as read back. Since revision 0014 the IP address and user agent
    are sealed with the key of the data subject (or of the browser, for a banner's anonymous choice):
    ``opened`` is False once that key was destroyed by an erasure, and they are gone for good."""

    event_id: str
    proof: ConsentProof
    sealed: bool
    opened: bool


def browser_key_holder(browser_id: str) -> str:
    """Whose key seals the proof of a choice made from a browser no data subject is known for: the
    browser's own (``subject_keys`` row named by this, 36 characters, never a data subject's UUID)."""
    return "b-" + hashlib.sha256(f"browser:{browser_id}".encode()).hexdigest()[:34]


def truncate_ip(address: str | None) -> str | None:
    """IPv4 with its last octet masked, IPv6 cut to its /48: enough to prove, too little to track."""
    import ipaddress

    if not address:
        return None
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False).network_address)


def next_action(previous: ConsentStatus, accepted: bool) -> ConsentAction:
    """A new choice: accepting is 'given'; refusing what was valid is 'withdrawn', else 'refused'."""
    if accepted:
        return ConsentAction.given
    return ConsentAction.withdrawn if previous is ConsentStatus.valid else ConsentAction.refused
