"""Where one person's rows are: for each table of the dataset, an SQL condition that selects
exactly the rows of that person, built from their identifiers and the references.

- A table's own **identity columns** match the person's identifiers (email, customer number;
  a phone number only in a table with no way up to another identity: two people may share a
  number, so a call record is reached through its ticket and the ticket's customer, never by
  the caller's number).
- A row matched by its own columns is left out when another of its identity columns
  contradicts the person (a customer row with the shared phone but someone else's email); rows
  matched by a phone number alone that belong to several people are all left out, and said so.
- Other rows are reached **up** the references (``orders.customer_id -> customers.id``: the
  orders of the person's customer rows); a table with no way up is reached **down** from its
  children (an ``addresses`` table referenced by ``customers``).
- The email and customer number found in the person's own identity rows are added to the
  identifiers once, so a log line naming ``customer_id=42`` is found for a request that gave
  an email. A value is never matched in a column that is not an identity column.
"""

from __future__ import annotations

import weakref
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from sqlalchemy import (
    Connection,
    Engine,
    Select,
    String,
    and_,
    cast,
    false,
    func,
    literal,
    not_,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy import Table as SqlTable
from sqlalchemy.sql.elements import ColumnElement

from egide.adapters.connectors.sql import children_of, reflect_tables
from egide.datasets.graph import erasure_order, references
from egide.datasets.model import Dataset
from egide.domain.errors import InvalidInputError
from egide.domain.identity import Identifier, IdentifierKind, normalise

STRONG = (IdentifierKind.email, IdentifierKind.customer_id)  # one person each; a phone may be shared
Keyed = Callable[[Identifier], str]  # an identifier -> the keyed hash an erasure writes for it


@dataclass
class Location:
    """The person's rows: ``conditions[table]`` selects them in ``tables[table]``; a table absent
    from ``conditions`` holds none of them."""

    tables: dict[str, SqlTable]
    conditions: dict[str, ColumnElement[bool]]
    identifiers: tuple[Identifier, ...]  # given, plus those read from the person's identity rows
    left_out: list[str] = field(default_factory=list)

    def rows(self, table: str, *columns: str) -> Select[Any]:
        sql_table = self.tables[table]
        chosen = [sql_table.c[c] for c in columns] if columns else [sql_table]
        return select(*chosen).where(self.condition(table))

    def condition(self, table: str) -> ColumnElement[bool]:
        return self.conditions.get(table, false())


_REFLECTED: "weakref.WeakKeyDictionary[Engine, dict[tuple[str, ...], dict[str, SqlTable]]]" = weakref.WeakKeyDictionary()


def company_tables(engine: Engine, dataset: Dataset) -> dict[str, SqlTable]:
    """The dataset's tables as the database has them; a column the dataset names but the database
    lacks is an input error (``egide dataset check`` says the same, with the closest name).
    Reflected once per engine and set of tables (a schema change needs a new engine: a restart)."""
    names = tuple(t.name for t in dataset.tables)
    known = _REFLECTED.setdefault(engine, {})
    if names not in known:
        known[names] = reflect_tables(engine, list(names))
    tables = known[names]
    missing = [f"{t.name}.{c.name}" for t in dataset.tables for c in t.columns if c.name not in tables[t.name].c]
    if missing:
        raise InvalidInputError(f"the database lacks columns the dataset {dataset.name} names: {', '.join(missing)}",
                                details={"hint": "run `egide dataset check` on the dataset and the database"})
    return tables


_CHILDREN: "weakref.WeakKeyDictionary[Engine, dict[tuple[str, ...], dict[str, list[tuple[str, str, str]]]]]" = \
    weakref.WeakKeyDictionary()


def company_children(engine: Engine, tables: dict[str, SqlTable]) -> dict[str, list[tuple[str, str, str]]]:
    """The database's foreign keys pointing at each table (``children_of``), read once per engine
    and set of tables, like the tables themselves."""
    names = tuple(tables)
    known = _CHILDREN.setdefault(engine, {})
    if names not in known:
        known[names] = children_of(tables, engine)
    return known[names]


def locate(connection: Connection, dataset: Dataset, tables: dict[str, SqlTable],
           identifiers: Iterable[Identifier], keyed: Keyed | None = None) -> Location:
    """Build the conditions for ``identifiers`` (reading the person's identity rows once).
    ``keyed``: the keyed hash an erasure writes in an identity column for an identifier; given, an
    identity column holding it matches too, so an erasure run again after a kill finds the rows
    it already pseudonymised (and the rows they lead to)."""
    given = _grouped(identifiers)
    found = _found_identifiers(connection, dataset, tables, given, keyed)
    merged = _grouped([*_flatten(given), *found])
    left_out: list[str] = []
    conditions = _conditions(connection, dataset, tables, merged, left_out, keyed)
    return Location(tables, conditions, tuple(_flatten(merged)), left_out)


def sql_value(column: Any, kind: IdentifierKind, value: str) -> Any:
    """The identifier's value as the column stores it (an integer customer number), or None."""
    if kind is IdentifierKind.customer_id:
        try:
            python_type = column.type.python_type
        except NotImplementedError:
            return value
        if python_type is int:
            return int(value) if value.isdigit() else None
    return value


def phone_forms(value: str) -> list[str]:
    """The spellings of a normalised number once spaces and dots are gone: +33639981234,
    0033639981234, 0639981234."""
    forms = {value}
    if value.startswith("+"):
        forms.add("00" + value[1:])
        if value.startswith("+33") and len(value) == 12:
            forms.add("0" + value[3:])
    return sorted(forms)


def _grouped(identifiers: Iterable[Identifier]) -> dict[IdentifierKind, set[str]]:
    grouped: dict[IdentifierKind, set[str]] = defaultdict(set)
    for identifier in identifiers:
        grouped[identifier.kind].add(identifier.value)
    return dict(grouped)


def _flatten(grouped: dict[IdentifierKind, set[str]]) -> list[Identifier]:
    return [Identifier(kind, value) for kind in IdentifierKind for value in sorted(grouped.get(kind, ()))]


def _match(column: Any, kind: IdentifierKind, values: set[str], keyed: Keyed | None = None) -> ColumnElement[bool]:
    if kind is IdentifierKind.email:
        matched = func.lower(func.trim(column)).in_(sorted(values))
    elif kind is IdentifierKind.phone:
        stripped = column
        for char in (" ", ".", "-", "(", ")", "/"):
            stripped = func.replace(stripped, char, "")
        matched = stripped.in_(sorted({f for v in values for f in phone_forms(v)}))
    else:
        coerced = [c for c in (sql_value(column, kind, v) for v in sorted(values)) if c is not None]
        matched = column.in_(coerced) if coerced else false()
    if keyed is not None and isinstance(column.type, String):
        length = column.type.length
        hashes = sorted({keyed(Identifier(kind, v))[:length] if length else keyed(Identifier(kind, v)) for v in values})
        matched = or_(matched, column.in_(hashes))
    return matched


def _routes_up(dataset: Dataset) -> set[str]:
    """Tables from which the references lead up to a table with identity columns."""
    parents: dict[str, set[str]] = defaultdict(set)
    for ref in references(dataset):
        parents[ref.child].add(ref.parent)
    with_identity = {t.name for t in dataset.tables if any(c.identity for c in t.columns)}
    found = set()
    for table in dataset.tables:
        seen, todo = set(), list(parents[table.name])
        while todo:
            here = todo.pop()
            if here in seen:
                continue
            seen.add(here)
            if here in with_identity and here != table.name:
                found.add(table.name)
                break
            todo.extend(parents[here])
    return found


@dataclass
class _Own:
    strong: list[ColumnElement[bool]]
    weak: list[ColumnElement[bool]]
    contradiction: list[ColumnElement[bool]]
    strong_columns: list[Any]


def _own(dataset: Dataset, name: str, sql_table: SqlTable, idents: dict[IdentifierKind, set[str]],
         upward: set[str], keyed: Keyed | None = None) -> _Own:
    own = _Own([], [], [], [])
    table = dataset.table(name)
    assert table is not None
    for column in table.columns:
        kind = column.identity
        if kind is None:
            continue
        sql_column = sql_table.c[column.name]
        if kind in STRONG:
            own.strong_columns.append(sql_column)
        values = idents.get(kind)
        if not values:
            continue
        if kind in STRONG:
            matched = _match(sql_column, kind, values, keyed)
            own.strong.append(matched)
            own.contradiction.append(and_(sql_column.is_not(None), not_(matched)))
        elif name not in upward:
            own.weak.append(_match(sql_column, kind, values))
    return own


def _own_condition(own: _Own, allow_weak: bool) -> ColumnElement[bool] | None:
    """Rows matched by the table's own identity columns, less those that contradict the person."""
    matched = [*own.strong, *(own.weak if allow_weak else [])]
    if not matched:
        return None
    condition = or_(*matched)
    if own.contradiction:
        condition = and_(condition, not_(or_(*own.contradiction)))
    return condition


def _shared_phone(connection: Connection, dataset: Dataset, tables: dict[str, SqlTable],
                  idents: dict[IdentifierKind, set[str]], upward: set[str], keyed: Keyed | None = None) -> list[str]:
    """The tables where a phone number alone matches rows of more than one person (told apart by
    different emails or customer numbers, across all tables); empty when it names one person."""
    if not any(kind not in STRONG for kind in idents):
        return []  # no phone number given: nothing to tell apart
    seen: dict[str, set[str]] = defaultdict(set)
    involved = []
    for name, sql_table in tables.items():
        own = _own(dataset, name, sql_table, idents, upward, keyed)
        if not own.weak or not own.strong_columns:
            continue
        weak_only = and_(or_(*own.weak), not_(or_(*own.strong)) if own.strong else true(),
                         not_(or_(*own.contradiction)) if own.contradiction else true())
        rows = connection.execute(select(*own.strong_columns).where(weak_only).distinct().limit(3)).all()
        kinds = _strong_kinds(dataset, name)
        for row in rows:
            involved.append(name)
            for sql_column, value in zip(own.strong_columns, row):
                normal = normalised(kinds[sql_column.name], value) if value is not None else None
                if normal is not None:
                    seen[kinds[sql_column.name].value].add(normal)
    if any(len(values) > 1 for values in seen.values()):
        return sorted(set(involved))
    return []


def _strong_kinds(dataset: Dataset, name: str) -> dict[str, IdentifierKind]:
    table = dataset.table(name)
    assert table is not None
    return {c.name: c.identity for c in table.columns if c.identity in STRONG}


def _found_identifiers(connection: Connection, dataset: Dataset, tables: dict[str, SqlTable],
                       given: dict[IdentifierKind, set[str]], keyed: Keyed | None) -> list[Identifier]:
    """Emails and customer numbers read from the rows the given identifiers match directly: one
    ``UNION ALL`` over the tables' identity columns (values as text, a hundred at most each)."""
    upward = _routes_up(dataset)
    allow_weak = not _shared_phone(connection, dataset, tables, given, upward, keyed)
    parts = []
    for name, sql_table in tables.items():
        own = _own(dataset, name, sql_table, given, upward, keyed)
        condition = _own_condition(own, allow_weak)
        if condition is None or not own.strong_columns:
            continue
        kinds = _strong_kinds(dataset, name)
        for column in own.strong_columns:
            values = (select(literal(kinds[column.name].value, String).label("kind"),
                             cast(column, String).label("value"))
                      .where(condition, column.is_not(None)).distinct().limit(100).subquery())
            parts.append(select(values.c.kind, values.c.value))
    found: list[Identifier] = []
    if not parts:
        return found
    for kind, value in connection.execute(union_all(*parts)):
        try:
            found.append(Identifier.of(kind, str(value)))
        except InvalidInputError:
            continue  # a malformed value in the company's data identifies nobody
    return found


def _conditions(connection: Connection, dataset: Dataset, tables: dict[str, SqlTable],
                idents: dict[IdentifierKind, set[str]], left_out: list[str],
                keyed: Keyed | None) -> dict[str, ColumnElement[bool]]:
    upward = _routes_up(dataset)
    refs = [r for r in references(dataset) if r.child in tables and r.parent in tables]
    shared = _shared_phone(connection, dataset, tables, idents, upward, keyed)
    if shared:
        left_out.append(f"a phone number alone matches rows of several people in {', '.join(shared)}: "
                        "those rows are left out (an email or a customer number tells the people apart)")
    conditions: dict[str, ColumnElement[bool]] = {}
    keys: dict[tuple[str, str], Any] = {}  # a parent's keys, read once for all its children
    for name in reversed(erasure_order(dataset).tables):  # parents first
        if name not in tables:
            continue
        sql_table = tables[name]
        parts = []
        own = _own_condition(_own(dataset, name, sql_table, idents, upward, keyed), allow_weak=not shared)
        if own is not None:
            parts.append(own)
        for ref in refs:
            if ref.child == name and ref.parent in conditions and ref.parent != name:
                parts.append(_in(sql_table.c[ref.column], _parent_keys(connection, tables, conditions, keys, ref)))
        if parts:
            conditions[name] = or_(*parts)
    _downward(connection, dataset, tables, refs, conditions)
    return conditions


MAX_LITERAL_KEYS = 5_000


def _member_of(connection: Connection, column: Any, keys: Select[Any]) -> ColumnElement[bool]:
    """``column IN (the keys)``: the person's few keys written as values, so the database can use the
    column's index whatever else the condition ORs (an IN-subquery inside an OR makes PostgreSQL scan
    the table); past MAX_LITERAL_KEYS, the subquery itself."""
    return _in(column, _keys(connection, keys))


def _parent_keys(connection: Connection, tables: dict[str, SqlTable], conditions: dict[str, ColumnElement[bool]],
                 cache: dict[tuple[str, str], Any], ref: Any) -> Any:
    """The keys of the person's rows in the reference's parent, read once for all the children
    that point at the same column (``orders``, ``support_tickets``... at ``customers.id``)."""
    key = (ref.parent, ref.parent_column)
    if key not in cache:
        parent = tables[ref.parent]
        cache[key] = _keys(connection, select(parent.c[ref.parent_column]).where(conditions[ref.parent]))
    return cache[key]


def _keys(connection: Connection, keys: Select[Any]) -> Any:
    """The keys as a list of values, or the query itself past MAX_LITERAL_KEYS."""
    found = connection.execute(keys.limit(MAX_LITERAL_KEYS + 1)).scalars().all()
    if len(found) > MAX_LITERAL_KEYS:
        return keys
    return sorted({v for v in found if v is not None})


def _in(column: Any, keys: Any) -> ColumnElement[bool]:
    if isinstance(keys, list):
        return column.in_(keys) if keys else false()
    return column.in_(keys)


def _downward(connection: Connection, dataset: Dataset, tables: dict[str, SqlTable], refs: list[Any],
              conditions: dict[str, ColumnElement[bool]]) -> None:
    """Personal tables with no way up are reached from their children's rows."""
    changed = True
    while changed:
        changed = False
        for table in dataset.tables:
            if table.name in conditions or table.name not in tables or not table.is_personal:
                continue
            parts = [_member_of(connection, tables[table.name].c[r.parent_column],
                                select(tables[r.child].c[r.column]).where(conditions[r.child]))
                     for r in refs if r.parent == table.name and r.child in conditions]
            if parts:
                conditions[table.name] = or_(*parts)
                changed = True


def normalised(kind: IdentifierKind, raw: Any) -> str | None:
    """A value read from the company's data or a log line, normalised; None when it is malformed."""
    try:
        return normalise(kind, str(raw))
    except InvalidInputError:
        return None
