"""The company's SQL databases, reached by any SQLAlchemy URL (SQLite, PostgreSQL, MariaDB/MySQL).

Introspection: what tables and columns exist, their types, primary and foreign keys
(``sqlalchemy.inspect``), for ``egide dataset check``; reflected ``Table`` objects for the
set-based statements that execute rights (:mod:`egide.services.execution`). Driver errors stop
here and come out as Egide errors naming the database (password hidden), never as a stack trace.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import MetaData, Table, create_engine, inspect
from sqlalchemy import types as sqltypes
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from egide.datasets.database import (
    ColumnInfo,
    DatabaseInfo,
    ForeignKeyInfo,
    TableInfo,
    TypeKind,
)
from egide.domain.errors import InvalidInputError, UnreadableInputError


def safe_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparsable URL>"


def open_database(url: str) -> Engine:
    """An engine on ``url``; an SQLite file must exist (SQLite would create an empty one)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise InvalidInputError(f"{safe_url(url)!s}: not an SQLAlchemy database URL "
                                "(e.g. sqlite:///shop.db, postgresql+psycopg://user@host/db)") from None
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:") \
            and not parsed.database.startswith("file:") and not Path(parsed.database).is_file():
        raise UnreadableInputError(f"{parsed.database}: no such SQLite database file")
    try:
        return create_engine(parsed)
    except NoSuchModuleError as exc:
        raise UnreadableInputError(f"{safe_url(url)}: no SQLAlchemy dialect for it ({exc})") from None
    except ModuleNotFoundError as exc:
        raise UnreadableInputError(f"{safe_url(url)}: the database driver is not installed ({exc.name}); "
                                   "install it (psycopg[binary] for PostgreSQL, pymysql for MariaDB/MySQL)") from None


def introspect(target: str | Engine) -> DatabaseInfo:
    """The tables of the URL's default schema, with column types, primary and foreign keys."""
    engine = open_database(target) if isinstance(target, str) else target
    shown = engine.url.render_as_string(hide_password=True)
    try:
        inspector = inspect(engine)
        tables = {name: _table(inspector, name, engine.dialect) for name in inspector.get_table_names()}
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise UnreadableInputError(f"{shown}: cannot read the database: {reason}") from None
    finally:
        if isinstance(target, str):
            engine.dispose()
    return DatabaseInfo(url=shown, dialect=engine.dialect.name, tables=tables)


def _table(inspector, name: str, dialect) -> TableInfo:  # type: ignore[no-untyped-def]
    columns = {c["name"]: ColumnInfo(c["name"], type_kind(c["type"]), _type_name(c["type"], dialect),
                                     bool(c.get("nullable", True)))
               for c in inspector.get_columns(name)}
    primary = tuple(inspector.get_pk_constraint(name).get("constrained_columns") or ())
    foreign = tuple(ForeignKeyInfo(tuple(fk["constrained_columns"]), fk["referred_table"], tuple(fk["referred_columns"]))
                    for fk in inspector.get_foreign_keys(name) if fk.get("referred_table"))
    return TableInfo(name, columns, primary, foreign)


def type_kind(column_type: sqltypes.TypeEngine) -> TypeKind:  # type: ignore[type-arg]
    """The coarse kind of a reflected type (a DATETIME of SQLite and a TIMESTAMP of PostgreSQL are both datetime)."""
    for python_type, kind in ((sqltypes.DateTime, TypeKind.datetime), (sqltypes.Date, TypeKind.date),
                              (sqltypes.Boolean, TypeKind.boolean), (sqltypes.Integer, TypeKind.integer),
                              (sqltypes.Numeric, TypeKind.numeric), (sqltypes.String, TypeKind.string),
                              (sqltypes.LargeBinary, TypeKind.binary), (sqltypes._Binary, TypeKind.binary)):
        if isinstance(column_type, python_type):
            return kind
    return TypeKind.other


def _type_name(column_type: sqltypes.TypeEngine, dialect) -> str:  # type: ignore[type-arg, no-untyped-def]
    try:
        return str(column_type.compile(dialect=dialect))
    except SQLAlchemyError:  # a reflected type the dialect cannot spell back (NullType of SQLite)
        return type(column_type).__name__.upper()


def reflect_tables(engine: Engine, names: list[str]) -> dict[str, Table]:
    """The named tables as SQLAlchemy ``Table`` objects (columns, types, keys), for the set-based
    statements that execute rights. A table missing from the database is an input error."""
    shown = engine.url.render_as_string(hide_password=True)
    metadata = MetaData()
    try:
        present = set(inspect(engine).get_table_names())
        missing = [n for n in names if n not in present]
        if missing:
            raise InvalidInputError(f"{shown}: the dataset names tables the database does not have: "
                                    f"{', '.join(missing)}")
        metadata.reflect(engine, only=list(names))
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise UnreadableInputError(f"{shown}: cannot read the database: {reason}") from None
    return {name: metadata.tables[name] for name in names}


def children_of(tables: dict[str, Table], engine: Engine) -> dict[str, list[tuple[str, str, str]]]:
    """For each table, the foreign keys of the database that point at it, from any table:
    parent -> [(child table, child column, parent column)] (single-column keys)."""
    found: dict[str, list[tuple[str, str, str]]] = {name: [] for name in tables}
    try:
        inspector = inspect(engine)
        for child in inspector.get_table_names():
            for fk in inspector.get_foreign_keys(child):
                parent = fk.get("referred_table")
                if parent in found and len(fk["constrained_columns"]) == 1:
                    found[parent].append((child, fk["constrained_columns"][0], fk["referred_columns"][0]))
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise UnreadableInputError(f"cannot read the foreign keys of the database: {reason}") from None
    return found
