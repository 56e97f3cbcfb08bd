"""Run a verified request to its answer: the right executed on every dataset, the person's
states updated, the answer written and sent.

The lifecycle (services/requests.py) guards the statuses; the executor (services/execution/)
works on the company's databases; this module chooses what each right does and words the
answer. Each dataset is a `LoadedDataset` with an Engine on its database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from egide.datasets.model import Dataset
from egide.domain.audit import AuditEvent
from egide.domain.consent import ConsentChannel, ConsentProof
from egide.domain.errors import ConfigurationError, ConflictError, InvalidInputError, Problem
from egide.domain.identity import Identifier
from egide.domain.requests import DataSubjectRequest, RequestStatus, Right
from egide.register.model import Register
from egide.services.active_register import ActiveRegister
from egide.services.answer_words import say
from egide.domain.tasks import Task
from egide.services.request_desk import RequestDesk, load
from egide.services.request_tasks import closed_task_lines, is_marketing, objection_purposes, open_manual_tasks
from egide.services.answer_review import after_answer
from egide.services.requests import hold_answer, mark_answered, start_run
from egide.services.tasks import request_tasks
from egide.services.execution.webhooks import connectors_for, describe_webhooks, run_webhooks, write_webhook_answers
from egide.services.recipients import (
    ART19_RIGHTS,
    activities_concerned,
    check_contacts,
    describe_notices,
    notice_as_dict,
    notify_recipients,
)


@dataclass(frozen=True)
class CompanyDatabase:
    dataset: Dataset
    engine: Engine
    log_root: Path | None = None


@dataclass
class RunOutcome:
    reference: str
    right: Right
    lines: list[str] = field(default_factory=list)  # the answer, in plain words
    files: list[Path] = field(default_factory=list)  # reports and exports written
    details: dict[str, Any] = field(default_factory=dict)
    pending: list[Task] = field(default_factory=list)  # tasks for people still open: the request is not answered
    held: bool = False  # the answer waits for the DPO's approval (setting answer_approval_required)

    @property
    def answer(self) -> str:
        return "\n".join(self.lines)


def run_request(desk: RequestDesk, active: ActiveRegister, reference: str, databases: list[CompanyDatabase],
                output_dir: Path, *, changes: dict[str, Any] | None = None, disputed: bool = False,
                statement: str | None = None, purposes: list[str] | None = None,
                on_change=None) -> RunOutcome:  # type: ignore[no-untyped-def]
    """Execute a verified (or interrupted: running) request and answer it. Resumable: running it
    again after a crash skips the steps already done. While tasks for people are open (manual
    sources, a human review, an objection to assess) the request stays running and is not answered."""
    store = desk.store
    with store.unit_of_work(read_only=True) as uow:
        request = _runnable(load(uow, reference))
        subject = uow.subjects.get(request.subject_id)
    if request.right in (Right.access, Right.erasure, Right.portability, Right.rectification) and not databases:
        raise InvalidInputError("no dataset to run on: give --dataset FILE (or set EGIDE_DATASETS)",
                                problems=[Problem("at least one dataset", path="datasets")])
    if purposes and request.right is not Right.objection:
        raise InvalidInputError("purposes are given only for an objection",
                                problems=[Problem(f"not for a {request.right.value} request", path="purpose")])
    objection_purposes(active, [p for p in purposes or [] if not is_marketing(p)])
    register = active.loaded.register
    _check_outbound(desk, register, request.right, databases)
    if request.status is RequestStatus.verified:
        start_run(desk, reference)
    identifiers = list(subject.identifiers) if subject else []
    outcome = RunOutcome(reference, request.right)
    handler = _HANDLERS[request.right]
    handler(desk, active, register, request.id, identifiers, databases, output_dir, outcome,
            changes=changes or {}, disputed=disputed, statement=statement, subject_id=request.subject_id,
            language=request.language, purposes=purposes or [])
    _processors(desk, request, identifiers, databases, output_dir, outcome)
    if on_change is not None:
        on_change()
    if _waits_for_people(desk, request, databases, outcome):
        return outcome
    if request.right in ART19_RIGHTS:
        _tell_recipients(desk, register, request, identifiers, databases, outcome, changes or {})
    answer = outcome.answer or say("done", request.language)
    if desk.answer_approval_required:  # the DPO approves it first (answer_review.approve_answer)
        hold_answer(desk, reference, answer)
        outcome.held = True
        return outcome
    answered = mark_answered(desk, reference, answer).request
    after_answer(desk, answered)  # an erasure: the person's key destroyed once the answer is sent
    return outcome


def runnable(desk: RequestDesk, reference: str) -> DataSubjectRequest:
    """The request, if it may run now (verified, or interrupted while running); else a ConflictError."""
    with desk.store.unit_of_work(read_only=True) as uow:
        return _runnable(load(uow, reference))


def _runnable(request: DataSubjectRequest) -> DataSubjectRequest:
    if request.status is RequestStatus.awaiting_approval:
        raise ConflictError(f"{request.reference} has run: its answer awaits the DPO's approval "
                            f"(`egide request approve {request.reference}` or the console)")
    if request.status not in (RequestStatus.verified, RequestStatus.running):
        raise ConflictError(f"{request.reference} is {request.status.value}: only a verified request runs "
                            "(verify the requester's identity first)")
    return request


def _waits_for_people(desk: RequestDesk, request, databases: list[CompanyDatabase],  # type: ignore[no-untyped-def]
                      outcome: RunOutcome) -> bool:
    """Open the manual sources' tasks (once); True while any task of the request is open. Once all
    are closed, what the people found and did joins the answer."""
    open_manual_tasks(desk, request.reference, [db.dataset for db in databases])
    views = request_tasks(desk, request.id)
    outcome.pending = [v.task for v in views if v.task.is_open]
    if not outcome.pending:
        outcome.lines += closed_task_lines([v.task for v in views], {v.task.id: v.outcome for v in views},
                                           request.language)
    return bool(outcome.pending)


def _check_outbound(desk: RequestDesk, register: Register, right: Right, databases: list[CompanyDatabase]) -> None:
    """Before anything runs: the recipients' contacts are usable (art. 19) and every webhook connector
    taking this right has its secret, so a configuration mistake changes nothing."""
    if right in ART19_RIGHTS:
        check_contacts(register)
    connectors = [c for db in databases for c in connectors_for(db.dataset, right)]
    if connectors and desk.webhooks is None:
        raise ConfigurationError("the datasets declare webhook connectors but no webhook transport is configured")
    for connector in connectors:
        desk.webhooks.secret(connector.secret_env)  # type: ignore[union-attr]


def _processors(desk, request, identifiers, databases, output_dir, outcome) -> None:  # type: ignore[no-untyped-def]
    """The datasets' webhook connectors (processors acting on their side), their answers in the outcome."""
    for db in databases:
        results = run_webhooks(desk.store, desk.webhooks, dataset=db.dataset, request_id=request.id,
                               reference=request.reference, right=request.right, due_on=request.due_on,
                               identifiers=identifiers, actor=desk.actor)
        if not results:
            continue
        outcome.details.setdefault("webhooks", {})[db.dataset.name] = [
            {"connector": r.connector, "http_status": r.http_status, **r.counts} for r in results]
        outcome.lines += describe_webhooks(results, request.language)
        if request.right is Right.access:
            outcome.files.append(write_webhook_answers(desk.store, request.id, db.dataset.name,
                                                       output_dir / db.dataset.name, request.subject_id))


def _tell_recipients(desk, register, request, identifiers, databases, outcome, changes) -> None:  # type: ignore[no-untyped-def]
    """Art. 19: the recipients of the activities concerned are told; the answer names them."""
    activities = activities_concerned(request.right, databases, outcome.details, register)
    notices = notify_recipients(desk, register, request.reference, activities, identifiers, changes)
    outcome.details["recipients"] = [notice_as_dict(n) for n in notices]
    outcome.lines += describe_notices(notices, request.language)


def _access(desk, active, register, request_id, identifiers, databases, output_dir, outcome, **kw):  # type: ignore[no-untyped-def]
    from egide.services.execution import run_access

    total = 0
    for db in databases:
        result = run_access(desk.store, dataset=db.dataset, engine=db.engine, register=register,
                            request_id=request_id, identifiers=identifiers, output_dir=output_dir / db.dataset.name,
                            lang=kw["language"], log_root=db.log_root, reference=outcome.reference,
                            subject_id=kw["subject_id"])
        rows = sum(result.rows.values()) + sum(result.log_lines.values())
        total += rows
        outcome.files += [result.json_path, result.html_path]
        outcome.details[db.dataset.name] = {"rows": result.rows, "log_lines": result.log_lines}
    outcome.lines.append(say("access.found", kw["language"], total=total) if total
                         else say("access.none", kw["language"]))


def _erasure(desk, active, register, request_id, identifiers, databases, output_dir, outcome, **kw):  # type: ignore[no-untyped-def]
    from egide.services.execution import run_erasure
    from egide.services.execution.erasure import describe_erasure

    for db in databases:
        result = run_erasure(desk.store, dataset=db.dataset, engine=db.engine, register=register,
                             request_id=request_id, identifiers=identifiers, log_root=db.log_root)
        outcome.details[db.dataset.name] = result.as_dict() if hasattr(result, "as_dict") else {}
        outcome.lines += describe_erasure(result, kw["language"])
    if not outcome.lines:
        outcome.lines.append(say("erasure.none", kw["language"]))
    outcome.lines.append(say("erasure.suppression", kw["language"]))


def _portability(desk, active, register, request_id, identifiers, databases, output_dir, outcome, **kw):  # type: ignore[no-untyped-def]
    from egide.services.execution import run_portability

    for db in databases:
        result = run_portability(desk.store, dataset=db.dataset, engine=db.engine, register=register,
                                 request_id=request_id, identifiers=identifiers, output_dir=output_dir / db.dataset.name,
                                 subject_id=kw["subject_id"])
        outcome.files.append(result.zip_path)
        outcome.details[db.dataset.name] = {"rows": result.rows}
    outcome.lines.append(say("portability", kw["language"]))


def _rectification(desk, active, register, request_id, identifiers, databases, output_dir, outcome, **kw):  # type: ignore[no-untyped-def]
    from egide.services.execution import run_rectification

    if not kw["changes"] and not kw["disputed"]:
        raise InvalidInputError("a rectification needs the corrected fields (--set field=value)",
                                problems=[Problem("no change given", path="changes")])
    for db in databases:
        result = run_rectification(desk.store, dataset=db.dataset, engine=db.engine, register=register,
                                   request_id=request_id, identifiers=identifiers, changes=kw["changes"],
                                   disputed=kw["disputed"], statement=kw["statement"])
        outcome.details[db.dataset.name] = {"updated": result.updated, "disputed": result.disputed}
        for table, count in result.updated.items():
            outcome.lines.append(say("rectification.done", kw["language"], table=table, count=count))
    if kw["disputed"]:
        outcome.lines.append(say("rectification.disputed", kw["language"]))


def _restriction(desk, active, register, request_id, identifiers, databases, output_dir, outcome, **kw):  # type: ignore[no-untyped-def]
    outcome.details["restriction_id"] = _restrict_once(desk, request_id, kw["subject_id"])
    outcome.lines.append(say("restriction", kw["language"]))


def _restrict_once(desk: RequestDesk, request_id: str, subject_id: str) -> str:
    """Art. 18: one restriction per request, however often it runs (a run waiting for tasks runs again)."""
    reason = "demande de limitation (art. 18)"
    with desk.store.unit_of_work() as uow:
        done = uow.execution.steps(request_id).get("restriction")
        if done is not None:
            return str(done.counts["restriction_id"])
        restriction_id = uow.states.restrict(subject_id, [], reason, desk.now())  # type: ignore[attr-defined]
        uow.audit.record(AuditEvent("restriction.started", desk.actor, "data_subject", subject_id,
                                    {"restriction_id": restriction_id, "purposes": [], "reason": reason}))
        uow.execution.finish_step(request_id, "restriction", {"restriction_id": restriction_id}, desk.now())
    return restriction_id


def _objection(desk, active, register, request_id, identifiers, databases, output_dir, outcome, **kw):  # type: ignore[no-untyped-def]
    from egide.services.marketing import object_to_marketing
    from egide.services.request_tasks import open_objection_tasks

    assessed = [p for p in kw["purposes"] if not is_marketing(p)]
    if assessed:  # art. 21(1): the DPO decides (`egide request decide-objection`)
        open_objection_tasks(desk, outcome.reference, assessed)
        if len(assessed) == len(kw["purposes"]):
            return
    identifier = _primary(identifiers)
    object_to_marketing(desk.store, identifier, "all", "request", desk.actor)
    outcome.lines.append(say("objection", kw["language"]))


def _withdraw_consent(desk, active, register, request_id, identifiers, databases, output_dir, outcome, **kw):  # type: ignore[no-untyped-def]
    from egide.services.consent import consent_overview, record_choice

    states = consent_overview(desk.store, active, subject_ids=[kw["subject_id"]])
    valid = [p for p, s in states.items() if s.allows_processing]
    if valid:
        record_choice(desk.store, active, choices={p: False for p in valid}, actor=desk.actor,
                      subject_id=kw["subject_id"],
                      proof=ConsentProof(channel=ConsentChannel.form, register_version=active.sha256))
    outcome.lines.append(say("withdrawal.done", kw["language"], purposes=", ".join(valid)) if valid
                         else say("withdrawal.none", kw["language"]))


def _human_review(desk, active, register, request_id, identifiers, databases, output_dir, outcome, **kw):  # type: ignore[no-untyped-def]
    from egide.services.request_tasks import open_review_task

    open_review_task(desk, outcome.reference, register)  # answered by `egide request review`


def _primary(identifiers: list[Identifier]) -> Identifier:
    if not identifiers:
        raise InvalidInputError("the request's data subject has no identifier")
    return identifiers[0]


_HANDLERS = {
    Right.access: _access, Right.erasure: _erasure, Right.portability: _portability,
    Right.rectification: _rectification, Right.restriction: _restriction, Right.objection: _objection,
    Right.withdraw_consent: _withdraw_consent, Right.human_review: _human_review,
}
