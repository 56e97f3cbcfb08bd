"""Tasks for people: opened by a request's run (manual sources, human review, objections), listed
by due date, shown, closed with their outcome. Every change is audited (ids and digests, never the
outcome's words); the outcome is sealed in the store.

Closing a human-review or an objection task also answers the person: that goes through
``request_tasks.record_review`` and ``request_tasks.decide_objection``, not :func:`close_task`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from egide.domain.audit import AuditEvent
from egide.domain.errors import ConflictError, InvalidInputError, NotFoundError, Problem
from egide.domain.requests import DataSubjectRequest
from egide.domain.tasks import Task, TaskKind, TaskStatus, closing_status, required_text
from egide.services.ports import UnitOfWorkPort
from egide.services.request_desk import RequestDesk, digest

OBJECT_TYPE = "task"


def open_task(uow: UnitOfWorkPort, desk: RequestDesk, request: DataSubjectRequest, *, kind: TaskKind, source: str, title: str,
              instructions: str | None, due_on: date, link: str | None = None,
              assignee: str | None = None) -> tuple[Task, bool]:
    """The request's task of this kind and source, opened (and audited) unless it exists: a run that
    is resumed or repeated never opens a task twice. Returns (task, created)."""
    found = uow.tasks.find(request.id, kind, source)
    if found is not None:
        return found, False
    task = uow.tasks.add(request_id=request.id, kind=kind, source=source, title=title, instructions=instructions,
                         due_on=due_on, at=desk.now(), link=link, assignee=assignee)
    uow.audit.record(AuditEvent("task.created", desk.actor, OBJECT_TYPE, task.id, {
        "reference": request.reference, "kind": kind.value, "source": source, "due_on": due_on.isoformat()}))
    return task, True


def close(uow: UnitOfWorkPort, desk: RequestDesk, task: Task, *, outcome: str, decision: str | None = None,
          cancel: bool = False) -> Task:
    """Close an open task with its outcome (sealed) and audit it."""
    status = closing_status(task, cancel)
    closed = uow.tasks.close(task, status, decision=decision or ("cancelled" if cancel else "done"), outcome=outcome,
                             at=desk.now(), by=desk.actor)
    uow.audit.record(AuditEvent(f"task.{status.value}", desk.actor, OBJECT_TYPE, task.id, {
        "reference": task.reference, "kind": task.kind.value, "source": task.source, "decision": closed.decision,
        "on_time": desk.today() <= task.due_on, "outcome_sha256": digest(outcome)}))
    return closed


def resolve(uow: UnitOfWorkPort, task_id: str) -> Task:
    """A task by its id or the first characters of it (at least 6)."""
    wanted = (task_id or "").strip().lower()
    if len(wanted) < 6:
        raise InvalidInputError(f"task id {task_id!r} is too short",
                                problems=[Problem("give at least 6 characters of the id", path="task")])
    found = uow.tasks.by_prefix(wanted)
    if not found:
        raise NotFoundError(f"no task {task_id!r}: `egide task list` shows the ids")
    if len(found) > 1:
        raise ConflictError(f"several tasks start with {task_id!r}: give more characters")
    return found[0]


def close_task(desk: RequestDesk, task_id: str, outcome: str, *, cancel: bool = False) -> Task:
    """A manual source searched (or a task cancelled): what was found and done, in the person's words."""
    text = required_text(outcome, "outcome", "what was found and done (it goes into the answer to the person)")
    with desk.store.unit_of_work() as uow:
        task = resolve(uow, task_id)
        if task.kind is TaskKind.human_review and not cancel:
            raise ConflictError(f"task {task.id[:8]} is a human review: record it with "
                                f"`egide request review {task.reference} --outcome upheld|changed --reasons ...`")
        if task.kind is TaskKind.objection and not cancel:
            raise ConflictError(f"task {task.id[:8]} is an objection to assess: decide it with "
                                f"`egide request decide-objection {task.reference} --uphold` or --override --grounds")
        return close(uow, desk, task, outcome=text, cancel=cancel)


@dataclass(frozen=True)
class TaskRow:
    id: str
    reference: str
    kind: str
    source: str
    title: str
    due_on: date
    status: str
    assignee: str | None
    overdue: bool

    def as_dict(self) -> dict[str, Any]:
        return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in self.__dict__.items()}


def _row(task: Task, today: date) -> TaskRow:
    return TaskRow(task.id, task.reference, task.kind.value, task.source, task.title, task.due_on, task.status.value,
                   task.assignee, task.overdue(today))


def list_tasks(desk: RequestDesk, *, overdue_only: bool = False, include_closed: bool = False) -> list[TaskRow]:
    """Open tasks (or all), soonest due first."""
    with desk.store.unit_of_work(read_only=True) as uow:
        found = uow.tasks.all(None if include_closed else [TaskStatus.open])
    rows = [_row(t, desk.today()) for t in found]
    return [r for r in rows if r.overdue] if overdue_only else rows


@dataclass(frozen=True)
class TaskView:
    task: Task
    outcome: str | None

    def as_dict(self, today: date) -> dict[str, Any]:
        t = self.task
        return {**_row(t, today).as_dict(), "request_id": t.request_id, "instructions": t.instructions,
                "decision": t.decision, "outcome": self.outcome, "created_at": t.created_at.isoformat(),
                "closed_at": t.closed_at.isoformat() if t.closed_at else None, "closed_by": t.closed_by}


def show_task(desk: RequestDesk, task_id: str) -> TaskView:
    with desk.store.unit_of_work(read_only=True) as uow:
        task = resolve(uow, task_id)
        return TaskView(task, uow.tasks.outcome(task))


def request_tasks(desk: RequestDesk, request_id: str) -> list[TaskView]:
    with desk.store.unit_of_work(read_only=True) as uow:
        return [TaskView(t, uow.tasks.outcome(t)) for t in uow.tasks.for_request(request_id)]
