"""Tasks for people: the part of a request a machine cannot do.

A task belongs to one request. Three kinds exist:

- ``manual_source``: a source a dataset declares as manual (paper archives, a system nobody can
  query): someone searches it, acts, and writes down what they found and did;
- ``human_review``: a person reviews an automated decision (art. 22(3)) and upholds or changes it;
- ``objection``: the DPO assesses an objection to a legitimate-interest purpose (art. 21(1)) and
  upholds it, or overrides it with compelling legitimate grounds written down.

A task is open until it is done or cancelled; closing is final. Its due date is never later than
the request's. Standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum

from egide.domain.durations import Duration
from egide.domain.errors import ConflictError, InvalidInputError, Problem


class TaskKind(str, Enum):
    manual_source = "manual_source"  # a dataset's manual source (issue 3, section 1)
    human_review = "human_review"  # art. 22(3)
    objection = "objection"  # art. 21(1): the DPO's assessment


class TaskStatus(str, Enum):
    open = "open"
    done = "done"
    cancelled = "cancelled"


class ReviewOutcome(str, Enum):
    """What the human reviewer decided about an automated decision (art. 22(3))."""

    upheld = "upheld"
    changed = "changed"


class ObjectionDecision(str, Enum):
    """What the DPO decided about an objection to a legitimate-interest purpose (art. 21(1))."""

    upheld = "upheld"  # processing stops for that purpose
    overridden = "overridden"  # compelling legitimate grounds override the person's interests


@dataclass(frozen=True)
class Task:
    id: str
    request_id: str
    reference: str  # the request's public reference
    kind: TaskKind
    source: str  # the manual source's name, the automated decisions' keys, the purpose objected to
    title: str
    instructions: str | None
    due_on: date
    status: TaskStatus
    created_at: datetime
    assignee: str | None = None
    link: str | None = None  # an id the task acts on (the objection's id)
    decision: str | None = None  # ReviewOutcome / ObjectionDecision value, or "done"
    closed_at: datetime | None = None
    closed_by: str | None = None

    @property
    def is_open(self) -> bool:
        return self.status is TaskStatus.open

    def overdue(self, today: date) -> bool:
        return self.is_open and today > self.due_on


def task_due(today: date, within: Duration | None, request_due: date) -> date:
    """When a task is due: ``within`` from today, never later than the request's own due date."""
    if within is None:
        return request_due
    own = within.add_to(today)
    return min(own, request_due) if isinstance(own, date) else request_due


def closing_status(task: Task, cancel: bool = False) -> TaskStatus:
    """The status a task moves to when closed, or a ConflictError if it is closed already."""
    if not task.is_open:
        when = f" on {task.closed_at:%Y-%m-%d}" if task.closed_at else ""
        raise ConflictError(f"task {task.id[:8]} ({task.reference}) is already {task.status.value}{when}",
                            details={"task": task.id, "status": task.status.value})
    return TaskStatus.cancelled if cancel else TaskStatus.done


def required_text(value: str | None, path: str, why: str) -> str:
    """A free text that must be given (an outcome, reasons, grounds), stripped."""
    text = (value or "").strip()
    if not text:
        raise InvalidInputError(f"{path} is required: {why}", problems=[Problem(why, path=path)])
    if len(text) > 20_000:
        raise InvalidInputError(f"{path} is {len(text)} characters long", problems=[Problem("at most 20000", path=path)])
    return text
