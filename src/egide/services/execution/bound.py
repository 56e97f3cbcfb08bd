"""The statements that locate a person, built once per dataset and shape of request.

Building SQLAlchemy statements costs far more CPU than running them (a few milliseconds per
request against a fraction of one for the hand-written SQL of the same work). The conditions of
:mod:`.locate` depend on the person only through values: the identifiers given, their keyed
hashes, and the keys read up the references. So they are built once, with bound parameters, per
engine, dataset and **shape**: which
kinds of identifier are given, whether keyed hashes match too, whether a phone number alone may
match, and which parents hold too many of the person's keys to be written as values. A request
then only computes the values (:meth:`Plan.identity_values`, then the key reads in order) and
executes the same statement objects, whose compiled form SQLAlchemy keeps.

A list of values is one parameter: on PostgreSQL ``column = ANY(:values)`` (an array), so each
statement has one SQL text whatever the number of values (nothing rendered per execution, and
psycopg prepares the statement once it has run a few times); elsewhere an expanding ``IN``
(``bindparam(..., expanding=True)``), whose text SQLAlchemy renders for each count of values.

A plan also keeps the statements its callers build on top of its conditions (:meth:`Plan.memo`):
the access's counts and reads, the erasure's tally, deletes and updates.
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Callable

from sqlalchemy import ARRAY, Engine, Select, String, and_, any_, bindparam, cast, func, literal, not_, or_, select, true
from sqlalchemy import Table as SqlTable
from sqlalchemy import union_all
from sqlalchemy.sql.elements import ColumnElement

from egide.datasets.graph import erasure_order, references
from egide.datasets.model import Dataset
from egide.domain.identity import Identifier, IdentifierKind

STRONG = (IdentifierKind.email, IdentifierKind.customer_id)  # one person each; a phone may be shared
MAX_LITERAL_KEYS = 5_000
Keyed = Callable[[Identifier], str]  # an identifier -> the keyed hash an erasure writes for it


@dataclass(frozen=True)
class Shape:
    """What a plan's statements depend on, besides values."""

    kinds: frozenset[IdentifierKind]
    keyed: bool
    allow_weak: bool = True
    big: frozenset[str] = frozenset()  # key reads past MAX_LITERAL_KEYS: read by subquery instead


@dataclass(frozen=True)
class KeyRead:
    """The person's keys in ``column`` of a parent (or child) table, bound as ``name``."""

    name: str
    statement: Select[Any]


@dataclass
class Plan:
    """The statements of one shape: ``conditions[table]`` select the person's rows, given the values."""

    shape: Shape
    conditions: dict[str, ColumnElement[bool]]
    reads: list[KeyRead]  # in the order their values are needed
    specs: dict[str, tuple[IdentifierKind, str, int | None]]  # parameter -> (kind, form, hash length)
    found: Select[Any] | None  # the strong identifiers read from the directly matched rows
    shared: list[tuple[str, Select[Any], list[tuple[str, IdentifierKind]]]]  # phone-only matches per table
    statements: dict[Any, Any] = field(default_factory=dict)

    def memo(self, key: Any, build: Callable[[], Any]) -> Any:
        """A statement built once for this plan (``key`` names it among the plan's)."""
        if key not in self.statements:
            self.statements[key] = build()
        return self.statements[key]

    def identity_values(self, idents: dict[IdentifierKind, set[str]], keyed: Keyed | None) -> dict[str, Any]:
        """The values of the identifier parameters."""
        values: dict[str, Any] = {}
        for name, (kind, form, length) in self.specs.items():
            given = sorted(idents.get(kind, ()))
            if form == "hash":
                assert keyed is not None
                hashes = {keyed(Identifier(kind, v)) for v in given}
                values[name] = sorted({h[:length] if length else h for h in hashes})
            elif form == "phone":
                values[name] = sorted({f for v in given for f in phone_forms(v)})
            elif form == "int":
                values[name] = [int(v) for v in given if v.isdigit()]
            else:
                values[name] = given
        return values


_PLANS: "weakref.WeakKeyDictionary[Engine, OrderedDict[Any, tuple[Dataset, dict[str, SqlTable], Plan]]]" = \
    weakref.WeakKeyDictionary()
PLANS_PER_ENGINE = 64  # a dataset file loaded again is a new object: its plans are built again


def plan_for(engine: Engine, dataset: Dataset, tables: dict[str, SqlTable], shape: Shape) -> Plan:
    """The plan of ``shape``, built on first use and kept (per engine, dataset object and tables)."""
    known = _PLANS.setdefault(engine, OrderedDict())
    key = (id(dataset), id(tables), shape)
    entry = known.get(key)
    if entry is None or entry[0] is not dataset or entry[1] is not tables:
        arrays = engine.dialect.name == "postgresql"
        entry = (dataset, tables, _Builder(dataset, tables, shape, arrays).plan())
        known[key] = entry
        while len(known) > PLANS_PER_ENGINE:
            known.popitem(last=False)
    return entry[2]


def phone_forms(value: str) -> list[str]:
    """The spellings of a normalised number once spaces and dots are gone: +33639981234,
    0033639981234, 0639981234."""
    forms = {value}
    if value.startswith("+"):
        forms.add("00" + value[1:])
        if value.startswith("+33") and len(value) == 12:
            forms.add("0" + value[3:])
    return sorted(forms)


def routes_up(dataset: Dataset) -> set[str]:
    """Tables from which the references lead up to a table with identity columns."""
    parents: dict[str, set[str]] = {}
    for ref in references(dataset):
        parents.setdefault(ref.child, set()).add(ref.parent)
    with_identity = {t.name for t in dataset.tables if any(c.identity for c in t.columns)}
    found = set()
    for table in dataset.tables:
        seen, todo = set(), list(parents.get(table.name, ()))
        while todo:
            here = todo.pop()
            if here in seen:
                continue
            seen.add(here)
            if here in with_identity and here != table.name:
                found.add(table.name)
                break
            todo.extend(parents.get(here, ()))
    return found


@dataclass
class _Own:
    strong: list[ColumnElement[bool]]
    weak: list[ColumnElement[bool]]
    contradiction: list[ColumnElement[bool]]
    strong_columns: list[Any]


class _Builder:
    def __init__(self, dataset: Dataset, tables: dict[str, SqlTable], shape: Shape, arrays: bool = False) -> None:
        self.dataset, self.tables, self.shape = dataset, tables, shape
        self.arrays = arrays  # PostgreSQL: a list of values is one array parameter
        self.upward = routes_up(dataset)
        self.specs: dict[str, tuple[IdentifierKind, str, int | None]] = {}

    def plan(self) -> Plan:
        conditions: dict[str, ColumnElement[bool]] = {}
        reads: list[KeyRead] = []
        refs = [r for r in references(self.dataset) if r.child in self.tables and r.parent in self.tables]
        for name in reversed(erasure_order(self.dataset).tables):  # parents first
            if name not in self.tables:
                continue
            parts = []
            own = self.own_condition(name, self.shape.allow_weak)
            if own is not None:
                parts.append(own)
            for ref in refs:
                if ref.child == name and ref.parent in conditions and ref.parent != name:
                    parent = self.tables[ref.parent]
                    keys = select(parent.c[ref.parent_column]).where(conditions[ref.parent])
                    parts.append(self.member(reads, f"up_{ref.parent}_{ref.parent_column}",
                                             self.tables[name].c[ref.column], keys))
            if parts:
                conditions[name] = or_(*parts)
        self.downward(refs, conditions, reads)
        return Plan(self.shape, conditions, reads, self.specs, self.found(), self.shared())

    def member(self, reads: list[KeyRead], name: str, column: Any, keys: Select[Any]) -> ColumnElement[bool]:
        """``column IN (the keys)``: the person's few keys bound as values, so the database can use
        the column's index whatever else the condition ORs (an IN-subquery inside an OR makes
        PostgreSQL scan the table); past MAX_LITERAL_KEYS (``shape.big``), the subquery itself."""
        if name in self.shape.big:
            return column.in_(keys)
        if all(r.name != name for r in reads):
            reads.append(KeyRead(name, keys.limit(MAX_LITERAL_KEYS + 1)))
        return self.among(column, name, column.type)

    def among(self, expression: Any, name: str, element_type: Any) -> ColumnElement[bool]:
        """``expression`` is one of the values bound as ``name`` (a list): ``= ANY(:name)`` with an
        array on PostgreSQL, an expanding ``IN`` elsewhere."""
        if self.arrays:
            return expression == any_(bindparam(name, type_=ARRAY(element_type)))
        return expression.in_(bindparam(name, expanding=True))

    def downward(self, refs: list[Any], conditions: dict[str, ColumnElement[bool]], reads: list[KeyRead]) -> None:
        """Personal tables with no way up are reached from their children's rows."""
        changed = True
        while changed:
            changed = False
            for table in self.dataset.tables:
                if table.name in conditions or table.name not in self.tables or not table.is_personal:
                    continue
                parts = [self.member(reads, f"down_{r.child}_{r.column}", self.tables[table.name].c[r.parent_column],
                                     select(self.tables[r.child].c[r.column]).where(conditions[r.child]))
                         for r in refs if r.parent == table.name and r.child in conditions]
                if parts:
                    conditions[table.name] = or_(*parts)
                    changed = True

    def param(self, expression: Any, kind: IdentifierKind, form: str, element_type: Any,
              length: int | None = None) -> ColumnElement[bool]:
        """``expression`` is one of the identifier's values in ``form`` (a parameter of the plan's specs)."""
        name = f"id_{kind.value}_{form}" + (f"_{length}" if length else "")
        self.specs[name] = (kind, form, length)
        return self.among(expression, name, element_type)

    def match(self, column: Any, kind: IdentifierKind, keyed: bool) -> ColumnElement[bool]:
        if kind is IdentifierKind.email:
            matched = self.param(func.lower(func.trim(column)), kind, "text", String())
        elif kind is IdentifierKind.phone:
            stripped = column
            for char in (" ", ".", "-", "(", ")", "/"):
                stripped = func.replace(stripped, char, "")
            matched = self.param(stripped, kind, "phone", String())
        elif _python_type(column) is int:
            matched = self.param(column, kind, "int", column.type)
        else:
            matched = self.param(column, kind, "text", column.type)
        if keyed and isinstance(column.type, String):
            matched = or_(matched, self.param(column, kind, "hash", column.type, column.type.length))
        return matched

    def own(self, name: str, kinds: frozenset[IdentifierKind]) -> _Own:
        own = _Own([], [], [], [])
        table = self.dataset.table(name)
        assert table is not None
        for column in table.columns:
            kind = column.identity
            if kind is None:
                continue
            sql_column = self.tables[name].c[column.name]
            if kind in STRONG:
                own.strong_columns.append(sql_column)
            if kind not in kinds:
                continue
            if kind in STRONG:
                matched = self.match(sql_column, kind, self.shape.keyed)
                own.strong.append(matched)
                own.contradiction.append(and_(sql_column.is_not(None), not_(matched)))
            elif name not in self.upward:
                own.weak.append(self.match(sql_column, kind, False))
        return own

    def own_condition(self, name: str, allow_weak: bool) -> ColumnElement[bool] | None:
        """Rows matched by the table's own identity columns, less those that contradict the person."""
        own = self.own(name, self.shape.kinds)
        matched = [*own.strong, *(own.weak if allow_weak else [])]
        if not matched:
            return None
        condition = or_(*matched)
        if own.contradiction:
            condition = and_(condition, not_(or_(*own.contradiction)))
        return condition

    def found(self) -> Select[Any] | None:
        """Emails and customer numbers read from the rows the identifiers match directly: one
        ``UNION ALL`` over the tables' identity columns (values as text, a hundred at most each)."""
        parts = []
        for name, sql_table in self.tables.items():
            own = self.own(name, self.shape.kinds)
            condition = self.own_condition(name, self.shape.allow_weak)
            if condition is None or not own.strong_columns:
                continue
            kinds = strong_kinds(self.dataset, name)
            for column in own.strong_columns:
                values = (select(literal(kinds[column.name].value, String).label("kind"),
                                 cast(column, String).label("value"))
                          .where(condition, column.is_not(None)).distinct().limit(100).subquery())
                parts.append(select(values.c.kind, values.c.value))
        return union_all(*parts) if parts else None  # type: ignore[return-value]

    def shared(self) -> list[tuple[str, Select[Any], list[tuple[str, IdentifierKind]]]]:
        """Per table, the strong identifiers of rows a phone number alone matches (three at most)."""
        if all(kind in STRONG for kind in self.shape.kinds):
            return []
        found = []
        for name in self.tables:
            own = self.own(name, self.shape.kinds)
            if not own.weak or not own.strong_columns:
                continue
            weak_only = and_(or_(*own.weak), not_(or_(*own.strong)) if own.strong else true(),
                             not_(or_(*own.contradiction)) if own.contradiction else true())
            kinds = strong_kinds(self.dataset, name)
            found.append((name, select(*own.strong_columns).where(weak_only).distinct().limit(3),
                          [(c.name, kinds[c.name]) for c in own.strong_columns]))
        return found


def strong_kinds(dataset: Dataset, name: str) -> dict[str, IdentifierKind]:
    table = dataset.table(name)
    assert table is not None
    return {c.name: c.identity for c in table.columns if c.identity in STRONG}


def _python_type(column: Any) -> Any:
    try:
        return column.type.python_type
    except NotImplementedError:
        return None

