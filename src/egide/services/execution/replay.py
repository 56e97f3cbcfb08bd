"""Erasures run again after a database is restored from a backup (``egide request replay-erasures
--since DATE``), before the restored data is used.

The erasure log holds no identifier, only keyed hashes (HMAC under Egide's lookup key). To find
the person again, the identity columns of the restored database are read once, in chunks, each
value normalised and hashed the same way, and compared with the logged hashes: the values that
match are the person's identifiers, and the erasure runs again with them (as its own run of
steps: a replay killed half-way is simply replayed again, every step being idempotent).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from pathlib import Path

from sqlalchemy import Engine, select

from egide.adapters.connectors.sql import reflect_tables
from egide.datasets.model import Dataset
from egide.domain.audit import AuditEvent
from egide.domain.clock import Clock
from egide.domain.execution import ErasureEntry
from egide.domain.identity import Identifier
from egide.register.model import Register
from egide.services.execution.erasure import ErasureResult, run_erasure
from egide.services.execution.locate import normalised
from egide.services.execution.masking import HASH_PREFIX
from egide.services.execution.steps import ExecutionStore

CHUNK = 5000


@dataclass(frozen=True)
class ReplayResult:
    request_id: str
    erased_at: datetime
    identifiers_found: int
    result: ErasureResult | None  # None: the person is in none of the restored rows


def replay_erasures(store: ExecutionStore, *, dataset: Dataset, engine: Engine, register: Register,
                    since: date | datetime, log_root: Path | None = None, clock: Clock | None = None,
                    actor: str = "egide") -> list[ReplayResult]:
    """Run again every erasure of ``dataset`` logged since ``since``, oldest first."""
    start = since if isinstance(since, datetime) else datetime.combine(since, time.min, tzinfo=timezone.utc)
    now = (clock or store.clock).now()
    with store.unit_of_work(read_only=True) as uow:
        entries = uow.execution.erasures_since(start, dataset.name)
    found = find_people(store, dataset, engine, entries)
    results = []
    for entry in entries:
        identifiers = found.get(entry.request_id, [])
        result = None
        if identifiers:
            result = run_erasure(store, dataset=dataset, engine=engine, register=register,
                                 request_id=entry.request_id, identifiers=identifiers, log_root=log_root,
                                 clock=clock, actor=actor,
                                 run=f"replay@{now:%Y%m%dT%H%M%S%f}:{entry.request_id}/{dataset.name}")
        results.append(ReplayResult(entry.request_id, entry.started_at, len(identifiers), result))
    with store.unit_of_work() as uow:
        uow.audit.record(AuditEvent("request.erasures_replayed", actor, "dataset", dataset.name, {
            "since": start.isoformat(), "erasures": len(entries),
            "found": sum(1 for r in results if r.result is not None)}))
    return results


def find_people(store: ExecutionStore, dataset: Dataset, engine: Engine,
                entries: list[ErasureEntry]) -> dict[str, list[Identifier]]:
    """request id -> the identifiers whose keyed hash the erasure logged, as the database holds them."""
    wanted: dict[tuple[str, str], set[str]] = {}
    for entry in entries:
        for h in entry.hashes:
            wanted.setdefault((h.kind, h.hash), set()).add(entry.request_id)
    found: dict[str, set[Identifier]] = {}
    if not wanted:
        return {}
    kinds = {kind for kind, _ in wanted}
    columns = [(t.name, c.name, c.identity) for t in dataset.tables for c in t.columns
               if c.identity is not None and c.identity.value in kinds]
    tables = reflect_tables(engine, sorted({name for name, _, _ in columns}))
    with engine.connect() as connection:
        for table_name, column_name, kind in columns:
            column = tables[table_name].c[column_name]
            query = select(column).where(column.is_not(None)).distinct()
            result = connection.execution_options(stream_results=True, yield_per=CHUNK).execute(query)
            for chunk in result.partitions(CHUNK):
                for (value,) in chunk:
                    if str(value).startswith(HASH_PREFIX):
                        continue
                    normal = normalised(kind, value)
                    if normal is None:
                        continue
                    identifier = Identifier(kind, normal)
                    for request_id in wanted.get((kind.value, store.keyring.lookup_hash(identifier)), ()):
                        found.setdefault(request_id, set()).add(identifier)
    return {k: sorted(v, key=lambda i: (i.kind.value, i.value)) for k, v in found.items()}
