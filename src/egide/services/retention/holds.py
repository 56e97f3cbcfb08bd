"""Legal holds: data frozen whatever the retention rules say (a dispute, an investigation, an
open security incident), with a reason, an owner, a start and an end (or none, until ended).

A person hold names the data subject by an identifier: Egide registers (or finds) the data
subject, whose identifiers the store keeps encrypted, and keeps the identifier's keyed hash on
the hold. Runs find the person's rows with the same locator as an access request.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from egide.domain.audit import AuditEvent
from egide.domain.errors import InvalidInputError, Problem
from egide.domain.identity import Identifier
from egide.domain.retention import Hold, HoldScope, check_hold
from egide.register.model import OpenEvent


def add_hold(store: Any, *, scope: HoldScope, reason: str, owner: str, starts_at: datetime | None = None,
             ends_at: datetime | None = None, dataset: str | None = None, table: str | None = None,
             identifier: Identifier | None = None, event: str | None = None, datasets: list[Any] | None = None,
             actor: str = "egide") -> Hold:
    """Place a hold. ``datasets`` (the loaded datasets) lets Egide refuse an unknown dataset,
    table or log directory. Invalid input raises before anything is stored."""
    starts = starts_at or store.clock.now()
    lookup = store.keyring.lookup_hash(identifier) if identifier is not None else None
    hold = Hold(None, scope, reason, owner, starts, ends_at, dataset, table, lookup,
                identifier.kind.value if identifier else None, event)
    check_hold(hold)
    _check_names(hold, datasets)
    subject_id = None
    if identifier is not None:
        from egide.services.subjects import find_or_register

        subject_id = find_or_register(store, identifier, actor).id
    with store.unit_of_work() as uow:
        return place_hold_in(uow, hold, subject_id=subject_id, actor=actor, at=store.clock.now())


def place_hold_in(uow: Any, hold: Hold, *, subject_id: str | None, actor: str, at: datetime,
                  **references: Any) -> Hold:
    """Store a checked hold with its audit event in the caller's unit of work (a breach places its
    security-incident hold in the transaction that records the breach). ``references`` go into the
    audit event (e.g. the breach's reference)."""
    check_hold(hold)
    stored = uow.retention.add_hold(hold, subject_id, at)
    uow.audit.record(AuditEvent("retention.hold_placed", actor, "legal_hold", str(stored.id), {
        "scope": hold.scope.value, "dataset": hold.dataset, "table": hold.table, "event": hold.event,
        "owner": hold.owner, "starts_at": stored.starts_at.isoformat(),
        "ends_at": stored.ends_at.isoformat() if stored.ends_at else None, "subject_id": subject_id, **references}))
    return stored


def end_hold(store: Any, hold_id: int, actor: str = "egide", at: datetime | None = None) -> Hold:
    """End a hold now (or at ``at``): the data it froze falls under the rules again."""
    with store.unit_of_work() as uow:
        return end_hold_in(uow, hold_id, actor=actor, at=at or store.clock.now())


def end_hold_in(uow: Any, hold_id: int, *, actor: str, at: datetime, **references: Any) -> Hold:
    """End a hold with its audit event in the caller's unit of work."""
    hold = uow.retention.end_hold(hold_id, at)
    uow.audit.record(AuditEvent("retention.hold_ended", actor, "legal_hold", str(hold_id), dict(references)))
    return hold


def list_holds(store: Any) -> list[Hold]:
    with store.unit_of_work(read_only=True) as uow:
        return uow.retention.holds()


def active_holds(store: Any, at: datetime) -> list[Hold]:
    """The holds in force at ``at``."""
    return [h for h in list_holds(store) if h.active(at)]


def held(holds: list[Hold], *, dataset: str, table: str | None = None, at: datetime) -> Hold | None:
    """The dataset or table (or log directory) hold in force at ``at``, if any (person holds are
    answered by :func:`held_people`; event holds through the rules naming the event)."""
    for hold in holds:
        if hold.scope in (HoldScope.dataset, HoldScope.table) and hold.active(at) and hold.covers(dataset, table):
            return hold
    return None


def held_people(store: Any, holds: list[Hold], at: datetime) -> list[tuple[Hold, tuple[Identifier, ...]]]:
    """The person holds in force at ``at``, each with the person's identifiers (decrypted)."""
    people = [h for h in holds if h.scope is HoldScope.person and h.active(at)]
    if not people:
        return []
    with store.unit_of_work(read_only=True) as uow:
        subjects = uow.retention.hold_subjects()
        found = []
        for hold in people:
            subject = uow.subjects.get(subjects[hold.id]) if hold.id in subjects else None
            found.append((hold, tuple(subject.identifiers) if subject else ()))
    return found


def _check_names(hold: Hold, datasets: list[Any] | None) -> None:
    if hold.event is not None and hold.event not in {e.value for e in OpenEvent}:
        raise InvalidInputError(f"unknown event {hold.event!r}", problems=[Problem(
            f"use one of {', '.join(e.value for e in OpenEvent)}", path="event")])
    if datasets is None or hold.dataset is None:
        return
    dataset = next((d for d in datasets if d.name == hold.dataset), None)
    if dataset is None:
        raise InvalidInputError(f"unknown dataset {hold.dataset!r}", problems=[Problem(
            f"the datasets given are {', '.join(d.name for d in datasets) or 'none'}", path="dataset")])
    if hold.table is not None:
        names = [t.name for t in dataset.tables] + [d.name for d in dataset.log_directories]
        if hold.table not in names:
            raise InvalidInputError(f"dataset {dataset.name} has no table or log directory {hold.table!r}",
                                    problems=[Problem(f"known: {', '.join(names)}", path="table")])
