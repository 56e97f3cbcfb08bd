"""What staff see in the console, and the audit event every view of personal data writes.

A page that opens personal data (a request's words and claims, a person's audit history, the
people a legal hold names) calls :func:`record_view` after reading: ``console.viewed`` names who
looked (the account), what page and which object, never the data shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from egide.domain.audit import AuditEvent
from egide.domain.execution import StepRecord
from egide.domain.recipient_notices import RecipientNotice
from egide.services.recipients import recipient_list
from egide.services.request_desk import RequestDesk
from egide.services.requests import RequestView, show_request
from egide.services.tasks import TaskView, request_tasks

VIEWED = "console.viewed"


def record_view(store: Any, actor: str, page: str, object_type: str, object_id: str,
                **references: str | int | None) -> None:
    """Append ``console.viewed``: who (``actor``), which page, which object; ``references`` are ids
    or counts only (a reference, a search kind), never what the page showed."""
    payload = {"page": page, **{k: v for k, v in references.items() if v is not None}}
    with store.unit_of_work() as uow:
        uow.audit.record(AuditEvent(VIEWED, actor, object_type, object_id, payload))


@dataclass(frozen=True)
class ConnectorResult:
    """One finished step of a run on a dataset: what a connector did, as counts."""

    dataset: str
    step: str
    counts: dict[str, Any]


@dataclass(frozen=True)
class KeptItem:
    """Rows an erasure kept, and why (the register rule and the law)."""

    dataset: str
    table: str
    rows: int
    reason: str
    rule: str | None
    article: str | None
    until: str | None


@dataclass
class RequestPage:
    view: RequestView
    recipients: list[RecipientNotice]
    tasks: list[TaskView]
    results: list[ConnectorResult] = field(default_factory=list)
    kept: list[KeptItem] = field(default_factory=list)
    webhooks: list[dict[str, Any]] = field(default_factory=list)


def request_page(desk: RequestDesk, reference: str, steps_of: Callable[[str], list[StepRecord]],
                 viewer: str) -> RequestPage:
    """Everything the request's page shows, then its ``console.viewed`` event. ``steps_of`` gives a
    request id's finished execution steps (the store's read model)."""
    view = show_request(desk, reference)
    request = view.request
    with desk.store.unit_of_work(read_only=True) as uow:
        webhooks = uow.webhook_calls.for_request(request.id)
    page = RequestPage(view, recipient_list(desk, request.reference), request_tasks(desk, request.id),
                       webhooks=webhooks)
    for step in steps_of(request.id):
        dataset = step.run.partition("/")[2]
        counts = {k: v for k, v in step.counts.items() if k != "kept"}
        page.results.append(ConnectorResult(dataset, step.step, counts))
        for kept in step.counts.get("kept", []) if isinstance(step.counts.get("kept"), list) else []:
            page.kept.append(KeptItem(dataset, step.step.partition(":")[2] or step.step, int(kept.get("rows", 0)),
                                      str(kept.get("reason", "")), kept.get("rule"), kept.get("article"),
                                      kept.get("until")))
    record_view(desk.store, viewer, "request", "data_subject_request", request.id, reference=request.reference)
    return page
