"""What the live database holds, as the dataset check reads it: tables, columns with a coarse
type, primary keys and foreign keys. An adapter (:mod:`egide.adapters.connectors.sql`) fills it
from the database; the check compares it with the dataset file without touching a driver."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class TypeKind(str, Enum):
    """A column's type, coarse enough to compare across SQLite, PostgreSQL and MariaDB."""

    datetime = "datetime"
    date = "date"
    string = "string"
    integer = "integer"
    numeric = "numeric"
    boolean = "boolean"
    binary = "binary"
    other = "other"


@dataclass(frozen=True)
class ColumnInfo:
    name: str
    kind: TypeKind
    type_name: str  # as the database spells it: TIMESTAMP WITH TIME ZONE, DATETIME, TEXT...
    nullable: bool = True


@dataclass(frozen=True)
class ForeignKeyInfo:
    columns: tuple[str, ...]
    referred_table: str
    referred_columns: tuple[str, ...]


@dataclass(frozen=True)
class TableInfo:
    name: str
    columns: dict[str, ColumnInfo]
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[ForeignKeyInfo, ...] = ()


@dataclass(frozen=True)
class DatabaseInfo:
    """The tables of one schema of a database (the URL's default schema)."""

    url: str  # with the password hidden
    dialect: str
    tables: dict[str, TableInfo] = field(default_factory=dict)
