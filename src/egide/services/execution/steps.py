"""Resumable execution: a right is executed as named steps whose completion Egide's store records.

Each step runs in its own transaction on the company's database (or in the store's, for a
step that only touches the store) and, once that transaction has committed, its completion and
counts are recorded in the store with an audit event (counts only, never data). A run that is
killed resumes where it stopped: finished steps are skipped. A step is idempotent by
construction (a DELETE with the same WHERE deletes nothing the second time, a masked value is
not masked again), so a step that committed on the company's side but was not yet recorded is
simply run again, and finds nothing left to do.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Callable, Protocol

from egide.datasets.model import Dataset
from egide.domain.audit import AuditEvent
from egide.domain.clock import Clock
from egide.domain.execution import StepRecord
from egide.domain.identity import Identifier
from egide.services.ports import AuditTrailPort, ExecutionRecordsPort


class SuppressionListPort(Protocol):
    def add(self, list_name: str, identifier: Identifier, channel: str, at: Any, source: str) -> bool: ...


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


def run_steps(store: ExecutionStore, run: str, steps: list[Step], *, request_id: str, actor: str,
              on_step: Callable[[StepRecord], None] | None = None) -> dict[str, StepRecord]:
    """Run the steps not yet finished, in order; return every finished step of the run."""
    with store.unit_of_work(read_only=True) as uow:
        done = uow.execution.steps(run)
    for step in steps:
        if step.key in done:
            continue
        counts = step.company() if step.company is not None else {}
        with store.unit_of_work() as uow:
            if step.in_store is not None:
                counts = {**counts, **step.in_store(uow)}
            record = uow.execution.finish_step(run, step.key, counts, store.clock.now())
            uow.audit.record(AuditEvent("request.step_done", actor, "request", request_id,
                                        {"run": run, "step": step.key, "counts": _numbers(counts)}))
        done[step.key] = record
        if on_step is not None:
            on_step(record)
    return done


def _numbers(counts: dict[str, Any]) -> dict[str, Any]:
    """What the audit event keeps of the counts: the numbers (the rules and dates stay in the step)."""
    return {k: v for k, v in counts.items() if isinstance(v, int)}
