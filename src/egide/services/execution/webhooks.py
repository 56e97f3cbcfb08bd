"""The webhook connector: a processor that exposes an endpoint does the request on its side.

For each webhook of a dataset whose ``rights`` include the request's, Egide POSTs the request
(reference, right, the identifiers the processor needs, the due date), signed with HMAC-SHA256
(:mod:`egide.domain.signatures`), and records the answer (HTTP status and body, sealed, in
``webhook_calls``). Each call is a resumable step (``webhook:<name>``): a resumed run does not
call a processor twice. A call that fails (unreachable, or a non-2xx answer) is recorded, with
its audit event, and stops the run: the request stays running and ``egide request run`` again
retries it, so an answer never claims a processor erased what it did not.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable

from egide.datasets.model import Dataset, WebhookConnector
from egide.domain.audit import AuditEvent
from egide.domain.clock import naive_utc
from egide.domain.identity import Identifier
from egide.domain.notices import DeliveryError
from egide.domain.requests import Right
from egide.services.execution.steps import ExecutionStore, Step, run_key, run_steps
from egide.services.ports import WebhookPort

OBJECT_TYPE = "request"


@dataclass(frozen=True)
class WebhookResult:
    connector: str
    url: str
    http_status: int
    counts: dict[str, int]  # the integers of the processor's answer: found, erased...


def connectors_for(dataset: Dataset, right: Right) -> list[WebhookConnector]:
    return [w for w in dataset.webhooks if right in w.rights]


def request_body(connector: WebhookConnector, dataset: Dataset, *, reference: str, right: Right, due_on: date,
                 identifiers: Iterable[Identifier], call: str) -> bytes:
    """What the processor receives: only the identifier kinds it declared it needs."""
    subject: dict[str, list[str]] = {}
    for identifier in identifiers:
        if identifier.kind in connector.identifiers:
            subject.setdefault(identifier.kind.value, []).append(identifier.value)
    body = {"type": "egide.request", "call": call, "reference": reference, "right": right.value,
            "article": right.article, "due_on": due_on.isoformat(), "dataset": dataset.name,
            "connector": connector.name, "activities": list(connector.activities), "data_subject": subject}
    return json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8")


def run_webhooks(store: Any, webhooks: WebhookPort | None, *, dataset: Dataset, request_id: str, reference: str,
                 right: Right, due_on: date, identifiers: Iterable[Identifier], actor: str = "egide") -> list[WebhookResult]:
    """Call every connector of ``dataset`` taking ``right``; returns each one's answer (also on resume)."""
    connectors = connectors_for(dataset, right)
    if not connectors:
        return []
    if webhooks is None:
        raise DeliveryError(f"dataset {dataset.name} has webhook connectors but no webhook transport is configured")
    identifiers = list(identifiers)
    steps = [Step(f"webhook:{c.name}", **_step(store, webhooks, c, dataset, request_id, reference, right, due_on,
                                                identifiers, actor)) for c in connectors]
    done = run_steps(store, run_key(request_id, dataset), steps, request_id=request_id, actor=actor)
    results = []
    for connector in connectors:
        counts = done[f"webhook:{connector.name}"].counts
        results.append(WebhookResult(connector.name, connector.url, int(counts.get("http_status", 0)),
                                     {k: v for k, v in counts.get("answer", {}).items()}))
    return results


def _step(store: ExecutionStore, webhooks: WebhookPort, connector: WebhookConnector, dataset: Dataset,
          request_id: str, reference: str, right: Right, due_on: date, identifiers: list[Identifier],
          actor: str) -> dict[str, Any]:
    """The step's two halves: the call (on the processor's side), then its record (in the store)."""
    answer: dict[str, Any] = {}

    def call() -> dict[str, Any]:
        now = naive_utc(store.clock.now())
        call_id = f"{request_id}/{dataset.name}/{connector.name}"
        body = request_body(connector, dataset, reference=reference, right=right, due_on=due_on,
                            identifiers=identifiers, call=call_id)
        headers = {"Egide-Event": "egide.request", "Egide-Delivery": call_id}
        try:
            response = webhooks.post(connector.url, body, connector.secret_env, now, headers)
        except DeliveryError as exc:
            _record_failure(store, connector, dataset, request_id, right, None, None, exc.message, now, actor, reference)
            raise DeliveryError(f"{exc.message}; the request stays running: `egide request run {reference}` "
                                "again retries it") from exc
        if not 200 <= response.status < 300:
            error = f"the processor's webhook {connector.name} answered HTTP {response.status}"
            _record_failure(store, connector, dataset, request_id, right, response.status, response.body, error, now,
                            actor, reference)
            raise DeliveryError(f"{error}; the request stays running: `egide request run {reference}` again "
                                "retries it")
        answer.update(status=response.status, body=response.body, at=now)
        return {"http_status": response.status, "answer": _integers(response.body)}

    def record(uow: Any) -> dict[str, Any]:
        uow.webhook_calls.add(request_id=request_id, dataset=dataset.name, connector=connector.name,
                              right=right.value, url=connector.url, status="answered",
                              http_status=answer["status"], answer=answer["body"], error=None, at=answer["at"])
        return {}

    return {"company": call, "in_store": record}


def _record_failure(store: Any, connector: WebhookConnector, dataset: Dataset, request_id: str, right: Right,
                    status: int | None, body: str | None, error: str, at: datetime, actor: str, reference: str) -> None:
    with store.unit_of_work() as uow:
        uow.webhook_calls.add(request_id=request_id, dataset=dataset.name, connector=connector.name,
                              right=right.value, url=connector.url, status="failed", http_status=status,
                              answer=body, error=error, at=at)
        uow.audit.record(AuditEvent("request.webhook_failed", actor, OBJECT_TYPE, request_id, {
            "reference": reference, "dataset": dataset.name, "connector": connector.name, "http_status": status}))


def _integers(body: str) -> dict[str, int]:
    """The processor's counts (found, erased...), when its answer is a JSON object: numbers only."""
    try:
        parsed = json.loads(body)
    except (json.JSONDecodeError, ValueError):
        return {}
    if not isinstance(parsed, dict):
        return {}
    return {str(k): v for k, v in parsed.items() if isinstance(v, int) and not isinstance(v, bool)}


_WORDS = {
    "fr": {"answered": "Sous-traitant {name} (webhook) : demande transmise, réponse HTTP {status}{counts}.",
           "counts": " ; {items}"},
    "en": {"answered": "Processor {name} (webhook): request sent, answered HTTP {status}{counts}.",
           "counts": "; {items}"},
}


def describe_webhooks(results: list[WebhookResult], language: str) -> list[str]:
    """The processors' part of the answer: who was asked and what they said they did."""
    words = _WORDS["fr" if language == "fr" else "en"]
    lines = []
    for r in results:
        items = ", ".join(f"{k} {v}" for k, v in sorted(r.counts.items()))
        lines.append(words["answered"].format(name=r.connector, status=r.http_status,
                                              counts=words["counts"].format(items=items) if items else ""))
    return lines


def write_webhook_answers(store: Any, request_id: str, dataset: str, output_dir: Path,
                          subject_id: str | None = None) -> Path:
    """For an access request: the processors' answers (their copy of the data) beside the report,
    as ``processors-<request>.json``, sealed with the person's key when ``subject_id`` is given."""
    from egide.services.execution.report import person_file, publish

    with store.unit_of_work(read_only=True) as uow:
        calls = [c for c in uow.webhook_calls.for_request(request_id) if c["dataset"] == dataset
                 and c["status"] == "answered"]
    answers = []
    for call in calls:
        try:
            body: Any = json.loads(call["answer"]) if call["answer"] else None
        except json.JSONDecodeError:
            body = call["answer"]
        answers.append({"connector": call["connector"], "url": call["url"], "http_status": call["http_status"],
                        "answered_at": call["called_at"].isoformat(), "answer": body})
    output_dir.mkdir(parents=True, exist_ok=True)
    path = output_dir / f"processors-{request_id}.json"
    partial = path.with_name(f".{path.name}.partial")
    with person_file(store, partial, path, subject_id) as handle:
        handle.write(json.dumps({"processors": answers}, ensure_ascii=False, indent=2))
    publish(partial, path)
    return path
