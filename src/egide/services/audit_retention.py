"""The audit trail kept for a limited time (6 to 12 months, the CNIL's logging recommendation).

Purging deletes, in one statement, every event that occurred before the cutoff, and records
in the same transaction a signed anchor: the sequence number and hash of the last event
purged, and the cutoff, signed with the keyring's signing key. Verification then starts the
chain at the anchor (its signature checked first), so the remaining events still verify, and
an anchor moved or forged without the key is named. The purge writes its own audit event.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from egide.domain.audit import AuditAnchor, AuditEvent, anchor_message
from egide.domain.errors import InvalidInputError, Problem


@dataclass(frozen=True)
class PurgeResult:
    cutoff: datetime
    purged: int
    anchor: AuditAnchor | None  # None: nothing was old enough


def months_before(at: datetime, months: int) -> datetime:
    """``at`` minus whole calendar months, the day clamped to the month's end (31 March - 1 month = 28/29 Feb)."""
    year, month = divmod(at.year * 12 + at.month - 1 - months, 12)
    day = min(at.day, calendar.monthrange(year, month + 1)[1])
    return at.replace(year=year, month=month + 1, day=day)


def retention_cutoff(now: datetime, months: int) -> datetime:
    if not 6 <= months <= 12:
        raise InvalidInputError(f"audit retention of {months} months is outside 6 to 12", problems=[Problem(
            "the CNIL recommends keeping logs 6 months to 1 year; set audit_retention_months between 6 and 12",
            path="audit_retention_months")])
    return months_before(now, months)


def sign_anchor(keyring: Any, seq: int, hash_: str, cutoff: datetime, purged_at: datetime) -> AuditAnchor:
    return AuditAnchor(seq, hash_, cutoff, purged_at, keyring.sign(anchor_message(seq, hash_, cutoff)))


def anchor_signed(keyring: Any, anchor: AuditAnchor) -> bool:
    return keyring.verify(anchor_message(anchor.seq, anchor.hash, anchor.cutoff), anchor.signature)


def purge_audit_trail(store: Any, months: int, actor: str = "egide") -> PurgeResult:
    """Delete the events older than ``months`` (6 to 12) and keep a signed anchor, in one transaction."""
    now = store.clock.now()
    cutoff = retention_cutoff(now, months)
    with store.unit_of_work() as uow:
        boundary = uow.audit_anchors.last_before(cutoff)
        if boundary is None:
            return PurgeResult(cutoff, 0, None)
        seq, hash_ = boundary
        previous = uow.audit_anchors.get()
        if previous is not None and not anchor_signed(store.keyring, previous):
            raise InvalidInputError("the audit trail's anchor does not carry a valid signature: verify the trail "
                                    "(`egide audit verify`) before purging", problems=[Problem(
                                        "anchor signature invalid", path="audit_anchor")])
        purged = uow.audit_anchors.purge_through(seq)
        anchor = sign_anchor(store.keyring, seq, hash_, cutoff, now)
        uow.audit_anchors.put(anchor)
        uow.audit.record(AuditEvent("audit.purged", actor, "audit_anchor", str(seq), {
            "cutoff": cutoff.isoformat(), "events": purged, "months": months, "anchor_hash": hash_}))
    return PurgeResult(cutoff, purged, anchor)
