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

The conditions are built once per dataset and shape of request, with bound parameters
(:mod:`.bound`); a :class:`Location` carries the values (``params``) to execute them with.
"""

from __future__ import annotations

import weakref
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable

from sqlalchemy import BindParameter, Connection, Engine, Select, bindparam, false, select
from sqlalchemy import Table as SqlTable
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import replacement_traverse

from egide.adapters.connectors.sql import children_of, reflect_tables
from egide.datasets.model import Dataset
from egide.domain.errors import InvalidInputError
from egide.domain.identity import Identifier, IdentifierKind, normalise
from egide.services.execution.bound import (
    MAX_LITERAL_KEYS,
    Keyed,
    Plan,
    Shape,
    phone_forms,
    plan_for,
)

__all__ = ["Keyed", "Location", "company_children", "company_tables", "locate", "normalised", "phone_forms"]


@dataclass
class Location:
    """The person's rows: ``conditions[table]`` selects them in ``tables[table]``, executed with
    ``params`` (the conditions hold bound parameters); a table absent from ``conditions`` holds
    none of them. ``plan`` keeps the statements built on these conditions (:meth:`memo`)."""

    tables: dict[str, SqlTable]
    conditions: dict[str, ColumnElement[bool]]
    identifiers: tuple[Identifier, ...]  # given, plus those read from the person's identity rows
    left_out: list[str] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)
    plan: Plan | None = None

    def rows(self, table: str, *columns: str) -> Select[Any]:
        sql_table = self.tables[table]
        chosen = [sql_table.c[c] for c in columns] if columns else [sql_table]
        return select(*chosen).where(self.condition(table))

    def condition(self, table: str) -> ColumnElement[bool]:
        return self.conditions.get(table, false())

    def memo(self, key: Any, build: Any) -> Any:
        """A statement built once per plan (per dataset and shape of request); executed with ``params``."""
        return self.plan.memo(key, build) if self.plan is not None else build()

    def bound(self, table: str) -> ColumnElement[bool]:
        """The condition with this person's values inside (unique parameters), for a statement
        that combines several people's conditions (retention's holds)."""
        def replace(element: Any) -> Any:
            if isinstance(element, BindParameter) and element.key in self.params:
                return bindparam(None, self.params[element.key], type_=element.type, expanding=element.expanding,
                                 unique=True)
            return None
        return replacement_traverse(self.condition(table), {}, replace)


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
    engine = connection.engine
    given = _grouped(identifiers)
    shape = Shape(frozenset(given), keyed is not None)
    shape = Shape(shape.kinds, shape.keyed, not _shared_phone(connection, plan_for(engine, dataset, tables, shape),
                                                                given, keyed))
    found = _found_identifiers(connection, plan_for(engine, dataset, tables, shape), given, keyed)
    merged = _grouped([*_flatten(given), *found])
    shape = Shape(frozenset(merged), keyed is not None)
    shared = _shared_phone(connection, plan_for(engine, dataset, tables, shape), merged, keyed)
    left_out: list[str] = []
    if shared:
        left_out.append(f"a phone number alone matches rows of several people in {', '.join(shared)}: "
                        "those rows are left out (an email or a customer number tells the people apart)")
    plan = plan_for(engine, dataset, tables, Shape(shape.kinds, shape.keyed, not shared))
    plan, params = _read_keys(connection, engine, dataset, tables, plan, merged, keyed)
    return Location(tables, plan.conditions, tuple(_flatten(merged)), left_out, params, plan)


def _read_keys(connection: Connection, engine: Engine, dataset: Dataset, tables: dict[str, SqlTable], plan: Plan,
               idents: dict[IdentifierKind, set[str]], keyed: Keyed | None) -> tuple[Plan, dict[str, Any]]:
    """The values of every parameter: the identifiers, then the keys read up (and down) the
    references in order, each read once for all the tables that point at the same column. Past
    MAX_LITERAL_KEYS keys, the plan that reads them by subquery instead is taken."""
    params = plan.identity_values(idents, keyed)
    while True:
        for read in plan.reads:
            if read.name in params:
                continue
            found = connection.execute(read.statement, params).scalars().all()
            if len(found) > MAX_LITERAL_KEYS:
                shape = plan.shape
                plan = plan_for(engine, dataset, tables,
                                Shape(shape.kinds, shape.keyed, shape.allow_weak, shape.big | {read.name}))
                break
            params[read.name] = sorted({v for v in found if v is not None})
        else:
            return plan, params


def _grouped(identifiers: Iterable[Identifier]) -> dict[IdentifierKind, set[str]]:
    grouped: dict[IdentifierKind, set[str]] = defaultdict(set)
    for identifier in identifiers:
        grouped[identifier.kind].add(identifier.value)
    return dict(grouped)


def _flatten(grouped: dict[IdentifierKind, set[str]]) -> list[Identifier]:
    return [Identifier(kind, value) for kind in IdentifierKind for value in sorted(grouped.get(kind, ()))]


def _shared_phone(connection: Connection, plan: Plan, idents: dict[IdentifierKind, set[str]],
                  keyed: Keyed | None) -> list[str]:
    """The tables where a phone number alone matches rows of more than one person (told apart by
    different emails or customer numbers, across all tables); empty when it names one person."""
    if not plan.shared:
        return []  # no phone number given: nothing to tell apart
    params = plan.identity_values(idents, keyed)
    seen: dict[str, set[str]] = defaultdict(set)
    involved = []
    for name, statement, columns in plan.shared:
        for row in connection.execute(statement, params).all():
            involved.append(name)
            for (_, kind), value in zip(columns, row):
                normal = normalised(kind, value) if value is not None else None
                if normal is not None:
                    seen[kind.value].add(normal)
    if any(len(values) > 1 for values in seen.values()):
        return sorted(set(involved))
    return []


def _found_identifiers(connection: Connection, plan: Plan, given: dict[IdentifierKind, set[str]],
                       keyed: Keyed | None) -> list[Identifier]:
    """Emails and customer numbers read from the rows the given identifiers match directly."""
    found: list[Identifier] = []
    if plan.found is None:
        return found
    for kind, value in connection.execute(plan.found, plan.identity_values(given, keyed)):
        try:
            found.append(Identifier.of(kind, str(value)))
        except InvalidInputError:
            continue  # a malformed value in the company's data identifies nobody
    return found


def normalised(kind: IdentifierKind, raw: Any) -> str | None:
    """A value read from the company's data or a log line, normalised; None when it is malformed."""
    try:
        return normalise(kind, str(raw))
    except InvalidInputError:
        return None
