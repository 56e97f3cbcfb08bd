"""Repositories of executed rights: finished steps, the erasure log and disputed rectifications.

Nothing here holds erased data. Steps hold counts; the erasure log holds keyed hashes of the
person's identifiers (the same HMAC as the suppression list), so a replay after a restored
backup can find the person again without Egide keeping the identifiers; a disputed
rectification's statement is sealed with the keyring, bound to its request.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Iterable

from sqlalchemy import Connection, bindparam, insert, select, tuple_, update

from egide.adapters.keyring import Keyring
from egide.adapters.store.repositories import utc_naive
from egide.adapters.store.tables import (
    disputed_rectifications,
    erasure_log,
    execution_steps,
)
from egide.domain.execution import (
    DisputedStatement,
    ErasureEntry,
    LookupHash,
    StepRecord,
)
from egide.domain.identity import Identifier


class ExecutionRecords:
    def __init__(self, connection: Connection, keyring: Keyring) -> None:
        self._c = connection
        self._keys = keyring

    # --- steps --------------------------------------------------------------------------------

    def steps(self, run: str) -> dict[str, StepRecord]:
        rows = self._c.execute(_STEPS, {"run": run}).all()
        return {r.step: StepRecord(r.run, r.step, r.status, json.loads(r.counts), r.finished_at) for r in rows}

    def finish_step(self, run: str, step: str, counts: dict[str, Any], at: datetime) -> StepRecord:
        """Record a finished step; a step already recorded is a conflict (two runs raced)."""
        return self.finish_steps(run, [(step, counts)], at)[0]

    def finish_steps(self, run: str, steps: list[tuple[str, dict[str, Any]]], at: datetime) -> list[StepRecord]:
        """Record finished steps in one statement (steps done together, an erasure's tables)."""
        if not steps:
            return []
        texts = [(step, json.dumps(counts, sort_keys=True, default=str)) for step, counts in steps]
        self._c.execute(_INSERT_STEP, [
            {"run": run, "step": step, "status": "done", "counts": text, "finished_at": utc_naive(at)}
            for step, text in texts])
        return [StepRecord(run, step, "done", json.loads(text), utc_naive(at)) for step, text in texts]

    # --- erasure log ----------------------------------------------------------------------------

    def hashes(self, identifiers: Iterable[Identifier]) -> tuple[LookupHash, ...]:
        return tuple(sorted({LookupHash(i.kind.value, self._keys.lookup_hash(i)) for i in identifiers},
                            key=lambda h: (h.kind, h.hash)))

    def start_erasure(self, request_id: str, dataset: str, identifiers: Iterable[Identifier],
                      at: datetime) -> ErasureEntry:
        """Log the erasure before its first step (idempotent: a resumed run finds its entry)."""
        found = self.erasure(request_id, dataset)
        if found is not None:
            return found
        hashes = self.hashes(identifiers)
        result = self._c.execute(_INSERT_ERASURE, {
            "request_id": request_id, "dataset": dataset, "started_at": utc_naive(at),
            "lookup_hashes": json.dumps([{"kind": h.kind, "hash": h.hash} for h in hashes])})
        return ErasureEntry(id=result.inserted_primary_key[0], request_id=request_id, dataset=dataset,
                            hashes=hashes, started_at=utc_naive(at))

    def finish_erasure(self, request_id: str, dataset: str, tables: dict[str, dict[str, Any]], at: datetime) -> None:
        self._c.execute(_FINISH_ERASURE, {"of_request": request_id, "of_dataset": dataset,
                                          "summary": json.dumps(tables, sort_keys=True, default=str),
                                          "at": utc_naive(at)})

    def erasure(self, request_id: str, dataset: str) -> ErasureEntry | None:
        row = self._c.execute(_ERASURE, {"request_id": request_id, "dataset": dataset}).first()
        return _entry(row) if row else None

    def erasures_since(self, since: datetime, dataset: str | None = None) -> list[ErasureEntry]:
        query = select(erasure_log).where(erasure_log.c.started_at >= utc_naive(since))
        if dataset is not None:
            query = query.where(erasure_log.c.dataset == dataset)
        return [_entry(r) for r in self._c.execute(query.order_by(erasure_log.c.started_at, erasure_log.c.id))]

    # --- disputed rectifications -------------------------------------------------------------------

    def add_statement(self, request_id: str, identifiers: Iterable[Identifier], fields: list[str],
                      statement: str, at: datetime) -> None:
        sealed = self._keys.seal(statement, context=f"statement:{request_id}")
        rows = [{"request_id": request_id, "kind": h.kind, "lookup_hash": h.hash, "fields": json.dumps(fields),
                 "sealed_statement": sealed, "recorded_at": utc_naive(at)} for h in self.hashes(identifiers)]
        if rows:
            self._c.execute(insert(disputed_rectifications), rows)

    def statements(self, identifiers: Iterable[Identifier]) -> list[DisputedStatement]:
        """The statements on file for anyone of these identifiers, oldest first, each once."""
        hashes = self.hashes(identifiers)
        if not hashes:
            return []
        rows = self._c.execute(_STATEMENTS, {"pairs": [(h.kind, h.hash) for h in hashes]}).all()
        seen: dict[str, DisputedStatement] = {}
        for r in rows:
            if r.request_id not in seen:
                seen[r.request_id] = DisputedStatement(
                    r.request_id, tuple(json.loads(r.fields)),
                    self._keys.open(r.sealed_statement, context=f"statement:{r.request_id}"), r.recorded_at)
        return list(seen.values())


_STEPS = select(execution_steps).where(execution_steps.c.run == bindparam("run")).order_by(execution_steps.c.id)
_INSERT_STEP = insert(execution_steps)
_INSERT_ERASURE = insert(erasure_log)
_FINISH_ERASURE = (update(erasure_log)  # built once, like the statements below
                   .where(erasure_log.c.request_id == bindparam("of_request"),
                          erasure_log.c.dataset == bindparam("of_dataset"))
                   .values(tables=bindparam("summary"), finished_at=bindparam("at")))
_ERASURE = select(erasure_log).where(erasure_log.c.request_id == bindparam("request_id"),  # built once
                                     erasure_log.c.dataset == bindparam("dataset"))
_STATEMENTS = select(disputed_rectifications).where(  # built once: (kind, lookup_hash) IN the person's pairs
    tuple_(disputed_rectifications.c.kind, disputed_rectifications.c.lookup_hash)
    .in_(bindparam("pairs", expanding=True))).order_by(disputed_rectifications.c.recorded_at,
                                                       disputed_rectifications.c.id)


def _entry(row) -> ErasureEntry:  # type: ignore[no-untyped-def]
    return ErasureEntry(
        id=row.id, request_id=row.request_id, dataset=row.dataset,
        hashes=tuple(LookupHash(h["kind"], h["hash"]) for h in json.loads(row.lookup_hashes)),
        started_at=row.started_at, finished_at=row.finished_at,
        tables=json.loads(row.tables) if row.tables else {})
