"""One bounded batch of a retention step, in the caller's transaction on the company database.

A batch takes at most ``batch_size`` rows to process, the first ones after where the previous
batch ended in the order of a walk: ``(clock, key)`` when the rows are dated by a column of the
table that leads an index (each batch then reads expired rows only), else the key. It then runs
one ``DELETE`` or one ``UPDATE ... SET``, the condition re-checked in the statement itself. The
lock a batch holds therefore covers at most ``batch_size`` rows, whatever the table's size; the
next batch starts after the last row taken, and finds nothing once the work is done. How many
rows the next batch takes is the run's business (``run.Pace``: sized to a time per batch).
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import Any, Callable

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
    literal_column,
    select,
    true,
    tuple_,
    type_coerce,
    update,
)

from sqlalchemy.dialects.postgresql import ARRAY, aggregate_order_by
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement, False_
from sqlalchemy.types import NullType, UserDefinedType

from egide.domain.retention import Action
from egide.services.retention.anonymize import period_text, value
from egide.services.retention.archive import move_batch
from egide.services.retention.sql import Conditions, primary_key, tuple_in
from egide.services.retention.work import Work


@dataclass(frozen=True)
class Batch:
    selected: int  # rows taken (fewer than the batch size: the step is done)
    changed: int  # rows deleted, updated or moved
    examples: list[str]
    last: Any  # where the next batch starts: the walk's values of the last row taken (one-column keys)


def walk(connection: Connection, sql_table: Any, work: Work, keys: list[str]) -> list[Any]:
    """The columns a batch walks forward, in order: ``(clock, key)`` when the work has a clock
    column of its own leading an index (each batch reads expired rows only, through that index),
    else the one-column key. On SQLite the values are taken and compared as stored (a timestamp
    read back through the column's type could be written differently from the stored text)."""
    columns = [sql_table.c[work.clock], sql_table.c[keys[0]]] if work.clock else [sql_table.c[keys[0]]]
    if connection.dialect.name == "sqlite":
        return [type_coerce(c, NullType()).label(c.name) for c in columns]
    return columns


def run_batch(connection: Connection, database: Any, conditions: Conditions, work: Work, batch_size: int,
              keyring: Any, run_id: str, after: Any = None) -> Batch:
    """Process one batch of ``work``: the first ``batch_size`` matching rows after ``after``, in the
    order of the walk (:func:`walk`). With a one-column key the batch is a range of the walk,
    ``walk > after AND walk <= bound``, where ``bound`` is the walk's values of the batch's last
    matching row: no list of keys travels, and no batch scans again what the previous ones passed."""
    sql_table = conditions.tables[work.table]
    keys = primary_key(conditions, work.table)
    ordered = [sql_table.c[k] for k in keys]
    if work.action is Action.archive:
        condition = work.condition if after is None or len(keys) > 1 else and_(ordered[0] > after[0], work.condition)
        moved, examples, last = move_batch(connection, database, conditions, work.table, work.rule, condition,
                                           ordered, batch_size)
        return Batch(moved, moved, examples, (last,) if last is not None else after)
    if len(keys) == 1 and not work.aggregate and connection.dialect.name == "postgresql":
        return _in_one_statement(connection, sql_table, ordered[0], walk(connection, sql_table, work, keys), work,
                                 after, batch_size, keyring)
    if len(keys) == 1:
        rows, selected, last, examples = _walk_range(connection, ordered[0], walk(connection, sql_table, work, keys),
                                                     work.condition, after, batch_size)
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
    changed = connection.execute(update(sql_table).where(chosen).values(_values(connection, sql_table, work, chosen,
                                                                                keyring))).rowcount or 0
    return Batch(selected, changed, examples, last)


def _values(connection: Connection, sql_table: Any, work: Work, chosen: Any, keyring: Any) -> dict[str, Any]:
    values = {}
    for anon in work.anonymize:
        new = value(connection, sql_table, anon, chosen, keyring, connection.dialect.name)
        if work.action is Action.anonymize_columns:
            new = case((work.column_due[anon.column], new), else_=sql_table.c[anon.column])
        values[anon.column] = new
    return values


def _after(columns: list[Any], after: Any) -> ColumnElement[bool]:
    """The rows past ``after`` in the walk: ``key > :k``, or ``(clock, key) > (:c, :k)`` (row values)."""
    return true() if after is None else _compared(columns, after, operator.gt)


def _compared(columns: list[Any], values: Any, compare: Callable[[Any, Any], Any]) -> ColumnElement[bool]:
    """``column <op> :value`` for one column, a row-value comparison for several."""
    bound = [literal(v, c.type) for c, v in zip(columns, values)]
    if len(columns) == 1:
        return compare(columns[0], bound[0])
    return compare(tuple_(*columns), tuple_(*bound))


class _Tid(UserDefinedType[Any]):
    """PostgreSQL's ``tid``: where a row version lies in its table."""

    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        return "tid"


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


def _in_one_statement(connection: Connection, sql_table: Any, key: Any, columns: list[Any], work: Work, after: Any,
                      batch_size: int, keyring: Any) -> Batch:
    """PostgreSQL, one statement a batch: ``WITH egide_batch AS (SELECT <walk> ... WHERE <due> AND
    <walk> > after ORDER BY <walk> LIMIT n), egide_done AS (DELETE (UPDATE) ... WHERE ctid =
    ANY(ARRAY(SELECT ctid FROM egide_batch)) RETURNING key) SELECT ...``: one row comes back (how
    many taken and changed, where the next batch starts, three examples), not the batch's keys."""
    tuple_id = literal_column("ctid", type_=_Tid())
    taken = select(*columns, tuple_id.label("egide_tid")).where(_after(columns, after), work.condition) \
        .order_by(*columns).limit(batch_size).correlate(None).cte("egide_batch")
    # the rows found by their tuple id (a TID scan: no index probe per row), in the statement's own
    # snapshot; a row updated meanwhile by another transaction has a new tuple id and is left for later
    chosen = tuple_id == any_(_ArrayOf(select(taken.c.egide_tid)))
    if work.action is Action.delete:
        statement: Any = delete(sql_table).where(chosen)
    else:
        statement = update(sql_table).where(chosen).values(_values(connection, sql_table, work, chosen, keyring))
    done = statement.returning(key).cte("egide_done")
    changed = done.c[key.name]
    first = func.array_agg(aggregate_order_by(changed, changed), type_=ARRAY(key.type))[1:3]
    walked = [taken.c[c.name] for c in columns]
    last = [select(c).order_by(*[w.desc() for w in walked]).limit(1).scalar_subquery() for c in walked]
    row = connection.execute(select(select(func.count()).select_from(taken).scalar_subquery(), func.count(),
                                    first, *last).select_from(done)).one()
    selected, rows, examples = row[0], row[1], row[2]
    return Batch(selected, rows, [str(k) for k in examples or []], tuple(row[3:]) if selected else after)


def _walk_range(connection: Connection, key: Any, columns: list[Any], condition: Any, after: Any,
                batch_size: int) -> tuple[Any, int, Any, list[str]]:
    """(the batch's rows as a range of the walk, how many, where it ends, example keys)."""
    start = _after(columns, after)
    matching = and_(start, condition)
    examples = [str(k) for (k,) in connection.execute(select(key).where(matching).order_by(*columns).limit(3))] \
        if after is None else []
    if after is None and not examples:
        return start, 0, after, []
    bound = connection.execute(select(*columns).where(matching).order_by(*columns).offset(batch_size - 1).limit(1)) \
        .one_or_none()
    if bound is None:  # fewer than a batch left: all of them, and the step ends
        return start, batch_size - 1, after, examples
    return and_(start, _compared(columns, tuple(bound), operator.le)), batch_size, tuple(bound), examples


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
