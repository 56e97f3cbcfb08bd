"""Read models for the staff console: set-based queries over Egide's own store, read-only.

Each function opens one read-only unit of work and runs one or two statements whatever the
number of rows: consent counts grouped in SQL by day, purpose, register version and action;
audit events filtered by objects, actor and action in SQL; a request's finished execution steps.
Nothing here writes (the view events are written by ``services/staff_views.py``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Iterable

from sqlalchemy import Date, cast, func, or_, select

from egide.adapters.store.tables import audit_events as audit_table
from egide.adapters.store.tables import consent_events, data_subject_requests, execution_steps
from egide.domain.audit import ChainedEvent
from egide.domain.execution import StepRecord
from egide.domain.identity import Identifier

MAX_EVENTS = 500


@dataclass(frozen=True)
class ConsentCount:
    """How many consent events of one ``action`` were recorded on ``day`` for a purpose under a version."""

    day: date
    purpose: str
    register_version: str
    action: str  # given | refused | withdrawn
    count: int


def _day(connection: Any, column: Any) -> Any:
    if connection.dialect.name == "sqlite":
        return func.date(column)  # 'YYYY-MM-DD' text
    return cast(column, Date)


def consent_counts(store: Any, since: date, until: date) -> list[ConsentCount]:
    """The consent ledger counted per day, purpose, register version and action, from ``since`` to
    ``until`` inclusive: one GROUP BY, never a row per event in Python."""
    start, end = datetime.combine(since, time(0)), datetime.combine(until + timedelta(days=1), time(0))
    with store.unit_of_work(read_only=True) as uow:
        c = uow.connection
        day = _day(c, consent_events.c.recorded_at).label("day")
        query = (select(day, consent_events.c.purpose, consent_events.c.register_version, consent_events.c.action,
                        func.count().label("n"))
                 .where(consent_events.c.recorded_at >= start, consent_events.c.recorded_at < end)
                 .group_by(day, consent_events.c.purpose, consent_events.c.register_version, consent_events.c.action)
                 .order_by(day))
        rows = c.execute(query).all()
    return [ConsentCount(r.day if isinstance(r.day, date) else date.fromisoformat(str(r.day)), r.purpose,
                         r.register_version, r.action, int(r.n)) for r in rows]


def request_steps(store: Any, request_id: str) -> list[StepRecord]:
    """Every finished execution step of a request, on every dataset (runs are ``request_id/dataset``)."""
    with store.unit_of_work(read_only=True) as uow:
        rows = uow.connection.execute(
            select(execution_steps).where(execution_steps.c.run.like(f"{_escape(request_id)}/%", escape="\\"))
            .order_by(execution_steps.c.id)).all()
    return [StepRecord(r.run, r.step, r.status, json.loads(r.counts), r.finished_at) for r in rows]


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass(frozen=True)
class PersonObjects:
    """What the audit trail may name for one person: their subject ids and their requests' ids."""

    subject_ids: tuple[str, ...]
    request_ids: tuple[str, ...]

    @property
    def object_ids(self) -> tuple[str, ...]:
        return self.subject_ids + self.request_ids


def person_objects(store: Any, email: str) -> PersonObjects:
    """The person behind an email address, found by its keyed hash (the address is never compared
    in clear), and the ids of their requests."""
    identifier = Identifier.of("email", email)
    with store.unit_of_work(read_only=True) as uow:
        subjects = tuple(s.id for s in uow.subjects.find(identifier))
        requests = tuple(r.id for r in uow.connection.execute(
            select(data_subject_requests.c.id).where(data_subject_requests.c.subject_id.in_(subjects))).all()) \
            if subjects else ()
    return PersonObjects(subjects, requests)


def request_id_of(store: Any, reference: str) -> str | None:
    with store.unit_of_work(read_only=True) as uow:
        request = uow.requests.by_reference(reference)
    return request.id if request else None


def audit_events(store: Any, *, object_ids: Iterable[str] | None = None, actor: str | None = None,
                 action: str | None = None, limit: int = 200) -> list[ChainedEvent]:
    """The newest audit events first, filtered in SQL. ``object_ids`` also matches events whose
    payload names one of the ids as ``request_id`` or ``subject_id`` (the references they keep)."""
    query = select(audit_table).order_by(audit_table.c.seq.desc()).limit(max(1, min(limit, MAX_EVENTS)))
    if object_ids is not None:
        ids = list(object_ids)
        if not ids:
            return []
        mentions = [audit_table.c.payload.like(f'%"{key}": "{_escape(i)}"%', escape="\\")
                    for i in ids for key in ("request_id", "subject_id")]
        query = query.where(or_(audit_table.c.object_id.in_(ids), *mentions))
    if actor:
        query = query.where(audit_table.c.actor == actor.strip())
    if action:
        query = query.where(audit_table.c.action.like(f"{_escape(action.strip())}%", escape="\\"))
    with store.unit_of_work(read_only=True) as uow:
        rows = uow.connection.execute(query).all()
    return [ChainedEvent(r.seq, r.occurred_at, r.action, r.actor, r.object_type, r.object_id, json.loads(r.payload),
                         r.prev_hash, r.hash) for r in rows]
