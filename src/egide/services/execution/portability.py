"""The right to data portability (art. 20): the data the person provided (or that their use of the
service produced: ``observed``), from tables whose activities rest on consent or a contract,
processed by automated means, in a structured, commonly used, machine-readable format: one JSON
file and one CSV file per table, and a manifest, in a zip.

A column is exported when the dataset says its source is ``provided`` or ``observed``, or, when
it does not say, when the register declares that source for the column's category in one of the
table's activities. Inferred data, data from third parties and the controller's own keys stay
out. Rows are streamed into the zip a thousand at a time.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable

from sqlalchemy import Connection, Engine

from egide.datasets.model import Column, Dataset, Table
from egide.domain.clock import Clock
from egide.domain.identity import Identifier
from egide.register.model import DataSource, LegalBasis, Register
from egide.services.execution.locate import Location, company_tables, locate
from egide.services.execution.report import (
    json_value,
    person_file,
    publish,
    text_value,
)
from egide.services.execution.steps import ExecutionStore, Step, run_key, run_steps

CHUNK = 1000
PORTABLE_BASES = (LegalBasis.consent, LegalBasis.contract)
PORTABLE_SOURCES = (DataSource.provided, DataSource.observed)


@dataclass(frozen=True)
class PortabilityResult:
    request_id: str
    found: bool
    zip_path: Path
    rows: dict[str, int]
    columns: dict[str, list[str]]


def portable_columns(dataset: Dataset, register: Register) -> dict[str, list[str]]:
    """table -> the columns art. 20 covers (tables whose activities rest on consent or contract)."""
    portable_activities = {a.key for a in register.activities
                           if any(p.legal_basis in PORTABLE_BASES for p in a.purposes)}
    found = {}
    for table in dataset.tables:
        if not set(table.activities) & portable_activities:
            continue
        columns = [c.name for c in table.columns if c.is_personal and _source(c, table, register) in PORTABLE_SOURCES]
        if columns:
            found[table.name] = columns
    return found


def _source(column: Column, table: Table, register: Register) -> DataSource | None:
    """The column's own source, else the register's for its category (the most specific declaration)."""
    if column.source is not None:
        return column.source
    best: tuple[int, DataSource] | None = None
    for key in column.data_categories:
        for activity in filter(None, (register.activity(a) for a in table.activities)):
            for use in activity.data_categories:
                if key == use.key or key.startswith(use.key + "."):
                    if best is None or len(use.key) > best[0]:
                        best = (len(use.key), use.source)
    return best[1] if best else None


def run_portability(store: ExecutionStore, *, dataset: Dataset, engine: Engine, register: Register, request_id: str,
                    identifiers: Iterable[Identifier], output_dir: Path, clock: Clock | None = None,
                    actor: str = "egide", subject_id: str | None = None) -> PortabilityResult:
    """Write ``portability-<request>.zip`` in ``output_dir`` (sealed with the person's key when
    ``subject_id`` is given: a request's run)."""
    output_dir.mkdir(parents=True, exist_ok=True)
    path = output_dir / f"portability-{request_id}.zip"
    identifiers = list(identifiers)

    def write() -> dict[str, Any]:
        return _write(store, dataset, engine, register, identifiers, path, (clock or store.clock).now(), request_id,
                      subject_id)

    done = run_steps(store, run_key(request_id, dataset), [Step("portability", company=write)], request_id=request_id,
                     actor=actor)
    counts = done["portability"].counts
    if not path.exists():
        counts = write()
    return PortabilityResult(request_id, bool(counts["rows"]), path, counts["rows"], counts["columns"])


def _write(store: ExecutionStore, dataset: Dataset, engine: Engine, register: Register,
           identifiers: list[Identifier], path: Path, now: datetime, request_id: str,
           subject_id: str | None = None) -> dict[str, Any]:
    portable = portable_columns(dataset, register)
    tables = company_tables(engine, dataset)
    partial = path.with_name(f".{path.name}.partial")
    rows: dict[str, int] = {}
    with engine.connect() as connection:
        location = locate(connection, dataset, tables, identifiers)
        with store.unit_of_work(read_only=True) as uow:
            statements = uow.execution.statements(location.identifiers)
        with person_file(store, partial, path, subject_id, binary=True) as handle, \
                zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, columns in portable.items():
                if name not in location.conditions:
                    continue
                count = _json_entry(archive, connection, location, name, columns)
                if count:
                    _csv_entry(archive, connection, location, name, columns)
                    rows[name] = count
            manifest = {"format": "egide-portability/1", "request": request_id, "generated_at": now.isoformat(),
                        "controller": register.controller.name,
                        "tables": {n: {"columns": portable[n], "rows": c, "files": [f"{n}.json", f"{n}.csv"]}
                                   for n, c in rows.items()},
                        "statements": [{"fields": list(s.fields), "statement": s.statement,
                                        "recorded_at": s.recorded_at} for s in statements]}
            archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1, default=json_value))
    publish(partial, path)
    return {"rows": rows, "columns": {n: portable[n] for n in rows}}


def _query(connection: Connection, location: Location, name: str, columns: list[str]) -> Any:
    sql_table = location.tables[name]
    query = location.rows(name, *columns).order_by(*sql_table.primary_key.columns)
    return connection.execution_options(stream_results=True, yield_per=CHUNK).execute(query, location.params)


def _json_entry(archive: zipfile.ZipFile, connection: Connection, location: Location, name: str,
                columns: list[str]) -> int:
    count = 0
    with archive.open(f"{name}.json", "w", force_zip64=True) as raw, \
            io.TextIOWrapper(raw, encoding="utf-8", newline="\n") as out:
        out.write("[")
        for chunk in _query(connection, location, name, columns).partitions(CHUNK):
            for row in chunk:
                item = {c: json_value(v) for c, v in zip(columns, row)}
                out.write(("\n " if count == 0 else ",\n ") + json.dumps(item, ensure_ascii=False))
                count += 1
        out.write("\n]\n")
    return count


def _csv_entry(archive: zipfile.ZipFile, connection: Connection, location: Location, name: str,
               columns: list[str]) -> None:
    with archive.open(f"{name}.csv", "w", force_zip64=True) as raw, \
            io.TextIOWrapper(raw, encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(columns)
        for chunk in _query(connection, location, name, columns).partitions(CHUNK):
            writer.writerows([text_value(v) for v in row] for row in chunk)
