"""The breach register's rows mapped to :class:`egide.domain.breaches.Breach`, and the audit
trail's anchor: the signed (seq, hash) of the last event purged, and the set-based purge itself."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from egide.adapters.store.repositories import utc_naive
from egide.adapters.store.tables import audit_anchor, audit_events, breaches, consent_events
from egide.domain.audit import AuditAnchor
from egide.domain.breaches import Breach, Nature, Origin, Risk, Status
from egide.domain.errors import NotFoundError


def _aware(at: datetime | None) -> datetime | None:
    return None if at is None else (at if at.tzinfo else at.replace(tzinfo=timezone.utc))


def _naive(at: datetime | None) -> datetime | None:
    return None if at is None else utc_naive(at)


_TIMES = ("occurred_at", "ended_at", "became_known_at", "resolved_at", "authority_notified_at",
          "people_told_at", "recorded_at")


def _row(breach: Breach) -> dict[str, Any]:
    row = asdict(breach)
    row["natures"] = ",".join(n.value for n in breach.natures)
    row["origin"] = breach.origin.value
    row["risk"] = breach.risk.value
    row["status"] = breach.status.value
    row["data_categories"] = json.dumps(list(breach.data_categories))
    row["subject_categories"] = json.dumps(list(breach.subject_categories))
    for name in _TIMES:
        row[name] = _naive(row[name])
    return row


def _breach(r: Any) -> Breach:
    values = dict(r._mapping)
    values["natures"] = tuple(Nature(n) for n in values["natures"].split(",") if n)
    values["origin"] = Origin(values["origin"])
    values["risk"] = Risk(values["risk"])
    values["status"] = Status(values["status"])
    values["data_categories"] = tuple(json.loads(values["data_categories"]))
    values["subject_categories"] = tuple(json.loads(values["subject_categories"]))
    for name in _TIMES:
        values[name] = _aware(values[name])
    return Breach(**values)


class BreachRecords:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, breach: Breach) -> Breach:
        self._c.execute(insert(breaches), _row(breach))
        return self.get(breach.id)

    def save(self, breach: Breach) -> Breach:
        row = _row(breach)
        self._c.execute(update(breaches).where(breaches.c.id == breach.id).values(**row))
        return self.get(breach.id)

    def get(self, reference_or_id: str) -> Breach:
        key = reference_or_id.strip()
        row = self._c.execute(select(breaches).where(
            (breaches.c.id == key) | (breaches.c.reference == key.upper()))).first()
        if row is None:
            raise NotFoundError(f"no breach {reference_or_id!r}")
        return _breach(row)

    def all(self, status: Status | None = None) -> list[Breach]:
        query = select(breaches).order_by(breaches.c.became_known_at.desc())
        if status is not None:
            query = query.where(breaches.c.status == status.value)
        return [_breach(r) for r in self._c.execute(query).all()]


class AuditAnchors:
    """The anchor row (id 1) and the purge of the events it stands for."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def get(self) -> AuditAnchor | None:
        row = self._c.execute(select(audit_anchor).where(audit_anchor.c.id == 1)).first()
        if row is None:
            return None
        return AuditAnchor(row.seq, row.hash, _aware(row.cutoff), _aware(row.purged_at), row.signature)  # type: ignore[arg-type]

    def last_before(self, cutoff: datetime) -> tuple[int, str] | None:
        """The newest event that occurred before ``cutoff`` (seq, hash): the purge's boundary."""
        seq = self._c.execute(select(func.max(audit_events.c.seq))
                              .where(audit_events.c.occurred_at < utc_naive(cutoff))).scalar()
        if seq is None:
            return None
        return seq, self._c.execute(select(audit_events.c.hash).where(audit_events.c.seq == seq)).scalar_one()

    def purge_through(self, seq: int) -> int:
        """Delete every event up to ``seq`` in one statement; how many went."""
        return self._c.execute(delete(audit_events).where(audit_events.c.seq <= seq)).rowcount or 0

    def put(self, anchor: AuditAnchor) -> None:
        values = {"seq": anchor.seq, "hash": anchor.hash, "cutoff": utc_naive(anchor.cutoff),
                  "purged_at": utc_naive(anchor.purged_at), "signature": anchor.signature}
        if self._c.execute(update(audit_anchor).where(audit_anchor.c.id == 1).values(**values)).rowcount == 0:
            self._c.execute(insert(audit_anchor), {"id": 1, **values})

    def consent_events_before(self, cutoff: datetime) -> set[str]:
        """Consent events recorded before a purge's cutoff: their audit events may have been purged
        (the consent proof is kept longer than the audit trail)."""
        return set(self._c.execute(select(consent_events.c.id)
                                   .where(consent_events.c.recorded_at < utc_naive(cutoff))).scalars())
