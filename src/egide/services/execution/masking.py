"""The set-based SQL of an erasure, one table at a time (SQLAlchemy Core, any dialect).

For the person's rows of a table (the condition of :mod:`.locate`):

1. count, for every table at once, the person's rows and the rows each keep rule keeps, and until
   when (the latest clock plus the period): one ``SELECT`` of scalar subqueries;
2. ``DELETE`` the rows no rule keeps and no other row points at (when the table's rows go);
3. ``UPDATE`` the rows that stay: ``null``, ``redact`` (a fixed marker) or ``keyed_hash`` (an
   HMAC of the value under Egide's lookup key: rows still join, the value is gone). Keyed
   hashes are set with ``CASE`` over the distinct values, a thousand at a time; a value that is
   already a keyed hash (it starts with ``h$``) is left alone, so a second run changes nothing.
   The fixed values and the identity columns are set last, in one statement, because the
   identity columns are what finds the rows.

No loop over rows: a handful of statements per table, whatever the number of rows.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from functools import partial
from typing import TYPE_CHECKING, Any, Callable

from sqlalchemy import (
    Connection,
    String,
    and_,
    bindparam,
    case,
    column,
    delete,
    exists,
    false,
    func,
    literal,
    not_,
    or_,
    select,
    table,
    true,
    update,
)
from sqlalchemy import Date as SqlDate
from sqlalchemy import DateTime as SqlDateTime
from sqlalchemy import Table as SqlTable
from sqlalchemy.sql.elements import ColumnElement

from egide.datasets.model import ErasureStrategy
from egide.domain.identity import Identifier, IdentifierKind
from egide.services.execution.keep import KeepRule
from egide.services.execution.locate import Location, normalised

if TYPE_CHECKING:
    from egide.services.execution.erasure import Masking, TablePlan
    from egide.services.execution.steps import KeyringPort

HASH_PREFIX = "h$"
REDACTED = "[erased]"
CHUNK = 1000


def erase_tables(connection: Connection, plans: "list[TablePlan]", location: Location,
                 children: dict[str, list[tuple[str, str, str]]], keyring: "KeyringPort",
                 now: datetime) -> dict[str, dict[str, Any]]:
    """Run the tables' erasure on ``connection`` (the caller owns the transaction), in the plans'
    order (children before parents); return each table's counts. One query first counts, for every
    table, the person's rows and those each keep rule keeps (rows a rule keeps are never deleted,
    so counting them first counts what stays)."""
    params = {**location.params, **cutoffs(plans, location, now)}
    tallies = _tally(connection, plans, location, params)
    return {plan.table: erase_table(connection, plan, location, children.get(plan.table, []), keyring, params,
                                    tallies[plan.table]) for plan in plans}


def cutoffs(plans: "list[TablePlan]", location: Location, now: datetime) -> dict[str, Any]:
    """The values of the keep rules' bound cutoffs (:func:`keep_condition`) at ``now``."""
    values = {}
    for plan in plans:
        for rule in plan.keep:
            cutoff = rule.cutoff(now)
            if cutoff is not None:
                values[_cutoff_name(rule)] = _bound(_clock_type(rule, location), cutoff)
    return values


def _delete(plan: "TablePlan", location: Location, children: list[tuple[str, str, str]]) -> Any:
    sql_table = location.tables[plan.table]
    kept_by_rule = or_(*[keep_condition(rule, sql_table, location) for rule in plan.keep]) if plan.keep else false()
    return delete(sql_table).where(location.condition(plan.table), not_(kept_by_rule),
                                   *_unreferenced(sql_table, children))


@dataclass
class _Tally:
    total: int = 0  # the person's rows before the erasure
    by_rules: int = 0  # those a keep rule keeps
    kept: list[dict[str, Any]] = field(default_factory=list)  # one entry per rule


def erase_table(connection: Connection, plan: "TablePlan", location: Location, children: list[tuple[str, str, str]],
                keyring: "KeyringPort", params: dict[str, Any], tally: _Tally) -> dict[str, Any]:
    """One table: ``DELETE`` the rows no rule keeps and nothing points at, then mask what stays.
    ``params``: the location's values and the keep rules' cutoffs."""
    sql_table = location.tables[plan.table]
    deleted = 0
    if plan.delete and tally.total > tally.by_rules:  # some rows no rule keeps
        statement = location.memo(("erasure.delete", plan, tuple(children)),
                                  partial(_delete, plan, location, children))
        deleted = connection.execute(statement, params).rowcount or 0
    remaining = tally.total - deleted
    masked = _mask(connection, sql_table, location, plan.masks, keyring) if remaining else 0
    kept = list(tally.kept)
    others = remaining - tally.by_rules
    if others and plan.delete:  # rows of other tables still point at them
        kept.append({"reason": "referenced", "rows": others})
    elif others and plan.kept_columns:  # the dataset keeps personal columns, no register rule says why
        kept.append({"reason": "dataset", "rows": others, "columns": list(plan.kept_columns)})
    elif others:  # the rows stay, every personal column masked
        kept.append({"reason": "masked", "rows": others})
    return {"deleted": deleted, "masked": masked, "remaining": remaining,
            "masked_columns": [m.column for m in plan.masks] if masked else [],
            "kept": [k for k in kept if k["rows"]]}


def _tally(connection: Connection, plans: "list[TablePlan]", location: Location,
           params: dict[str, Any]) -> dict[str, _Tally]:
    """Every table's counts in one ``SELECT``: the person's rows of a table no keep rule covers (a
    scalar subquery each) and, for a table keep rules cover, one aggregate row (a derived table:
    each scans the person's rows of its table once; few of them, so the planner joins them cheaply).
    The statement is built once per plan (:meth:`Location.memo`)."""
    tallies = {plan.table: _Tally() for plan in plans}
    statement, readers = location.memo(("erasure.tally", tuple(plans)), partial(_tally_statement, plans, location))
    if statement is None:
        return tallies
    row = connection.execute(statement, params).one()._mapping
    for read in readers:
        read(row, tallies)
    return tallies


def _tally_statement(plans: "list[TablePlan]", location: Location) -> tuple[Any, list[Callable[[Any, Any], None]]]:
    columns: list[Any] = []
    derived: list[Any] = []
    readers: list[Callable[[Any, Any], None]] = []
    for plan in plans:
        if plan.table not in location.conditions:
            continue
        sql_table, person = location.tables[plan.table], location.condition(plan.table)
        if plan.keep:
            name = f"kept_{len(derived)}"
            aggregates, read = _aggregates(plan, location, name)
            derived.append(select(*aggregates).select_from(sql_table).where(person).subquery(name))
        else:
            label = f"total_{len(columns)}"
            columns.append(select(func.count()).select_from(sql_table).where(person).scalar_subquery().label(label))
            read = partial(_read_total, plan.table, label)
        readers.append(read)
    if not readers:
        return None, readers
    statement = select(*columns, *[c.label(f"{d.name}_{c.name}") for d in derived for c in d.c])
    if derived:
        joined = derived[0]
        for other in derived[1:]:  # one row each: joined on nothing, still one row
            joined = joined.join(other, true())
        statement = statement.select_from(joined)
    return statement, readers


def _read_total(table: str, label: str, row: Any, tallies: dict[str, _Tally]) -> None:
    tallies[table].total = int(row[label] or 0)


def _aggregates(plan: "TablePlan", location: Location,
                name: str) -> tuple[list[Any], Callable[[Any, Any], None]]:
    """The person's rows, those a keep rule keeps, and for each rule how many rows it keeps, until
    when (the latest clock plus the period) and how many of them have a date."""
    sql_table = location.tables[plan.table]
    conditions = [keep_condition(rule, sql_table, location) for rule in plan.keep]
    aggregates = [func.count().label("total")]
    if len(conditions) > 1:
        aggregates.append(func.sum(case((or_(*conditions), 1), else_=0)).label("rules"))
    for number, (rule, condition) in enumerate(zip(plan.keep, conditions)):
        aggregates.append(func.sum(case((condition, 1), else_=0)).label(f"r{number}_rows"))
        if rule.period is not None:
            dated = case((condition, clock_expression(rule, sql_table, location)[0]))
            aggregates.append(func.max(dated).label(f"r{number}_latest"))
            aggregates.append(func.count(dated).label(f"r{number}_dated"))

    def read(row: Any, tallies: dict[str, _Tally]) -> None:
        def value(label: str) -> Any:
            return row[f"{name}_{label}"]
        tally = tallies[plan.table]
        tally.total = int(value("total") or 0)
        tally.by_rules = int(value("rules" if len(conditions) > 1 else "r0_rows") or 0)
        tally.kept = [_kept_entry(rule, number, value) for number, rule in enumerate(plan.keep)]

    return aggregates, read


def _kept_entry(rule: KeepRule, number: int, value: Callable[[str], Any]) -> dict[str, Any]:
    entry: dict[str, Any] = {"reason": "rule", "rule": rule.rule, "article": rule.article,
                             "legal_reference": rule.legal_reference, "kept_for": rule.describe(),
                             "rows": int(value(f"r{number}_rows") or 0)}
    if rule.period is None:
        entry["until"] = None
        return entry
    latest = value(f"r{number}_latest")
    entry["undated"] = entry["rows"] - int(value(f"r{number}_dated") or 0)
    entry["until"] = _iso(rule.until(_as_time(latest))) if latest is not None else None
    return entry


def keep_condition(rule: KeepRule, sql_table: SqlTable, location: Location) -> ColumnElement[bool]:
    """The rows ``rule`` still keeps: clock after ``now - period`` (an undated row is kept); the
    cutoff is a bound parameter (:func:`cutoffs` gives its value)."""
    condition: ColumnElement[bool] = true()
    if rule.only_where is not None:
        flag = sql_table.c[rule.only_where]
        condition = (flag.is_(True) if _is_boolean(flag) else flag != 0 if _is_mysql_flag(flag)
                     else flag.is_not(None))
    if rule.period is None:
        return condition
    clock, clock_type = clock_expression(rule, sql_table, location)
    return and_(condition, or_(clock.is_(None), clock > bindparam(_cutoff_name(rule), type_=clock_type)))


def _cutoff_name(rule: KeepRule) -> str:
    return "cutoff_" + hashlib.sha256(f"{rule.table}/{rule.rule}".encode()).hexdigest()[:12]


def _clock_type(rule: KeepRule, location: Location) -> Any:
    assert rule.clock_column is not None
    return location.tables[rule.clock_column[0]].c[rule.clock_column[1]].type


def clock_expression(rule: KeepRule, sql_table: SqlTable, location: Location) -> tuple[Any, Any]:
    """The row's clock: its own column, or a parent's reached through correlated subqueries."""
    assert rule.clock_column is not None
    clock_table, clock_column = rule.clock_column
    if not rule.via:
        return sql_table.c[clock_column], sql_table.c[clock_column].type
    target = location.tables[clock_table].c[clock_column]
    expression: Any = None
    for join in reversed(rule.via):  # innermost first: the clock's table, then down to ours
        parent = location.tables[join.to_table]
        child = sql_table if join.table == rule.table else location.tables[join.table]
        inner = select(target if expression is None else expression).where(
            parent.c[join.to_column] == child.c[join.column])
        expression = inner.scalar_subquery()
        target = expression
    return expression, location.tables[clock_table].c[clock_column].type


def _unreferenced(sql_table: SqlTable, children: list[tuple[str, str, str]]) -> list[ColumnElement[bool]]:
    """Rows no other row points at (a kept invoice keeps its order, and the order its customer)."""
    conditions = []
    for child_name, child_column, parent_column in children:
        child = table(child_name, column(child_column)).alias(f"ref_{child_name}_{child_column}")
        conditions.append(~exists().where(child.c[child_column] == sql_table.c[parent_column]))
    return conditions


def _mask(connection: Connection, sql_table: SqlTable, location: Location, masks: "tuple[Masking, ...]",
          keyring: "KeyringPort") -> int:
    person, params = location.condition(sql_table.name), location.params
    plain = [m for m in masks if m.identity is None]
    identity = [m for m in masks if m.identity is not None]
    count = 0
    for m in plain:
        if m.strategy is ErasureStrategy.keyed_hash:
            count = max(count, _hash_by_chunks(connection, sql_table, location, m, keyring))
    if not [m for m in masks if m.strategy is not ErasureStrategy.keyed_hash or m.identity is not None]:
        return count  # only keyed hashes of plain columns, done above
    hashed = {m.column: _hash_values(connection, sql_table, location, m, keyring) for m in identity
              if m.strategy is ErasureStrategy.keyed_hash}
    shape = tuple((column, len(mapping)) for column, mapping in hashed.items())
    statement = location.memo(("erasure.mask", sql_table.name, masks, shape),
                              partial(_mask_statement, sql_table, person, masks, shape))
    values = dict(params)
    for column, mapping in hashed.items():
        for number, (value, digest) in enumerate(mapping.items()):
            values[f"mask_{column}_{number}"], values[f"hash_{column}_{number}"] = value, digest
    return max(count, connection.execute(statement, values).rowcount or 0)


def _mask_statement(sql_table: SqlTable, person: ColumnElement[bool], masks: "tuple[Masking, ...]",
                    shape: tuple[tuple[str, int], ...]) -> Any:
    """The fixed values, then the identity columns (what finds the person's rows: last), with their
    keyed hashes as a ``CASE`` of bound values (``shape``: how many values each column holds)."""
    sizes = dict(shape)
    values = {m.column: _fixed_value(sql_table, m) for m in masks
              if m.identity is None and m.strategy is not ErasureStrategy.keyed_hash}
    for m in masks:
        if m.identity is None:
            continue
        col = sql_table.c[m.column]
        if m.strategy is not ErasureStrategy.keyed_hash:
            values[m.column] = _fixed_value(sql_table, m)
        elif sizes.get(m.column):
            values[m.column] = case({bindparam(f"mask_{m.column}_{n}", type_=col.type):
                                     bindparam(f"hash_{m.column}_{n}", type_=String()) for n in range(sizes[m.column])},
                                    value=col, else_=col)
        else:
            values[m.column] = col
    return update(sql_table).where(person).values(**values)


def _fixed_value(sql_table: SqlTable, m: "Masking") -> Any:
    col = sql_table.c[m.column]
    if m.strategy is ErasureStrategy.null and col.nullable:
        return None
    if isinstance(col.type, String):  # redact, or null on a NOT NULL text column
        length = col.type.length
        return REDACTED[:length] if length else REDACTED
    if col.nullable:
        return None
    return col  # a NOT NULL column that is neither text nor nullable keeps its value (reported by the plan)


def _hash_by_chunks(connection: Connection, sql_table: SqlTable, location: Location, m: "Masking",
                    keyring: "KeyringPort") -> int:
    col, person = sql_table.c[m.column], location.condition(sql_table.name)
    values = [v for (v,) in connection.execute(_distinct(location, sql_table, m), location.params)]
    count = 0
    for start in range(0, len(values), CHUNK):
        chunk = values[start:start + CHUNK]
        expression = _case(col, chunk, m, sql_table, keyring)
        count += connection.execute(update(sql_table).where(person, col.in_(chunk))
                                    .values({m.column: expression}), location.params).rowcount or 0
    return count


def _distinct(location: Location, sql_table: SqlTable, m: "Masking") -> Any:
    """The column's distinct values on the person's rows, not yet a keyed hash."""
    def build() -> Any:
        col = sql_table.c[m.column]
        return select(col).where(location.condition(sql_table.name), col.is_not(None),
                                 not_(_already_hashed(col))).distinct()
    return location.memo(("erasure.distinct", sql_table.name, m.column), build)


def _hash_values(connection: Connection, sql_table: SqlTable, location: Location, m: "Masking",
                 keyring: "KeyringPort") -> dict[Any, str]:
    """Each value of the identity column on the person's rows -> its keyed hash."""
    col = sql_table.c[m.column]
    length = col.type.length if isinstance(col.type, String) else None
    values = [v for (v,) in connection.execute(_distinct(location, sql_table, m), location.params)]
    return {v: keyed_hash(keyring, sql_table.name, m.column, m.identity, v, length) for v in values}


def _case(col: Any, values: list[Any], m: "Masking", sql_table: SqlTable, keyring: "KeyringPort") -> Any:
    length = col.type.length if isinstance(col.type, String) else None
    mapping = {v: keyed_hash(keyring, sql_table.name, m.column, m.identity, v, length) for v in values}
    return case(mapping, value=col, else_=col)


def _already_hashed(col: Any) -> ColumnElement[bool]:
    if not isinstance(col.type, String):
        return false()
    return func.substr(col, 1, len(HASH_PREFIX)) == literal(HASH_PREFIX)


def keyed_hash(keyring: "KeyringPort", table_name: str, column_name: str, kind: IdentifierKind | None,
               value: Any, length: int | None) -> str:
    """``h$`` and an HMAC-SHA256 under Egide's lookup key; for an identity, the same HMAC as the
    suppression list (so a returning address can be recognised without being kept)."""
    normal = normalised(kind, value) if kind is not None else None
    if kind is not None and normal is not None:
        digest = keyring.lookup_hash(Identifier(kind, normal))
    else:
        message = f"{table_name}.{column_name}:{value}".encode()
        digest = hmac.new(keyring.lookup_key, message, hashlib.sha256).hexdigest()
    text = HASH_PREFIX + digest
    return text[:length] if length else text


def _bound(column_type: Any, instant: datetime) -> Any:
    if isinstance(column_type, SqlDate) and not isinstance(column_type, SqlDateTime):
        return instant.date()
    if isinstance(column_type, SqlDateTime) and getattr(column_type, "timezone", False):
        return instant
    return instant.astimezone(timezone.utc).replace(tzinfo=None)


def _is_boolean(col: Any) -> bool:
    try:
        return col.type.python_type is bool
    except NotImplementedError:
        return False


def _is_mysql_flag(col: Any) -> bool:
    """MariaDB and MySQL store a BOOLEAN as TINYINT(1), and reflection reads it back as an integer."""
    return type(col.type).__name__ == "TINYINT" and getattr(col.type, "display_width", None) == 1


def _as_time(value: Any) -> date | datetime:
    if isinstance(value, (date, datetime)):
        return value
    text = str(value)
    return datetime.fromisoformat(text) if len(text) > 10 else date.fromisoformat(text)


def _iso(value: date | datetime) -> str:
    return value.date().isoformat() if isinstance(value, datetime) else value.isoformat()
