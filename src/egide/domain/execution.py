"""What the store remembers about executing a right on the company's databases: the steps done
(so a killed run resumes where it stopped), the erasures done (so they can be replayed after a
backup is restored) and the statements of people who dispute a refused rectification.

None of these records holds erased data: steps and erasure entries hold counts, table names and
keyed hashes of the person's identifiers; a statement is sealed in the store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class StepRecord:
    """One finished step of a run: ``run`` is the request id (or a replay's own key)."""

    run: str
    step: str
    status: str  # done
    counts: dict[str, Any]
    finished_at: datetime


@dataclass(frozen=True)
class LookupHash:
    """A keyed hash (HMAC-SHA256) of one normalised identifier, as the suppression list keeps it."""

    kind: str
    hash: str


@dataclass(frozen=True)
class ErasureEntry:
    """An erasure as logged for replay: whom (keyed hashes only), where, how many rows, when."""

    id: int
    request_id: str
    dataset: str
    hashes: tuple[LookupHash, ...]
    started_at: datetime
    finished_at: datetime | None = None
    tables: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class DisputedStatement:
    """A person's statement about a rectification the controller disputes (art. 16, art. 18(1)(a)):
    it goes with later disclosures of the data it is about."""

    request_id: str
    fields: tuple[str, ...]
    statement: str
    recorded_at: datetime
