"""The dataset file against what really exists: the database's tables, columns, keys and types
(as :class:`~egide.datasets.database.DatabaseInfo`, filled by an adapter), and the log files.

Pure comparisons: the adapter in :mod:`egide.adapters.connectors.sql` reads the database; this
module only reads log files, a bounded sample of lines of each directory's first file.
"""

from __future__ import annotations

import difflib
import glob
import re
from datetime import datetime
from pathlib import Path
from typing import Iterator

from egide.datasets.database import DatabaseInfo, TableInfo, TypeKind
from egide.datasets.findings import Hit
from egide.datasets.model import Dataset, LogDirectory, Table
from egide.register.lint import Severity

SAMPLE_LINES = 200
_TIME_KINDS = {TypeKind.datetime, TypeKind.date}


def database_findings(dataset: Dataset, database: DatabaseInfo) -> Iterator[Hit]:
    annotated = {t.name for t in dataset.tables}
    for t, table in enumerate(dataset.tables):
        info = database.tables.get(table.name)
        if info is None:
            match = difflib.get_close_matches(table.name, sorted(database.tables), n=1, cutoff=0.6)
            yield Hit("database.table_missing", Severity.error, ("tables", t, "name"),
                      f"table {table.name!r} is not in the database ({database.url})",
                      f"did you mean {match[0]!r}?" if match else "check the name and the URL's schema")
            continue
        yield from _columns(table, t, info)
        yield from _primary_key(table, t, info)
        yield from _foreign_keys(table, t, database, annotated)
    others = sorted(set(database.tables) - annotated)
    if others and dataset.tables:
        yield Hit("database.table_not_annotated", Severity.info, ("tables",),
                  f"{len(others)} table(s) of the database are not annotated: {', '.join(others)}",
                  "annotate the ones that hold personal data")


def _columns(table: Table, t: int, info: TableInfo) -> Iterator[Hit]:
    for c, column in enumerate(table.columns):
        real = info.columns.get(column.name)
        base = ("tables", t, "columns", c)
        if real is None:
            match = difflib.get_close_matches(column.name, sorted(info.columns), n=1, cutoff=0.6)
            yield Hit("database.column_missing", Severity.error, (*base, "name"),
                      f"column {table.name}.{column.name} is not in the database",
                      f"did you mean {match[0]!r}?" if match else "check the name")
            continue
        if column.clocks and real.kind not in _TIME_KINDS:
            clocks = ", ".join(k.value for k in column.clocks)
            if real.kind is TypeKind.string:
                yield Hit("database.clock_type", Severity.warning, (*base, "clocks"),
                          f"{table.name}.{column.name} starts {clocks} but is stored as {real.type_name}",
                          "retention will have to parse its text as ISO 8601; a DATE or TIMESTAMP column is safer")
            else:
                yield Hit("database.clock_type", Severity.error, (*base, "clocks"),
                          f"{table.name}.{column.name} starts {clocks} but is a {real.type_name} column, not a date",
                          "mark a DATE or TIMESTAMP column instead")
    missing = sorted(set(info.columns) - {c.name for c in table.columns})
    if missing:
        yield Hit("database.column_not_annotated", Severity.info, ("tables", t, "columns"),
                  f"{len(missing)} column(s) of {table.name} are not annotated: {', '.join(missing)}",
                  "annotate the ones that hold personal data")


def _primary_key(table: Table, t: int, info: TableInfo) -> Iterator[Hit]:
    declared, real = tuple(table.primary_key), info.primary_key
    if not declared and not real and table.is_personal:
        yield Hit("database.no_primary_key", Severity.warning, ("tables", t, "name"),
                  f"table {table.name!r} has no primary key, in the file or the database",
                  "declare primary_key: erasure and anonymisation address rows by it")
    elif declared and real and set(declared) != set(real):
        yield Hit("database.primary_key_differs", Severity.warning, ("tables", t, "primary_key"),
                  f"the file's primary key ({', '.join(declared)}) is not the database's ({', '.join(real)})",
                  "make sure the declared columns identify one row each")


def _foreign_keys(table: Table, t: int, database: DatabaseInfo, annotated: set[str]) -> Iterator[Hit]:
    info = database.tables[table.name]
    declared = {(c.name, *target) for c in table.columns if (target := c.referenced())}
    for fk in info.foreign_keys:
        if len(fk.columns) != 1 or fk.referred_table not in annotated:
            continue
        edge = (fk.columns[0], fk.referred_table, fk.referred_columns[0])
        if edge in declared:
            continue
        column = table.column(fk.columns[0])
        parts: tuple[str | int, ...] = ("tables", t, "columns", table.columns.index(column)) if column \
            else ("tables", t, "columns")
        yield Hit("database.foreign_key_undeclared", Severity.warning, parts,
                  f"the database's foreign key {table.name}.{edge[0]} -> {edge[1]}.{edge[2]} is not declared",
                  f"add references: {edge[1]}.{edge[2]} so requests and erasure follow it")
    for c, column in enumerate(table.columns):
        target = column.referenced()
        if target is None:
            continue
        if _references_backwards(database, table.name, column.name, target):
            yield Hit("database.reference_backwards", Severity.warning, ("tables", t, "columns", c, "references"),
                      f"{table.name}.{column.name} -> {column.references} is written backwards: the database's "
                      f"foreign key is {column.references} -> {table.name}.{column.name}",
                      "declare the reference on the column that holds the foreign key")


def _references_backwards(database: DatabaseInfo, table: str, column: str, target: tuple[str, str]) -> bool:
    """True when the database's foreign key goes from ``target`` to this column (child and parent swapped)."""
    other = database.tables.get(target[0])
    return other is not None and any(
        fk.columns == (target[1],) and fk.referred_table == table and fk.referred_columns == (column,)
        for fk in other.foreign_keys)


# --- log directories ------------------------------------------------------------------------


def log_findings(dataset: Dataset, root: Path) -> Iterator[Hit]:
    for d, directory in enumerate(dataset.log_directories):
        pattern = directory.path if Path(directory.path).is_absolute() else str(root / directory.path)
        files = sorted(glob.glob(pattern))
        if not files:
            yield Hit("logs.no_file", Severity.warning, ("log_directories", d, "path"),
                      f"no file matches {pattern}", "check the glob, or give the log root to the command")
            continue
        yield from _sample(directory, d, Path(files[-1]), len(files))


def _sample(directory: LogDirectory, d: int, path: Path, count: int) -> Iterator[Hit]:
    timestamp = re.compile(directory.timestamp.pattern)
    identifiers = [re.compile(i.pattern) for i in directory.identifiers]
    lines = read_sample(path)
    if not lines:
        return
    stamped = unparsable = named = 0
    first_bad: tuple[int, str] | None = None
    for number, line in lines:
        found = timestamp.search(line)
        if found:
            stamped += 1
            try:
                datetime.strptime(found.group("timestamp"), directory.timestamp.format)
            except ValueError as exc:
                unparsable += 1
                first_bad = first_bad or (number, str(exc))
        named += any(p.search(line) for p in identifiers)
    if not stamped:
        yield Hit("logs.timestamp_unmatched", Severity.error, ("log_directories", d, "timestamp", "pattern"),
                  f"no line of {path.name} (first {len(lines)}) matches the timestamp pattern",
                  "retention cannot date the lines: correct the pattern")
    elif unparsable:
        yield Hit("logs.timestamp_format", Severity.error, ("log_directories", d, "timestamp", "format"),
                  f"{unparsable} of {stamped} timestamps of {path.name} do not parse with {directory.timestamp.format!r} "
                  f"(line {first_bad[0] if first_bad else '?'}: {first_bad[1] if first_bad else ''})",
                  "correct the strptime format")
    if identifiers and not named:
        yield Hit("logs.identifier_unmatched", Severity.info, ("log_directories", d, "identifiers"),
                  f"no line of {path.name} (first {len(lines)}) names a person with the identifier patterns",
                  "check the patterns if the logs should name people")
    if stamped and not unparsable:
        yield Hit("logs.ok", Severity.info, ("log_directories", d, "path"),
                  f"{count} file(s); {stamped} of {len(lines)} sampled lines dated, {named} naming a person")


def read_sample(path: Path, limit: int = SAMPLE_LINES) -> list[tuple[int, str]]:
    lines: list[tuple[int, str]] = []
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            if number > limit:
                break
            lines.append((number, line.rstrip("\n")))
    return lines
