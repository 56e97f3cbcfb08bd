"""Anonymization of columns at the end of a retention period, as SQL expressions.

Each column's strategy comes from the dataset (``anonymization``), else from its erasure
strategy (null, redact, keyed_hash), else NULL (or a fixed marker for a NOT NULL text column).
``null``, ``constant`` and the generalizations are SQL expressions; ``keyed_hash`` and
``truncate_ip`` map the batch's distinct values in Python to one ``CASE`` (a value already
anonymized maps to itself, so a second pass changes nothing). Each strategy also says which
rows still need it, so a run counts only what it changes and a resumed run does nothing twice.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, String, case, cast, false, func, literal, not_, select
from sqlalchemy import Date as SqlDate
from sqlalchemy import DateTime as SqlDateTime
from sqlalchemy.sql.elements import ColumnElement

from egide.datasets.model import AnonymizationStrategy, Column, ErasureStrategy, Table
from egide.domain.identity import IdentifierKind
from egide.services.execution.masking import HASH_PREFIX, REDACTED, keyed_hash

PSEUDONYMOUS = {AnonymizationStrategy.keyed_hash}  # reversible by whoever holds the key: pseudonymization


@dataclass(frozen=True)
class ColumnAnonymization:
    column: str
    strategy: AnonymizationStrategy
    value: str | None
    identity: IdentifierKind | None


def strategies(table: Table, sql_table: Any, columns: list[str] | None = None) -> list[ColumnAnonymization]:
    """How each personal column of ``table`` (or the ``columns`` named) is anonymized; a column
    the dataset gives an anonymization (a creation date generalized to its month) counts too."""
    chosen = []
    for column in table.columns:
        if not (column.is_personal or column.anonymization) or (columns is not None and column.name not in columns):
            continue
        if column.name not in sql_table.c:
            continue
        strategy = _strategy(column, sql_table.c[column.name])
        if strategy is not None:
            chosen.append(strategy)
    return chosen


def _strategy(column: Column, sql_column: Any) -> ColumnAnonymization | None:
    """The column's strategy; None for a NOT NULL column that is not text and names none (a flag
    or an amount: nothing to write in its place, the row's deletion is its end)."""
    if column.anonymization is not None:
        return ColumnAnonymization(column.name, column.anonymization.strategy, column.anonymization.value,
                                   column.identity)
    erasure = column.erasure
    if erasure is ErasureStrategy.keyed_hash or (column.identity is not None and not sql_column.nullable):
        return ColumnAnonymization(column.name, AnonymizationStrategy.keyed_hash, None, column.identity)
    if erasure is ErasureStrategy.redact or not sql_column.nullable:
        if not isinstance(sql_column.type, String):
            return None
        return ColumnAnonymization(column.name, AnonymizationStrategy.constant, REDACTED, column.identity)
    return ColumnAnonymization(column.name, AnonymizationStrategy.null, None, column.identity)


def needs(sql_table: Any, anon: ColumnAnonymization, dialect: str) -> ColumnElement[bool]:
    """The rows whose value is not yet anonymized."""
    col = sql_table.c[anon.column]
    strategy = anon.strategy
    if strategy is AnonymizationStrategy.null:
        return col.is_not(None)
    if strategy is AnonymizationStrategy.constant:
        return col.is_not(None) & (col != _constant(col, anon.value))
    if strategy is AnonymizationStrategy.keyed_hash:
        if not isinstance(col.type, String):
            return false()
        return col.is_not(None) & (func.substr(col, 1, len(HASH_PREFIX)) != literal(HASH_PREFIX))
    if strategy is AnonymizationStrategy.truncate_ip:
        return col.is_not(None) & not_(col.like("%.0")) & not_(col.like("%::"))
    return col.is_not(None) & (col != generalized(col, strategy, dialect))


def value(connection: Connection, sql_table: Any, anon: ColumnAnonymization, rows: ColumnElement[bool],
          keyring: Any, dialect: str) -> Any:
    """The anonymized value of the column for the rows selected by ``rows`` (an SQL expression)."""
    col = sql_table.c[anon.column]
    strategy = anon.strategy
    if strategy is AnonymizationStrategy.null:
        return None
    if strategy is AnonymizationStrategy.constant:
        return _constant(col, anon.value)
    if strategy in (AnonymizationStrategy.generalize_month, AnonymizationStrategy.generalize_year):
        return generalized(col, strategy, dialect)
    values = [v for (v,) in connection.execute(select(col).where(rows, needs(sql_table, anon, dialect)).distinct())]
    if not values:
        return col
    length = col.type.length if isinstance(col.type, String) else None
    if strategy is AnonymizationStrategy.keyed_hash:
        mapping = {v: keyed_hash(keyring, sql_table.name, anon.column, anon.identity, v, length) for v in values}
    else:
        mapping = {v: truncate_ip(str(v)) for v in values}
    return case(mapping, value=col, else_=col)


def truncate_ip(address: str) -> str:
    """203.0.113.57 -> 203.0.113.0 (/24); 2001:db8::1 -> 2001:db8:: (/48). Not an address: '0.0.0.0'."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return "0.0.0.0"
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False).network_address)


def generalized(col: Any, strategy: AnonymizationStrategy, dialect: str) -> Any:
    """A date or timestamp cut to the first instant of its month or year."""
    unit = "month" if strategy is AnonymizationStrategy.generalize_month else "year"
    is_date = isinstance(col.type, SqlDate) and not isinstance(col.type, SqlDateTime)
    if dialect == "postgresql":
        truncated = func.date_trunc(unit, col)
        return cast(truncated, SqlDate) if is_date else truncated
    if dialect == "sqlite":  # SQLAlchemy stores 'YYYY-MM-DD HH:MM:SS.ffffff' (or 'YYYY-MM-DD')
        head = func.substr(col, 1, 7) + literal("-01") if unit == "month" else func.substr(col, 1, 4) + literal("-01-01")
        return head if is_date else head + literal(" 00:00:00.000000")
    return func.date_trunc(unit, col)


def period_text(col: Any, generalize: str | None, dialect: str) -> Any:
    """A group key for a summary: the month ('2024-03') or year ('2024') of a date, else the value as text."""
    if generalize is None:
        return cast(col, String)
    if dialect == "postgresql":
        return func.to_char(col, "YYYY-MM" if generalize == "month" else "YYYY")
    return func.substr(col, 1, 7 if generalize == "month" else 4)


def _constant(col: Any, text: str | None) -> Any:
    marker = text if text is not None else REDACTED
    if isinstance(col.type, String) and col.type.length:
        return marker[:col.type.length]
    return marker
