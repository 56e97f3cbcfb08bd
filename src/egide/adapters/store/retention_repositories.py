"""Repositories of retention: runs and their batches (counts, never data) and legal holds.

A person hold names a data subject (whose identifiers the store keeps encrypted) and the keyed
hash of the identifier it was placed with; never the identifier in clear.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from egide.adapters.store.repositories import utc_naive
from egide.adapters.store.tables import retention_batches, retention_holds, retention_runs
from egide.domain.errors import NotFoundError
from egide.domain.retention import Hold, HoldScope


class RetentionRecords:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    # --- runs ---------------------------------------------------------------------------------

    def start_run(self, run_id: str, at: datetime, actor: str, batch_size: int, started_at: datetime) -> None:
        self._c.execute(insert(retention_runs), {
            "id": run_id, "at": utc_naive(at), "status": "running", "actor": actor, "batch_size": batch_size,
            "started_at": utc_naive(started_at)})

    def unfinished_run(self) -> dict[str, Any] | None:
        row = self._c.execute(select(retention_runs).where(retention_runs.c.status == "running")
                              .order_by(retention_runs.c.started_at.desc())).first()
        return _run(row) if row else None

    def finish_run(self, run_id: str, finished_at: datetime, summary: dict[str, Any]) -> None:
        self._c.execute(update(retention_runs).where(retention_runs.c.id == run_id).values(
            status="done", finished_at=utc_naive(finished_at), summary=json.dumps(summary, sort_keys=True, default=str)))

    def run(self, run_id: str) -> dict[str, Any]:
        row = self._c.execute(select(retention_runs).where(retention_runs.c.id == run_id)).first()
        if row is None:
            raise NotFoundError(f"no retention run {run_id!r}: `egide retention report` lists them")
        return _run(row)

    def runs(self, limit: int = 50) -> list[dict[str, Any]]:
        rows = self._c.execute(select(retention_runs).order_by(retention_runs.c.started_at.desc()).limit(limit)).all()
        return [_run(r) for r in rows]

    # --- batches ------------------------------------------------------------------------------

    def record_batch(self, run_id: str, step: str, seq: int, rule: str, rows: int, lock_ms: int,
                     finished_at: datetime, done: bool) -> None:
        self._c.execute(insert(retention_batches), {
            "run_id": run_id, "step": step, "seq": seq, "rule": rule, "rows": rows, "lock_ms": lock_ms,
            "finished_at": utc_naive(finished_at), "done": done})

    def progress(self, run_id: str) -> dict[str, tuple[int, int, bool]]:
        """Per step: (last batch number, rows so far, finished)."""
        found: dict[str, tuple[int, int, bool]] = {}
        rows = self._c.execute(select(retention_batches.c.step, retention_batches.c.seq, retention_batches.c.rows,
                                      retention_batches.c.done)
                               .where(retention_batches.c.run_id == run_id).order_by(retention_batches.c.id)).all()
        for step, seq, count, done in rows:
            _, total, finished = found.get(step, (0, 0, False))
            found[step] = (max(seq, found.get(step, (0,))[0]), total + count, finished or bool(done))
        return found

    def batches(self, run_id: str) -> list[dict[str, Any]]:
        rows = self._c.execute(select(retention_batches).where(retention_batches.c.run_id == run_id)
                               .order_by(retention_batches.c.id)).all()
        return [dict(r._mapping) for r in rows]

    # --- holds --------------------------------------------------------------------------------

    def add_hold(self, hold: Hold, subject_id: str | None, created_at: datetime) -> Hold:
        result = self._c.execute(insert(retention_holds), {
            "scope": hold.scope.value, "dataset": hold.dataset, "table_name": hold.table,
            "subject_id": subject_id, "kind": hold.kind, "lookup_hash": hold.lookup_hash, "event": hold.event,
            "reason": hold.reason, "owner": hold.owner, "starts_at": utc_naive(hold.starts_at),
            "ends_at": utc_naive(hold.ends_at) if hold.ends_at else None, "ended_at": None,
            "created_at": utc_naive(created_at)})
        return self.hold(int(result.inserted_primary_key[0]))

    def hold(self, hold_id: int) -> Hold:
        row = self._c.execute(select(retention_holds).where(retention_holds.c.id == hold_id)).first()
        if row is None:
            raise NotFoundError(f"no legal hold #{hold_id}: `egide retention hold list` shows them")
        return _hold(row)

    def end_hold(self, hold_id: int, at: datetime) -> Hold:
        self.hold(hold_id)
        self._c.execute(update(retention_holds).where(retention_holds.c.id == hold_id).values(ended_at=utc_naive(at)))
        return self.hold(hold_id)

    def holds(self) -> list[Hold]:
        return [_hold(r) for r in self._c.execute(select(retention_holds).order_by(retention_holds.c.id)).all()]

    def hold_subjects(self) -> dict[int, str]:
        rows = self._c.execute(select(retention_holds.c.id, retention_holds.c.subject_id)
                               .where(retention_holds.c.subject_id.is_not(None))).all()
        return {int(i): s for i, s in rows}


def _run(row: Any) -> dict[str, Any]:
    data = dict(row._mapping)
    data["summary"] = json.loads(data["summary"]) if data.get("summary") else None
    return data


def _hold(row: Any) -> Hold:
    return Hold(id=row.id, scope=HoldScope(row.scope), reason=row.reason, owner=row.owner, starts_at=row.starts_at,
                ends_at=row.ends_at, dataset=row.dataset, table=row.table_name, lookup_hash=row.lookup_hash,
                kind=row.kind, event=row.event, ended_at=row.ended_at)
