"""The work of a retention run on one database, as conditions: for each table (children before
parents) and action, the rows to process, the rows kept by a hold, and the anonymizations.

Shared by the plan (which counts) and the run (which processes batches), so the plan says
exactly what the run will do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, false, not_, or_
from sqlalchemy.sql.elements import ColumnElement

from egide.datasets.graph import references
from egide.domain.errors import ConfigurationError
from egide.domain.retention import Action, Hold, HoldScope
from egide.services.execution.locate import company_tables, locate
from egide.services.retention.anonymize import ColumnAnonymization, needs, strategies
from egide.services.retention.compile import TableRetention, compile_dataset
from egide.services.retention.sql import Conditions


SUPPORTED_DIALECTS = ("sqlite", "postgresql")


@dataclass
class Work:
    """Rows of one table to process with one action (``condition``), and those a hold keeps."""

    dataset: str
    table: str
    action: Action
    rule: str
    condition: ColumnElement[bool]
    held: ColumnElement[bool]
    hold: str | None = None  # the table or dataset hold that skips the whole table
    anonymize: list[ColumnAnonymization] = field(default_factory=list)
    column_due: dict[str, ColumnElement[bool]] = field(default_factory=dict)
    aggregate: bool = False
    clock: str | None = None  # a clock column of the table bounding every row of ``condition``: batches walk it


    @property
    def key(self) -> str:
        return f"{self.dataset}/{self.table}/{self.action.value}"


@dataclass
class DatabaseWork:
    database: Any  # CompanyDatabase
    conditions: Conditions
    works: list[Work]
    notes: list[str]


def database_work(connection: Connection, database: Any, register: Any, at: datetime, holds: list[Hold],
                  people: list[tuple[Hold, tuple]], kept: dict[str, ColumnElement[bool]] | None = None) -> DatabaseWork:
    """Compile the register onto the database's dataset and build the conditions at ``at``.
    ``kept``: per table, the rows a re-contact keeps (:mod:`.awaiting`), held like a person's."""
    dataset = database.dataset
    check_supported([database])
    compiled = compile_dataset(dataset, register)
    tables = company_tables(database.engine, dataset)
    events = frozenset(h.event for h in holds if h.scope is HoldScope.event and h.event and h.active(at))
    held = _person_conditions(connection, dataset, tables, people)
    for name, condition in (kept or {}).items():
        held[name] = or_(held[name], condition) if name in held else condition
    conditions = Conditions(dataset, tables, {c.table: c for c in compiled}, at, events, held)
    notes = [n for c in compiled for n in c.notes]
    works: list[Work] = []
    for item in compiled:
        works += _table_work(conditions, item, dataset, holds, at, connection.dialect.name)
    return DatabaseWork(database, conditions, works, notes)


def check_supported(databases: list[Any]) -> None:
    """Refuse, before anything is read or written, a company database retention cannot run on."""
    for database in databases:
        dialect = database.engine.dialect.name
        if dialect not in SUPPORTED_DIALECTS:
            raise ConfigurationError(
                f"dataset {database.dataset.name}: retention runs on SQLite and PostgreSQL company databases, not on "
                f"{dialect} (its anonymizations and batches use their SQL); rights requests do run there",
                details={"dataset": database.dataset.name, "dialect": dialect})


def _person_conditions(connection: Connection, dataset: Any, tables: dict[str, Any],
                       people: list[tuple[Hold, tuple]]) -> dict[str, ColumnElement[bool]]:
    found: dict[str, list[ColumnElement[bool]]] = {}
    for _, identifiers in people:
        if not identifiers:
            continue
        location = locate(connection, dataset, tables, identifiers)
        for name in location.conditions:  # each person's values inside: several people are ORed
            found.setdefault(name, []).append(location.bound(name))
    return {name: or_(*conds) for name, conds in found.items()}


def _table_work(conditions: Conditions, item: TableRetention, dataset: Any, holds: list[Hold], at: datetime,
                dialect: str) -> list[Work]:
    name = item.table
    if item.deciding is None:
        return []
    whole = next((h for h in holds if h.scope in (HoldScope.dataset, HoldScope.table) and h.active(at)
                  and h.covers(dataset.name, name)), None)
    table = dataset.table(name)
    sql_table = conditions.tables[name]
    due = conditions.due(name)
    held_people = conditions.held(name)
    people = name in conditions.person_held
    events = any(c.period is None and c.while_open in conditions.open_events for c in item.covers)
    held_parts = ([and_(due, held_people)] if people else []) + \
        ([and_(conditions.due(name, with_events=False), not_(due))] if events else [])
    works: list[Work] = []
    action = item.action
    assert action is not None
    clock = walk_clock(item, sql_table)
    if action is Action.archive:  # rows whose archive period is already over go at once
        gone, released = conditions.gone(name), conditions.released(name)
        works.append(Work(dataset.name, name, Action.delete, item.deciding.rule, and_(gone, released), false(),
                          _label(whole), clock=clock))
        condition = and_(gone, not_(released))
    elif action is Action.delete:
        condition = conditions.gone(name)
    else:
        columns = strategies(table, sql_table)
        condition = and_(due, not_(held_people), or_(*[needs(sql_table, c, dialect) for c in columns]) if columns
                         else false())
    works.append(Work(dataset.name, name, action, item.deciding.rule, condition,
                      or_(*held_parts) if held_parts else false(), _label(whole),
                      anonymize=strategies(table, sql_table) if action is Action.anonymize else [],
                      aggregate=item.deciding.aggregate and table.summary is not None, clock=clock))
    pointed_at = any(r.parent == name and r.child != name for r in references(dataset))
    if action is Action.delete and pointed_at:  # due, but a row that stays points at it: anonymized in place
        columns = strategies(table, sql_table)
        if columns:
            pending = or_(*[needs(sql_table, c, dialect) for c in columns])
            works.append(Work(dataset.name, name, Action.anonymize, item.deciding.rule,
                              and_(due, not_(held_people), not_(condition), pending),
                              and_(due, held_people, pending) if people else false(), _label(whole),
                              anonymize=columns, clock=clock))
    if item.column_covers:
        column_work = _column_work(conditions, item, table, sql_table, due, held_people, dialect, whole)
        if column_work is not None:
            works.append(column_work)
    return works


def _column_work(conditions: Conditions, item: TableRetention, table: Any, sql_table: Any, due: Any,
                 held_people: Any, dialect: str, whole: Hold | None) -> Work | None:
    """Columns every rule covering them has released, in rows a longer rule keeps: anonymized."""
    columns = strategies(table, sql_table)
    column_due: dict[str, ColumnElement[bool]] = {}
    rules: set[str] = set()
    for anon in columns:
        covering = [c for c in item.covers if c.columns is None or anon.column in c.columns]
        if not covering or len(covering) == len(item.covers) or item.undated:
            continue  # released only with the whole row
        column_due[anon.column] = and_(*[conditions.expired(c, sql_table) for c in covering])
        rules.update(c.rule for c in covering)
    if not column_due:
        return None
    chosen = [c for c in columns if c.column in column_due]
    pending = or_(*[and_(column_due[c.column], needs(sql_table, c, dialect)) for c in chosen])
    condition = and_(not_(due), pending, not_(held_people))
    return Work(item.dataset, item.table, Action.anonymize_columns, "+".join(sorted(rules)), condition,
                and_(not_(due), pending, held_people), _label(whole), anonymize=chosen, column_due=column_due)


def walk_clock(item: TableRetention, sql_table: Any) -> str | None:
    """A column of the table itself that dates its rows under one of the covering rules plainly
    (no join, no derived clock, no 'at least', no optional event, no flag), so ``clock <= cutoff``
    is a conjunct of every due row, and that leads an index: batches can walk that index,
    ``(clock, key) > (last)``, touching only expired rows. None: batches walk the primary key."""
    indexed = {list(index.columns)[0].name for index in sql_table.indexes if len(index.columns)}
    for cover in item.covers:
        if (cover.period is not None and cover.clock_column is not None and cover.clock_column[0] == item.table
                and not cover.via and cover.derived is None and not cover.minimum and not cover.optional_clock
                and cover.only_where is None and cover.clock_column[1] in indexed):
            return cover.clock_column[1]
    return None


def _label(hold: Hold | None) -> str | None:
    if hold is None:
        return None
    return f"hold #{hold.id} ({hold.scope.value}: {hold.reason}, {hold.owner})"
