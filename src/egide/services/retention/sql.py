"""The SQL conditions of a compiled retention (SQLAlchemy Core, SQLite and PostgreSQL).

For each table: the clock of each covering rule as an expression (a column, a correlated
subquery up the references, ``max()`` over the person's or the children's rows), whether each
rule has expired at an instant, whether the whole row is due, and whether rows can go (no row
that stays points at them). Tables reached in subqueries are aliased, so a subquery never
correlates with the statement's own table by accident.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Date as SqlDate
from sqlalchemy import DateTime as SqlDateTime
from sqlalchemy import and_, false, func, not_, or_, select, true
from sqlalchemy import Table as SqlTable
from sqlalchemy.sql.elements import ColumnElement

from egide.datasets.graph import references
from egide.datasets.model import Dataset
from egide.domain.retention import Action, Cover, cutoff
from egide.services.retention.compile import TableRetention


@dataclass
class Conditions:
    """What a plan or a run needs to know at instant ``at`` about a dataset's tables."""

    dataset: Dataset
    tables: dict[str, SqlTable]
    compiled: dict[str, TableRetention]
    at: datetime
    open_events: frozenset[str] = frozenset()
    person_held: dict[str, ColumnElement[bool]] = field(default_factory=dict)  # table -> rows of held people
    _alias_count: int = 0

    def alias(self, name: str) -> Any:
        self._alias_count += 1
        return self.tables[name].alias(f"r{self._alias_count}_{name}")

    # --- clocks -------------------------------------------------------------------------------

    def clock(self, cover: Cover, sql_table: Any) -> tuple[Any, Any, ColumnElement[bool] | None]:
        """(clock expression, its column type, the condition under which the rule does not cover the row)."""
        assert cover.clock_column is not None
        holder, column = cover.clock_column
        col_type = self.tables[holder].c[column].type
        if cover.derived == "latest_child":
            join = cover.via[0]
            child = self.alias(join.table)
            expression = select(func.max(child.c[column])).where(
                child.c[join.column] == sql_table.c[join.to_column]).correlate_except(child).scalar_subquery()
            return expression, col_type, None
        if cover.derived == "latest_person":
            link = cover.link[0]
            person_key = self.up_value(sql_table, cover.via, link.to_column)
            other = self.alias(holder)
            expression = select(func.max(other.c[column])).where(other.c[link.column] == person_key) \
                .correlate_except(other).scalar_subquery()
            missing = sql_table.c[cover.via[0].column].is_(None) if cover.via else None
            return expression, col_type, missing
        if not cover.via:
            return sql_table.c[column], col_type, None
        return self.up_value(sql_table, cover.via, column), col_type, sql_table.c[cover.via[0].column].is_(None)

    def up_value(self, sql_table: Any, via: tuple, column: str) -> Any:
        """``column`` of the table at the end of the upward joins ``via``, for each row of ``sql_table``."""
        if not via:
            return sql_table.c[column]
        aliases = [self.alias(join.to_table) for join in via]
        expression: Any = aliases[-1].c[column]
        for i in range(len(via) - 1, -1, -1):
            join = via[i]
            child = sql_table if i == 0 else aliases[i - 1]
            expression = select(expression).where(aliases[i].c[join.to_column] == child.c[join.column]) \
                .correlate_except(aliases[i]).scalar_subquery()
        return expression

    # --- expiry -------------------------------------------------------------------------------

    def expired(self, cover: Cover, sql_table: Any, *, whole: bool = True) -> ColumnElement[bool]:
        """The rows whose period under ``cover`` is over at ``at`` (``whole``: the archive period too)."""
        if cover.period is None:  # while_open: keeps every row while its event is open
            return false() if cover.while_open in self.open_events else true()
        if cover.clock_column is None:
            return false()
        clock, col_type, not_covered = self.clock(cover, sql_table)
        if cover.minimum:
            condition: ColumnElement[bool] = false()  # 'at least': never an end
        else:
            period = cover.total if whole else cover.period
            assert period is not None
            condition = clock <= _bound(col_type, cutoff(period, self.at, cover.clock))
        if cover.derived == "latest_child":
            condition = or_(clock.is_(None), condition)  # no child row left: nothing to keep under the rule
        if cover.optional_clock:
            condition = or_(clock.is_(None), condition)
        if not_covered is not None:
            condition = or_(not_covered, condition)
        if cover.only_where is not None:
            flag = sql_table.c[cover.only_where]
            condition = or_(flag.is_(None), flag == false(), condition)
        return condition

    def due(self, name: str, sql_table: Any | None = None, *, with_events: bool = True) -> ColumnElement[bool]:
        """Rows every covering rule has released: the deciding rule's action applies to them.
        When the action is archive, archive rules count their active period only."""
        compiled = self.compiled[name]
        sql_table = self.tables[name] if sql_table is None else sql_table
        if compiled.undated or compiled.deciding is None:
            return false()
        archiving = compiled.action is Action.archive
        parts = []
        for cover in compiled.covers:
            if cover.period is None and not with_events:
                continue
            whole = not (archiving and cover.action is Action.archive)
            parts.append(self.expired(cover, sql_table, whole=whole))
        return and_(*parts) if parts else false()

    def released(self, name: str, sql_table: Any | None = None) -> ColumnElement[bool]:
        """Rows whose every period, archive period included, is over: nothing left to archive."""
        compiled = self.compiled[name]
        sql_table = self.tables[name] if sql_table is None else sql_table
        if compiled.undated or compiled.deciding is None:
            return false()
        return and_(*[self.expired(c, sql_table, whole=True) for c in compiled.covers])

    def held(self, name: str, sql_table: Any | None = None) -> ColumnElement[bool]:
        """The rows of people under a hold (``person_held`` is built on the named tables)."""
        condition = self.person_held.get(name)
        if condition is None:
            return false()
        if sql_table is None or sql_table is self.tables[name]:
            return condition
        table_pk = _primary_key(self.tables[name], self.dataset, name)
        return tuple_in(sql_table, table_pk, select(*[self.tables[name].c[k] for k in table_pk]).where(condition)
                        .correlate(None))

    def gone(self, name: str, sql_table: Any | None = None, depth: int = 0) -> ColumnElement[bool]:
        """Rows this run deletes or archives: due, not held, and no row that stays points at them."""
        compiled = self.compiled.get(name)
        if compiled is None or compiled.action not in (Action.delete, Action.archive) or depth > 6:
            return false()
        sql_table = self.tables[name] if sql_table is None else sql_table
        return and_(self.due(name, sql_table), not_(self.held(name, sql_table)),
                    *self.unreferenced(name, sql_table, depth))

    def unreferenced(self, name: str, sql_table: Any, depth: int = 0) -> list[ColumnElement[bool]]:
        """No row staying in a child table points at the row (children going in the same run do not
        count). Written ``key NOT IN (SELECT fk FROM child WHERE fk IS NOT NULL AND <stays>)``: the
        subquery does not depend on the parent row, so the database computes it once (a hashed
        subplan), not once per parent row."""
        conditions = []
        for ref in references(self.dataset):
            if ref.parent != name or ref.child not in self.tables:
                continue
            child = self.alias(ref.child)
            staying = not_(self.gone(ref.child, child, depth + 1)) if ref.child in self.compiled else true()
            pointing = select(child.c[ref.column]).where(child.c[ref.column].is_not(None), staying).correlate(None)
            conditions.append(sql_table.c[ref.parent_column].not_in(pointing))
        return conditions


def primary_key(conditions: Conditions, name: str) -> list[str]:
    return _primary_key(conditions.tables[name], conditions.dataset, name)


def _primary_key(sql_table: SqlTable, dataset: Dataset, name: str) -> list[str]:
    table = dataset.table(name)
    if table is not None and table.primary_key:
        return list(table.primary_key)
    keys = [c.name for c in sql_table.primary_key.columns]
    if not keys:
        raise ValueError(f"table {name} has no primary key: name one in the dataset (primary_key)")
    return keys


def tuple_in(sql_table: Any, keys: list[str], values: Any) -> ColumnElement[bool]:
    """``key IN (values)`` for one key column, a row-value comparison for several."""
    from sqlalchemy import tuple_

    if len(keys) == 1:
        return sql_table.c[keys[0]].in_(values)
    return tuple_(*[sql_table.c[k] for k in keys]).in_(values)


def _bound(column_type: Any, instant: datetime) -> Any:
    if isinstance(column_type, SqlDate) and not isinstance(column_type, SqlDateTime):
        return instant.date()
    if isinstance(column_type, SqlDateTime) and getattr(column_type, "timezone", False):
        return instant
    return instant.astimezone(timezone.utc).replace(tzinfo=None)
