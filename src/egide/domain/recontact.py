"""Re-contact before retention ends (seed 002: prospects asked after three years whether to go on;
seed 004: prospects re-contacted after six months): the records and the rule for who is due.

A person is due under a rule when the rule's clock on their row, plus the re-contact period,
has passed. Each clock cycle gets one contact; an answer closes it: *keep* restarts the clock at
the answer (the answer is itself a contact from the person), *forget* opens an erasure request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from egide.domain.durations import Duration


class Answer(str, Enum):
    keep = "keep"  # keep my data: the clock restarts at the answer
    forget = "forget"  # forget me: an erasure request is opened


@dataclass(frozen=True)
class NewContact:
    """A person about to be contacted: where their row is, the clock it holds, where to write."""

    rule: str
    dataset: str
    table: str
    row_key: str
    clock_at: datetime
    language: str
    email: str | None


@dataclass(frozen=True)
class Contact:
    """A recorded contact (no address: it is sealed in the store)."""

    id: str
    reference: str
    rule: str
    dataset: str
    table: str
    row_key: str
    clock_at: datetime
    language: str
    contacted_at: datetime
    has_address: bool
    notified_at: datetime | None = None
    transport: str | None = None
    error: str | None = None
    answer: str | None = None
    answered_at: datetime | None = None
    answered_by: str | None = None
    request_reference: str | None = None
    clock_moved_at: datetime | None = None


def effective_clock(clock_at: datetime, kept_at: datetime | None) -> datetime:
    """The clock of a row: its column, or the person's latest *keep* answer when that is later."""
    return max(clock_at, kept_at) if kept_at is not None else clock_at


def is_due(clock: datetime, limit: datetime, latest: Contact | None) -> bool:
    """Whether a row whose effective clock is ``clock`` (naive UTC) is due at ``limit`` (now minus the
    re-contact period), given its latest contact under the rule: one contact per clock cycle, and
    none while that contact waits for an answer or after a *forget*."""
    if clock > limit:
        return False
    return latest is None or latest.clock_at != clock or latest.answer == Answer.keep.value


class Waiting(str, Enum):
    """Why a re-contact rule keeps a row its retention period would release."""

    contact = "awaiting_contact"  # due for re-contact, not contacted yet in this clock cycle
    answer = "awaiting_answer"  # contacted: the answer period runs
    keep = "kept_by_answer"  # answered *keep me*: the period runs again from the answer


def waiting(clock: datetime, contact_limit: datetime, latest: Contact | None, now: datetime,
            answer_within: Duration, retention_limit: datetime | None) -> Waiting | None:
    """Whether the re-contact keeps a row, all instants naive UTC: ``clock`` is the row's effective
    clock (:func:`effective_clock`), ``contact_limit`` now minus the re-contact period,
    ``retention_limit`` now minus the rule's retention period (None: no period). Data goes only
    after the person was asked and the answer period ran out without an answer (or they said
    *forget*): the notice comes *before* the data goes, never on the day it goes."""
    if is_due(clock, contact_limit, latest):
        return Waiting.contact
    if latest is None:
        return None
    if latest.clock_at == clock and latest.answer is None and answer_within.add_to(latest.contacted_at) > now:
        return Waiting.answer
    if latest.answer == Answer.keep.value and retention_limit is not None and clock > retention_limit:
        return Waiting.keep
    return None
