"""Repositories of tasks for people, fees asked under art. 12(5)(a), and restriction lifts announced
to the person (art. 18(3)).

A task's outcome is written by a person and may name the data subject: it is sealed with the
keyring, bound to the task's id. A task closes only from open (compare-and-set), so two agents
cannot both close it.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Iterable

from sqlalchemy import Connection, insert, select, update

from egide.adapters.keyring import Keyring
from egide.adapters.store.repositories import utc_naive
from egide.adapters.store.tables import data_subject_requests as requests_table
from egide.adapters.store.tables import request_fees, restriction_lifts, tasks
from egide.domain.errors import ConflictError
from egide.domain.fees import Fee
from egide.domain.restrictions import RestrictionLift
from egide.domain.tasks import Task, TaskKind, TaskStatus

_TASK = select(tasks, requests_table.c.reference).join(requests_table, requests_table.c.id == tasks.c.request_id)


class Tasks:
    def __init__(self, connection: Connection, keyring: Keyring) -> None:
        self._c = connection
        self._keys = keyring

    def add(self, *, request_id: str, kind: TaskKind, source: str, title: str, instructions: str | None,
            due_on: date, at: datetime, link: str | None = None, assignee: str | None = None) -> Task:
        task_id = str(uuid.uuid4())
        self._c.execute(insert(tasks), {
            "id": task_id, "request_id": request_id, "kind": kind.value, "source": source[:300], "title": title[:300],
            "instructions": instructions, "link": link, "assignee": assignee, "due_on": due_on,
            "status": TaskStatus.open.value, "created_at": utc_naive(at)})
        found = self.get(task_id)
        assert found is not None
        return found

    def get(self, task_id: str) -> Task | None:
        row = self._c.execute(_TASK.where(tasks.c.id == task_id)).first()
        return _task(row) if row else None

    def find(self, request_id: str, kind: TaskKind, source: str) -> Task | None:
        row = self._c.execute(_TASK.where(tasks.c.request_id == request_id, tasks.c.kind == kind.value,
                                          tasks.c.source == source[:300])).first()
        return _task(row) if row else None

    def by_prefix(self, prefix: str) -> list[Task]:
        """Tasks whose id starts with ``prefix`` (agents type the first 8 characters)."""
        rows = self._c.execute(_TASK.where(tasks.c.id.like(prefix.replace("%", "").replace("_", "\\_") + "%",
                                                           escape="\\")).limit(2)).all()
        return [_task(r) for r in rows]

    def for_request(self, request_id: str) -> list[Task]:
        rows = self._c.execute(_TASK.where(tasks.c.request_id == request_id)
                               .order_by(tasks.c.created_at, tasks.c.kind, tasks.c.source)).all()
        return [_task(r) for r in rows]

    def all(self, statuses: Iterable[TaskStatus] | None = None) -> list[Task]:
        query = _TASK.order_by(tasks.c.due_on, requests_table.c.reference, tasks.c.source)
        if statuses is not None:
            query = query.where(tasks.c.status.in_([s.value for s in statuses]))
        return [_task(r) for r in self._c.execute(query).all()]

    def close(self, task: Task, status: TaskStatus, *, decision: str | None, outcome: str, at: datetime,
              by: str) -> Task:
        result = self._c.execute(update(tasks).where(tasks.c.id == task.id, tasks.c.status == TaskStatus.open.value)
                                 .values(status=status.value, decision=decision, closed_at=utc_naive(at), closed_by=by,
                                         sealed_outcome=self._keys.seal(outcome, f"task:{task.id}:outcome")))
        if result.rowcount != 1:
            raise ConflictError(f"task {task.id[:8]} changed while this was being done: read it again and retry")
        found = self.get(task.id)
        assert found is not None
        return found

    def outcome(self, task: Task) -> str | None:
        blob = self._c.execute(select(tasks.c.sealed_outcome).where(tasks.c.id == task.id)).scalar_one()
        return self._keys.open(blob, f"task:{task.id}:outcome") if blob else None


def _task(row) -> Task:  # type: ignore[no-untyped-def]
    return Task(id=row.id, request_id=row.request_id, reference=row.reference, kind=TaskKind(row.kind),
                source=row.source, title=row.title, instructions=row.instructions, due_on=row.due_on,
                status=TaskStatus(row.status), created_at=row.created_at, assignee=row.assignee, link=row.link,
                decision=row.decision, closed_at=row.closed_at, closed_by=row.closed_by)


class Fees:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, *, request_id: str, amount_cents: int, currency: str, ground: str, reason: str, at: datetime,
            by: str) -> Fee:
        fee_id = str(uuid.uuid4())
        self._c.execute(insert(request_fees), {
            "id": fee_id, "request_id": request_id, "amount_cents": amount_cents, "currency": currency,
            "ground": ground, "reason": reason, "charged_at": utc_naive(at), "charged_by": by})
        fee = self.unpaid(request_id)
        assert fee is not None
        return fee

    def unpaid(self, request_id: str) -> Fee | None:
        row = self._c.execute(select(request_fees).where(request_fees.c.request_id == request_id,
                                                         request_fees.c.paid_at.is_(None))
                              .order_by(request_fees.c.charged_at.desc()).limit(1)).first()
        return _fee(row) if row else None

    def for_request(self, request_id: str) -> list[Fee]:
        rows = self._c.execute(select(request_fees).where(request_fees.c.request_id == request_id)
                               .order_by(request_fees.c.charged_at)).all()
        return [_fee(r) for r in rows]

    def mark_paid(self, fee_id: str, at: datetime, by: str) -> None:
        self._c.execute(update(request_fees).where(request_fees.c.id == fee_id)
                        .values(paid_at=utc_naive(at), paid_recorded_by=by))


def _fee(row) -> Fee:  # type: ignore[no-untyped-def]
    return Fee(row.id, row.request_id, row.amount_cents, row.currency, row.ground, row.reason, row.charged_at,
               row.charged_by, row.paid_at, row.paid_recorded_by)


class RestrictionLifts:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def announce(self, *, restriction_id: str, request_id: str, notice_id: str, reason: str, at: datetime,
                 lift_on: date) -> str:
        lift_id = str(uuid.uuid4())
        self._c.execute(insert(restriction_lifts), {
            "id": lift_id, "restriction_id": restriction_id, "request_id": request_id, "notice_id": notice_id,
            "reason": reason, "announced_at": utc_naive(at), "lift_on": lift_on})
        return lift_id

    def announced(self, restriction_ids: Iterable[str]) -> set[str]:
        ids = list(restriction_ids)
        if not ids:
            return set()
        return set(self._c.execute(select(restriction_lifts.c.restriction_id).where(
            restriction_lifts.c.restriction_id.in_(ids))).scalars())

    def due(self, today: date) -> list[RestrictionLift]:
        """Announced, not lifted yet, due today or before (the notice's delivery is checked by the caller)."""
        rows = self._c.execute(select(restriction_lifts).where(
            restriction_lifts.c.lifted_at.is_(None), restriction_lifts.c.lift_on <= today)
            .order_by(restriction_lifts.c.lift_on, restriction_lifts.c.announced_at)).all()
        return [RestrictionLift(r.id, r.restriction_id, r.request_id, r.notice_id, r.reason, r.announced_at,
                                r.lift_on, r.lifted_at) for r in rows]

    def mark_lifted(self, lift_id: str, at: datetime) -> bool:
        result = self._c.execute(update(restriction_lifts).where(restriction_lifts.c.id == lift_id,
                                                                 restriction_lifts.c.lifted_at.is_(None))
                                 .values(lifted_at=utc_naive(at)))
        return result.rowcount == 1
