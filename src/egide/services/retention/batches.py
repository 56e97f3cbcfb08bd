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
    any_,
    case,
    delete,
    func,
    insert,
    literal,
    select,
    true,
    update,
)

from sqlalchemy.dialects.postgresql import ARRAY, aggregate_order_by
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement, False_

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
    """Process one batch of ``work``: the first ``batch_size`` matching rows after the key ``after``,
    in key order. With a one-column key the batch is a key range, ``key > after AND key <= bound``,
    where ``bound`` is the key of the batch's last matching row (``ORDER BY key OFFSET n-1 LIMIT 1``):
    no list of keys travels, and no batch scans again what the previous ones passed over."""
    sql_table = conditions.tables[work.table]
    keys = primary_key(conditions, work.table)
    ordered = [sql_table.c[k] for k in keys]
    if work.action is Action.archive:
        condition = work.condition if after is None or len(keys) > 1 else and_(ordered[0] > after, work.condition)
        moved, examples, last = move_batch(connection, database, conditions, work.table, work.rule, condition,
                                           ordered, batch_size)
        return Batch(moved, moved, examples, last)
    if len(keys) == 1 and not work.aggregate and connection.dialect.name == "postgresql":
        return _in_one_statement(connection, sql_table, ordered[0], work, after, batch_size, keyring)
    if len(keys) == 1:
        rows, selected, last, examples = _key_range(connection, ordered[0], work.condition, after, batch_size)
    else:
        rows, selected, last, examples = _key_list(connection, sql_table, keys, work.condition, batch_size)
    if selected == 0:
        return Batch(0, 0, [], after)
    chosen = and_(rows, work.condition)
    if work.action is Action.delete:
        if work.aggregate:
            _aggregate(connection, database, sql_table, chosen, run_id)
        changed = connection.execute(delete(sql_table).where(chosen)).rowcount or 0
        return Batch(selected, changed, examples, last)
    dialect = connection.dialect.name
    values = {}
    for anon in work.anonymize:
        new = value(connection, sql_table, anon, chosen, keyring, dialect)
        if work.action is Action.anonymize_columns:
            new = case((work.column_due[anon.column], new), else_=sql_table.c[anon.column])
        values[anon.column] = new
    changed = connection.execute(update(sql_table).where(chosen).values(values)).rowcount or 0
    return Batch(selected, changed, examples, last)


class _ArrayOf(ColumnElement[Any]):
    """PostgreSQL's ``ARRAY(SELECT ...)``: the subquery runs once (an InitPlan), its keys then
    found through the primary key's index."""

    inherit_cache = True

    def __init__(self, query: Any) -> None:
        self.query = query
        self.type = ARRAY(query.selected_columns[0].type)


@compiles(_ArrayOf, "postgresql")
def _array_of(element: _ArrayOf, compiler: Any, **kw: Any) -> str:
    return f"ARRAY({compiler.process(element.query, **kw)})"


def _in_one_statement(connection: Connection, sql_table: Any, key: Any, work: Work, after: Any, batch_size: int,
                      keyring: Any) -> Batch:
    """PostgreSQL, one statement a batch: ``WITH egide_done AS (DELETE (UPDATE) ... WHERE key =
    ANY(ARRAY(SELECT key ... WHERE <due> AND key > after ORDER BY key LIMIT n)) RETURNING key)
    SELECT count(*), max(key), (array_agg(key ORDER BY key))[1:3] FROM egide_done``: one row comes
    back (how many, where the next batch starts, three examples), not the batch's keys."""
    start = key > after if after is not None else true()
    keys = select(key).where(start, work.condition).order_by(key).limit(batch_size).correlate(None)
    chosen = key == any_(_ArrayOf(keys))
    if work.action is Action.delete:
        statement: Any = delete(sql_table).where(chosen)
    else:
        values = {}
        for anon in work.anonymize:
            new = value(connection, sql_table, anon, chosen, keyring, "postgresql")
            if work.action is Action.anonymize_columns:
                new = case((work.column_due[anon.column], new), else_=sql_table.c[anon.column])
            values[anon.column] = new
        statement = update(sql_table).where(chosen).values(values)
    done = statement.returning(key).cte("egide_done")
    taken = done.c[key.name]
    first = func.array_agg(aggregate_order_by(taken, taken), type_=ARRAY(key.type))[1:3]
    rows, last, examples = connection.execute(select(func.count(), func.max(taken), first)).one()
    return Batch(rows, rows, [str(k) for k in examples or []], last if rows else after)


def _key_range(connection: Connection, key: Any, condition: Any, after: Any,
               batch_size: int) -> tuple[Any, int, Any, list[str]]:
    """(the batch's rows as a key range, how many, its last key, example keys)."""
    start = key > after if after is not None else true()
    matching = and_(start, condition)
    examples = [str(k) for (k,) in connection.execute(select(key).where(matching).order_by(key).limit(3))] \
        if after is None else []
    if after is None and not examples:
        return start, 0, after, []
    bound = connection.execute(select(key).where(matching).order_by(key).offset(batch_size - 1).limit(1)) \
        .scalar_one_or_none()
    if bound is None:  # fewer than a batch left: all of them, and the step ends
        return start, batch_size - 1, after, examples
    return and_(start, key <= bound), batch_size, bound, examples


def _key_list(connection: Connection, sql_table: Any, keys: list[str], condition: Any,
              batch_size: int) -> tuple[Any, int, Any, list[str]]:
    """A composite key: the batch's keys, listed (row values)."""
    ordered = [sql_table.c[k] for k in keys]
    chosen = [tuple(r) for r in connection.execute(select(*ordered).where(condition).order_by(*ordered)
                                                   .limit(batch_size))]
    examples = [",".join(map(str, c)) for c in chosen[:3]]
    return tuple_in(sql_table, keys, chosen), len(chosen), None, examples


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
