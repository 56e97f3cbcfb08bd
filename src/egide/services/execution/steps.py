"""Resumable execution: a right is executed as named steps whose completion Egide's store records.

Each step runs in a transaction on the company's database (or in the store's, for a step that
only touches the store) and, once that transaction has committed, its completion and counts are
recorded in the store with an audit event (counts only, never data). A run that is killed
resumes where it stopped: finished steps are skipped, and the resumption is an audit event of its
own. A step is idempotent by construction (a DELETE with the same WHERE deletes nothing the second
time, a masked value is not masked again), so a step that committed on the company's side but was
not yet recorded is simply run again, and finds nothing left to do.

A :class:`StepGroup` runs several steps in one transaction on the company's database and records
them in one store transaction: an erasure's tables, children before parents, commit together or
not at all, and cost one commit on each side instead of one per table. A group killed half-way
either committed nothing on the company's side or all of it; run again, it redoes (or finds done)
the whole group.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Protocol, Sequence

from egide.datasets.model import Dataset
from egide.domain.audit import AuditEvent
from egide.domain.clock import Clock
from egide.domain.execution import StepRecord
from egide.domain.identity import Identifier
from egide.services.ports import AuditTrailPort, ExecutionRecordsPort, SealedFilesPort


class SuppressionListPort(Protocol):
    def add(self, list_name: str, identifier: Identifier, channel: str, at: Any, source: str) -> bool: ...

    def add_all(self, list_name: str, identifiers: Iterable[Identifier], channel: str, at: Any, source: str) -> int: ...


class ExecutionUnitOfWork(Protocol):
    audit: AuditTrailPort
    execution: ExecutionRecordsPort
    lists: SuppressionListPort


class KeyringPort(Protocol):
    lookup_key: bytes

    def lookup_hash(self, identifier: Identifier) -> str: ...


class ExecutionStore(Protocol):
    """What executing a right needs from Egide's store (``adapters.store.unit_of_work.Store``)."""

    clock: Clock
    keyring: KeyringPort
    files: SealedFilesPort

    def unit_of_work(self, read_only: bool = False) -> AbstractContextManager[ExecutionUnitOfWork]: ...


@dataclass(frozen=True)
class Step:
    """One step: ``company`` runs in its own transaction on the company's database and returns
    counts; ``in_store`` runs inside the store transaction that records the step."""

    key: str
    company: Callable[[], dict[str, Any]] | None = None
    in_store: Callable[[ExecutionUnitOfWork], dict[str, Any]] | None = None


def run_key(request_id: str, dataset: Dataset) -> str:
    """The run of a request on one dataset (a request may cover several databases)."""
    return f"{request_id}/{dataset.name}"


@dataclass(frozen=True)
class StepGroup:
    """Steps run together: ``company`` receives the keys not yet done, runs them in one transaction
    on the company's database and returns each one's counts; they are recorded in one store
    transaction."""

    keys: tuple[str, ...]
    company: Callable[[tuple[str, ...]], dict[str, dict[str, Any]]]


def run_steps(store: ExecutionStore, run: str, steps: Sequence[Step | StepGroup], *, request_id: str, actor: str,
              on_step: Callable[[StepRecord], None] | None = None, done: dict[str, StepRecord] | None = None,
              finish: Callable[[ExecutionUnitOfWork, dict[str, StepRecord]], None] | None = None,
              note_resumption: bool = True) -> dict[str, StepRecord]:
    """Run the steps not yet finished, in order; return every finished step of the run. ``done``:
    the run's finished steps when the caller has just read them; ``finish`` runs in the store
    transaction that records the last step (or in one of its own when nothing was left to do)."""
    if done is None:
        with store.unit_of_work(read_only=True) as uow:
            done = uow.execution.steps(run)
    earlier = set(done)
    items = [s for s in steps if _pending(s, done)]
    for number, item in enumerate(items):
        if isinstance(item, StepGroup):
            pending = tuple(k for k in item.keys if k not in done)
            counts = item.company(pending)
        else:
            pending = (item.key,)
            counts = {item.key: item.company() if item.company is not None else {}}
        with store.unit_of_work() as uow:
            if number == 0 and earlier and note_resumption:
                resumed(uow, run, earlier, request_id=request_id, actor=actor)
            finished = []
            for key in pending:
                step_counts = counts[key]
                if isinstance(item, Step) and item.in_store is not None:
                    step_counts = {**step_counts, **item.in_store(uow)}
                finished.append((key, step_counts))
            records = record_steps(uow, store.clock, run, finished, request_id=request_id, actor=actor)
            done.update((r.step, r) for r in records)
            if finish is not None and number == len(items) - 1:
                finish(uow, done)
        for record in records:
            if on_step is not None:
                on_step(record)
    if finish is not None and not items:
        with store.unit_of_work() as uow:
            finish(uow, done)
    return done


def record_step(uow: ExecutionUnitOfWork, clock: Clock, run: str, key: str, counts: dict[str, Any], *,
                request_id: str, actor: str) -> StepRecord:
    """The step's completion and its audit event, in the caller's store transaction."""
    record = uow.execution.finish_step(run, key, counts, clock.now())
    uow.audit.record(AuditEvent("request.step_done", actor, "request", request_id,
                                {"run": run, "step": key, "counts": _numbers(counts)}))
    return record


def record_steps(uow: ExecutionUnitOfWork, clock: Clock, run: str, steps: list[tuple[str, dict[str, Any]]], *,
                 request_id: str, actor: str) -> list[StepRecord]:
    """Several steps' completions (one statement) and their audit events, in the caller's store transaction."""
    records = uow.execution.finish_steps(run, steps, clock.now())
    for record, (key, counts) in zip(records, steps):
        uow.audit.record(AuditEvent("request.step_done", actor, "request", request_id,
                                    {"run": run, "step": key, "counts": _numbers(counts)}))
    return records


def resumed(uow: ExecutionUnitOfWork, run: str, earlier: set[str], *, request_id: str, actor: str) -> None:
    """The audit trail says that a run resumed, and after which steps."""
    uow.audit.record(AuditEvent("request.execution_resumed", actor, "request", request_id,
                                {"run": run, "steps_done_before": sorted(earlier)}))


def _pending(step: Step | StepGroup, done: dict[str, StepRecord]) -> bool:
    keys = step.keys if isinstance(step, StepGroup) else (step.key,)
    return any(k not in done for k in keys)


def _numbers(counts: dict[str, Any]) -> dict[str, Any]:
    """What the audit event keeps of the counts: the numbers (the rules and dates stay in the step)."""
    return {k: v for k, v in counts.items() if isinstance(v, int)}
