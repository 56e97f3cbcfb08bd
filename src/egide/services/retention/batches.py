"""One bounded batch of a retention step, in the caller's transaction on the company database.

A batch takes at most ``batch_size`` keys of the rows to process (``SELECT key ... WHERE
<condition> LIMIT n``, the condition re-checked in the statement itself), then runs one
``DELETE ... WHERE key IN (...)`` or one ``UPDATE ... SET ... WHERE key IN (...)``. The lock a
batch holds therefore covers at most ``batch_size`` rows, whatever the table's size; the next
batch selects again, and finds nothing once the work is done.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    case,
    delete,
    func,
    insert,
    literal,
    select,
    update,
)

from sqlalchemy.sql.elements import False_

from egide.domain.retention import Action
from egide.services.retention.anonymize import period_text, value
from egide.services.retention.archive import move_batch
from egide.services.retention.sql import Conditions, primary_key, tuple_in
from egide.services.retention.work import Work


@dataclass(frozen=True)
class Batch:
    selected: int  # keys taken (fewer than the batch size: the step is done)
    changed: int  # rows deleted, updated or moved
    examples: list[str]
    last: Any  # the last key taken: the next batch starts after it (one-column keys)


def run_batch(connection: Connection, database: Any, conditions: Conditions, work: Work, batch_size: int,
              keyring: Any, run_id: str, after: Any = None) -> Batch:
    """Process one batch of ``work``: the first ``batch_size`` matching keys after ``after``, in
    key order (a one-column key walks its index forward, so no batch scans again the rows the
    previous ones passed over)."""
    sql_table = conditions.tables[work.table]
    keys = primary_key(conditions, work.table)
    ordered = [sql_table.c[k] for k in keys]
    condition = work.condition if after is None or len(keys) > 1 else and_(ordered[0] > after, work.condition)
    if work.action is Action.archive:
        moved, examples, last = move_batch(connection, database, conditions, work.table, work.rule, condition,
                                           ordered, batch_size)
        return Batch(moved, moved, examples, last)
    chosen = [tuple(r) if len(keys) > 1 else r[0] for r in connection.execute(
        select(*ordered).where(condition).order_by(*ordered).limit(batch_size))]
    if not chosen:
        return Batch(0, 0, [], after)
    rows = tuple_in(sql_table, keys, chosen)
    examples = [",".join(map(str, c)) if isinstance(c, tuple) else str(c) for c in chosen[:3]]
    last = chosen[-1] if len(keys) == 1 else None
    if work.action is Action.delete:
        if work.aggregate:
            _aggregate(connection, database, sql_table, and_(rows, work.condition), run_id)
        changed = connection.execute(delete(sql_table).where(rows, work.condition)).rowcount or 0
        return Batch(len(chosen), changed, examples, last)
    dialect = connection.dialect.name
    values = {}
    for anon in work.anonymize:
        new = value(connection, sql_table, anon, rows, keyring, dialect)
        if work.action is Action.anonymize_columns:
            new = case((work.column_due[anon.column], new), else_=sql_table.c[anon.column])
        values[anon.column] = new
    changed = connection.execute(update(sql_table).where(rows).values(values)).rowcount or 0
    return Batch(len(chosen), changed, examples, last)


def _aggregate(connection: Connection, database: Any, sql_table: Any, rows: Any, run_id: str) -> int:
    """Add the rows about to go to the table's summary (INSERT ... SELECT ... GROUP BY), in the
    delete's transaction: the aggregates and the deletion commit together."""
    table = database.dataset.table(sql_table.name)
    summary = table.summary
    dialect = connection.dialect.name
    target = summary_table(summary)
    target.metadata.create_all(connection, checkfirst=True)
    groups = [period_text(sql_table.c[g.column], g.generalize, dialect).label(g.column) for g in summary.group_by]
    sums = [func.coalesce(func.sum(sql_table.c[s]), 0).label(f"{s}_sum") for s in summary.sums]
    chosen = select(literal(run_id).label("egide_run"), *groups, func.count().label("rows"), *sums) \
        .where(rows).group_by(*[g for g in groups])
    names = ["egide_run", *[g.column for g in summary.group_by], "rows", *[f"{s}_sum" for s in summary.sums]]
    return connection.execute(insert(target).from_select(names, chosen)).rowcount or 0


def summary_table(summary: Any) -> Table:
    """The summary table: one row per run and group, the counts and sums; readers add them up."""
    return Table(summary.table, MetaData(), Column("egide_run", String(40), nullable=False),
                 *[Column(g.column, String(100)) for g in summary.group_by],
                 Column("rows", Integer, nullable=False), *[Column(f"{s}_sum", BigInteger) for s in summary.sums])


def count(connection: Connection, conditions: Conditions, work: Work, *, rows: bool = True,
          examples: bool = True) -> tuple[int, int, list[str]]:
    """(rows the work would process, rows a hold keeps, a few example keys) without changing
    anything; a count not asked for (or a hold that cannot apply) costs no query."""
    sql_table = conditions.tables[work.table]
    keys = primary_key(conditions, work.table)
    found = connection.execute(select(func.count()).select_from(sql_table).where(work.condition)).scalar_one() \
        if rows else 0
    held = 0 if isinstance(work.held, False_) else \
        connection.execute(select(func.count()).select_from(sql_table).where(work.held)).scalar_one()
    shown = [",".join(map(str, r)) for r in connection.execute(
        select(*[sql_table.c[k] for k in keys]).where(work.condition).order_by(*[sql_table.c[k] for k in keys])
        .limit(3))] if examples else []
    return int(found), int(held), shown
