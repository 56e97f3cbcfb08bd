"""Verify the audit trail's hash chain, and the consent ledger against it."""

from __future__ import annotations

from dataclasses import dataclass

from egide.domain.audit import ChainBreak, ChainReport, verify_chain
from egide.services.ports import StorePort as Store


@dataclass(frozen=True)
class LedgerReport:
    """Each consent event must match its own digest and the digest its audit event recorded."""

    events_checked: int
    first_problem: str | None

    @property
    def intact(self) -> bool:
        return self.first_problem is None


def verify_audit_trail(store: Store) -> ChainReport:
    """Verify the chain; after a purge it starts at the signed anchor (``services/audit_retention.py``)."""
    from egide.services.audit_retention import anchor_signed

    with store.unit_of_work(read_only=True) as uow:
        anchor = uow.audit_anchors.get()  # type: ignore[attr-defined]
        if anchor is not None and not anchor_signed(store.keyring, anchor):  # type: ignore[attr-defined]
            head = uow.audit.head()
            return ChainReport(0, ChainBreak(anchor.seq, "anchor_forged",
                f"the purge anchor (event {anchor.seq}) does not carry a valid signature: it was altered"),
                head[0] if head else None, head[1] if head else None)
        start = (anchor.seq, anchor.hash) if anchor is not None else None
        return verify_chain(uow.audit.events(), uow.audit.head(), start)


def verify_consent_ledger(store: Store) -> LedgerReport:
    with store.unit_of_work(read_only=True) as uow:
        audited = {e.object_id: e.payload.get("record_sha256") for e in uow.audit.events()
                   if e.object_type == "consent_event"}
        digests = uow.consents.row_digests()  # type: ignore[attr-defined]
        anchor = uow.audit_anchors.get()  # type: ignore[attr-defined]
        purged = uow.audit_anchors.consent_events_before(anchor.cutoff) if anchor else set()  # type: ignore[attr-defined]
    for event_id, (stored, recomputed) in sorted(digests.items()):
        if stored != recomputed:
            return LedgerReport(len(digests), f"consent event {event_id} was altered after it was recorded")
        if event_id in purged and event_id not in audited:
            continue  # its audit event was purged with the trail's older events
        if audited.get(event_id) != stored:
            return LedgerReport(len(digests), f"consent event {event_id} has no matching audit event "
                                              "(inserted or altered outside Egide)")
    missing = sorted(set(audited) - set(digests))
    if missing:
        return LedgerReport(len(digests), f"consent event {missing[0]} was removed from the ledger")
    return LedgerReport(len(digests), None)
