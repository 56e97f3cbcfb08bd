"""The ``jobs`` table: every job's life (queued, running, succeeded, failed) with its audit events.

For the in-process runner it is also the queue; for procrastinate it records what the worker did,
so failures are visible the same way (`egide jobs list --status failed`) whatever the runner.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update

from egide.adapters.store.tables import jobs
from egide.adapters.store.unit_of_work import Store
from egide.domain.audit import AuditEvent
from egide.domain.clock import naive_utc
from egide.domain.errors import ConflictError, InvalidInputError, NotFoundError, Problem

OBJECT_TYPE = "job"
MAX_ERROR = 4000


@dataclass(frozen=True)
class JobRecord:
    id: str
    name: str
    arguments: dict[str, Any]
    runner: str
    status: str
    attempts: int
    error: str | None
    enqueued_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    def as_dict(self) -> dict[str, Any]:
        return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in self.__dict__.items()}


def new_job_id() -> str:
    """Unique, and sorted in the order jobs were created (first in, first out under a fixed clock too)."""
    return f"{time.time_ns():016x}-{secrets.token_hex(9)}"


def _record(row) -> JobRecord:  # type: ignore[no-untyped-def]
    return JobRecord(row.id, row.name, json.loads(row.arguments), row.runner, row.status, row.attempts, row.error,
                     row.enqueued_at, row.started_at, row.finished_at)


def _arguments(arguments: dict[str, Any]) -> str:
    try:
        return json.dumps(arguments, sort_keys=True)
    except TypeError as exc:
        raise InvalidInputError(f"a job's arguments must be JSON: {exc}",
                                problems=[Problem("references and keys only", path="arguments")]) from None


class JobJournal:
    def __init__(self, store: Store, actor: str = "egide:jobs") -> None:
        self.store, self.actor = store, actor

    def _now(self) -> datetime:
        return naive_utc(self.store.clock.now())

    def add(self, name: str, arguments: dict[str, Any], runner: str, dedupe_key: str | None = None,
            status: str = "queued") -> str:
        """Record a job (``queued``). A second job with the same ``dedupe_key`` raises ConflictError."""
        job_id = new_job_id()
        with self.store.unit_of_work() as uow:
            uow.connection.execute(insert(jobs), {
                "id": job_id, "name": name, "arguments": _arguments(arguments), "runner": runner, "status": status,
                "attempts": 0, "dedupe_key": dedupe_key, "enqueued_at": self._now()})
            uow.audit.record(AuditEvent("job.enqueued", self.actor, OBJECT_TYPE, job_id,
                                        {"name": name, "runner": runner, "arguments": sorted(arguments)}))
        return job_id

    def claim_next(self, runner: str, names: list[str] | None = None) -> JobRecord | None:
        """Move the oldest queued job to ``running`` (compare-and-set, so two threads never take the same)."""
        for _ in range(5):
            with self.store.unit_of_work(read_only=True) as uow:
                query = select(jobs.c.id).where(jobs.c.status == "queued", jobs.c.runner == runner)
                if names is not None:
                    query = query.where(jobs.c.name.in_(names))
                job_id = uow.connection.execute(query.order_by(jobs.c.enqueued_at, jobs.c.id).limit(1)).scalar()
            if job_id is None:
                return None
            try:
                return self.start(job_id, expected="queued")
            except ConflictError:
                continue  # another thread took it: look again
        return None

    def start(self, job_id: str, expected: str | None = None) -> JobRecord:
        with self.store.unit_of_work() as uow:
            query = update(jobs).where(jobs.c.id == job_id)
            if expected is not None:
                query = query.where(jobs.c.status == expected)
            done = uow.connection.execute(query.values(status="running", attempts=jobs.c.attempts + 1,
                                                       started_at=self._now(), finished_at=None, error=None))
            if done.rowcount != 1:
                raise ConflictError(f"job {job_id} is not {expected or 'known'}")
            record = _record(uow.connection.execute(select(jobs).where(jobs.c.id == job_id)).one())
            uow.audit.record(AuditEvent("job.started", self.actor, OBJECT_TYPE, job_id,
                                        {"name": record.name, "attempt": record.attempts}))
        return record

    def finish(self, job_id: str, error: BaseException | None = None) -> JobRecord:
        """``succeeded``, or ``failed`` with the exception's type and message (the audit event keeps the type)."""
        text = None if error is None else f"{type(error).__name__}: {error}"[:MAX_ERROR]
        status = "succeeded" if error is None else "failed"
        with self.store.unit_of_work() as uow:
            uow.connection.execute(update(jobs).where(jobs.c.id == job_id).values(
                status=status, error=text, finished_at=self._now()))
            record = _record(uow.connection.execute(select(jobs).where(jobs.c.id == job_id)).one())
            payload: dict[str, Any] = {"name": record.name, "attempt": record.attempts}
            if error is not None:
                payload["error_type"] = type(error).__name__
            uow.audit.record(AuditEvent(f"job.{status}", self.actor, OBJECT_TYPE, job_id, payload))
        return record

    def requeue_interrupted(self, runner: str) -> list[str]:
        """Put back on the queue the jobs of ``runner`` left ``running`` by a process that stopped mid-job."""
        with self.store.unit_of_work() as uow:
            ids = list(uow.connection.execute(select(jobs.c.id).where(
                jobs.c.status == "running", jobs.c.runner == runner).order_by(jobs.c.id)).scalars())
            for job_id in ids:
                uow.connection.execute(update(jobs).where(jobs.c.id == job_id, jobs.c.status == "running")
                                       .values(status="queued"))
                uow.audit.record(AuditEvent("job.requeued", self.actor, OBJECT_TYPE, job_id,
                                            {"reason": "interrupted"}))
        return ids

    def get(self, job_id: str) -> JobRecord:
        with self.store.unit_of_work(read_only=True) as uow:
            row = uow.connection.execute(select(jobs).where(jobs.c.id == job_id)).first()
        if row is None:
            raise NotFoundError(f"no job {job_id!r}: `egide jobs list` shows them")
        return _record(row)

    def list(self, status: str | None = None, limit: int = 100) -> list[JobRecord]:
        query = select(jobs).order_by(jobs.c.enqueued_at.desc(), jobs.c.id).limit(limit)
        if status is not None:
            query = query.where(jobs.c.status == status)
        with self.store.unit_of_work(read_only=True) as uow:
            return [_record(r) for r in uow.connection.execute(query).all()]

    def finished_since(self, at: datetime) -> list[JobRecord]:
        with self.store.unit_of_work(read_only=True) as uow:
            rows = uow.connection.execute(select(jobs).where(jobs.c.finished_at >= naive_utc(at))
                                          .order_by(jobs.c.finished_at, jobs.c.id)).all()
        return [_record(r) for r in rows]
