"""The right of access (art. 15): confirmation, a copy of every row and log line found for the
person, and the art. 15(1) information from the register, as JSON and as a readable HTML page
in French or English.

Rows are read table by table with server-side cursors (``stream_results``, ``yield_per``) in
chunks of a thousand and written to both files as they come, so memory stays flat for a person
with a hundred thousand rows; a table holding a thousand of the person's rows or fewer (counted
first, in one query for all tables) is read in one round trip. Only the rows the person's location selects are read
(:mod:`.locate`), and only the columns the dataset lists. The files are written under temporary
names and moved into place when complete. Running it again for the same request returns the
answer already written (the step is recorded).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, Iterable

from sqlalchemy import Connection, Engine, func, select

from egide.datasets.model import Dataset
from egide.domain.clock import Clock
from egide.domain.errors import InvalidInputError
from egide.domain.identity import Identifier, IdentifierKind
from egide.register.model import Register
from egide.services.execution.information import information, information_view, kept
from egide.services.execution.locate import Location, company_tables, locate
from egide.services.execution.logs import LogLine, person_lines, unsearched
from egide.services.execution.report import (
    LANGUAGES,
    HtmlReport,
    html_piece,
    JsonReport,
    person_file,
    publish,
    text_value,
)
from egide.services.execution.steps import ExecutionStore, Step, run_key, run_steps

CHUNK = 1000
_UNITS = {"fr": ("ligne(s)", "ligne(s) de journal"), "en": ("row(s)", "log line(s)")}


@dataclass(frozen=True)
class AccessResult:
    request_id: str
    found: bool
    json_path: Path
    html_path: Path
    rows: dict[str, int]
    log_lines: dict[str, int]
    notes: tuple[str, ...] = ()


def run_access(store: ExecutionStore, *, dataset: Dataset, engine: Engine, register: Register, request_id: str,
               identifiers: Iterable[Identifier], output_dir: Path, lang: str = "fr", log_root: Path | None = None,
               clock: Clock | None = None, actor: str = "egide", reference: str | None = None,
               subject_id: str | None = None) -> AccessResult:
    """Write ``access-<request>.json`` and ``.html`` in ``output_dir``; return where, and what was found.
    With ``subject_id`` (a request's run) both files are sealed with that person's key."""
    if lang not in LANGUAGES:
        raise InvalidInputError(f"unknown report language {lang!r}: use {' or '.join(LANGUAGES)}")
    output_dir.mkdir(parents=True, exist_ok=True)
    paths = output_dir / f"access-{request_id}.json", output_dir / f"access-{request_id}.html"
    identifiers = list(identifiers)

    def write() -> dict[str, Any]:
        return _write(store, dataset, engine, register, identifiers, paths, lang, log_root,
                      (clock or store.clock).now(), reference or request_id, subject_id)

    done = run_steps(store, run_key(request_id, dataset), [Step("access", company=write)], request_id=request_id,
                     actor=actor)
    counts = done["access"].counts
    if not all(p.exists() for p in paths):  # recorded, but the files are gone: write them again
        counts = write()
    return AccessResult(request_id, counts["found"], paths[0], paths[1], counts["rows"], counts["log_lines"],
                        tuple(counts["notes"]))


def _write(store: ExecutionStore, dataset: Dataset, engine: Engine, register: Register,
           identifiers: list[Identifier], paths: tuple[Path, Path], lang: str, log_root: Path | None,
           now: datetime, reference: str, subject_id: str | None = None) -> dict[str, Any]:
    tables = company_tables(engine, dataset)
    with engine.connect() as connection:
        location = locate(connection, dataset, tables, identifiers)
        rows = _counts(connection, location)
        log_lines = {d.name: sum(1 for _ in person_lines(d, log_root, location.identifiers))
                     for d in dataset.log_directories}
        with store.unit_of_work(read_only=True) as uow:
            statements = uow.execution.statements(location.identifiers)
        activities = sorted({a for t in dataset.tables if rows.get(t.name) for a in t.activities}
                            | {a for d in dataset.log_directories if log_lines[d.name] for a in d.activities})
        found = any(rows.values()) or any(log_lines.values())
        notes = [*location.left_out, *unsearched(dataset, log_root)]
        names = {a.key: a.name for a in register.activities}
        header = {
            "format": "egide-access/1", "request": reference, "generated_at": now.isoformat(),
            "controller": register.controller.name, "found": found,
            "identifiers": [shown(i) for i in location.identifiers],
            "information": kept(information, register, activities) if found else None,
            "statements": [{"fields": list(s.fields), "statement": s.statement, "recorded_at": s.recorded_at}
                           for s in statements],
            "notes": notes,
        }
        view = {
            "controller": register.controller.name, "reference": reference, "generated": now.date().isoformat(),
            "found": found, "identifiers": header["identifiers"], "notes": notes,
            "summary": _summary(dataset, rows, log_lines, names, lang),
            "info": kept(_information_html, register, activities, lang) if found else None,
            "statements": [{"fields": list(s.fields), "statement": s.statement,
                            "recorded": s.recorded_at.date().isoformat()} for s in statements],
        }
        temporary = tuple(p.with_name(f".{p.name}.partial") for p in paths)
        with person_file(store, temporary[0], paths[0], subject_id) as json_file, \
                person_file(store, temporary[1], paths[1], subject_id) as html:
            json_report, html_report = JsonReport(json_file), HtmlReport(html, lang)
            json_report.start(header)
            html_report.write("head", view)
            _stream_tables(connection, dataset, location, rows, names, json_report, html_report)
            _stream_logs(dataset, log_root, location, log_lines, json_report, html_report)
            html_report.write("foot", view)
    for unfinished, final in zip(temporary, paths):
        publish(unfinished, final)
    return {"found": found, "rows": {k: v for k, v in rows.items() if v}, "log_lines": log_lines,
            "notes": notes}


def _information_html(register: Register, activities: tuple[str, ...], lang: str) -> Any:
    """The art. 15(1) information in the notice's words, as the report's HTML (the same for everyone
    whose data these activities hold)."""
    return html_piece(lang, "information", information_view(register, activities, lang))


def shown(identifier: Identifier) -> str:
    """An identifier as the report names it: emails and phones partly hidden, a customer number whole."""
    return identifier.value if identifier.kind is IdentifierKind.customer_id else identifier.masked()


def _counts(connection: Connection, location: Location) -> dict[str, int]:
    """The person's rows in each table, in one ``SELECT`` of scalar subqueries."""
    if not location.conditions:
        return {}
    names = list(location.conditions)

    def build() -> Any:
        return select(*[select(func.count()).select_from(location.tables[name]).where(location.conditions[name])
                        .scalar_subquery().label(f"n{number}") for number, name in enumerate(names)])

    row = connection.execute(location.memo(("access.counts",), build), location.params).one()
    return {name: int(value or 0) for name, value in zip(names, row)}


def exported_columns(dataset: Dataset, location: Location, name: str) -> list[str]:
    """The columns the dataset lists for the table (the others are not known to be the person's)."""
    table = dataset.table(name)
    assert table is not None
    present = set(location.tables[name].c.keys())
    return [c.name for c in table.columns if c.name in present]


def _stream_tables(connection: Connection, dataset: Dataset, location: Location, rows: dict[str, int],
                   names: dict[str, str], json_report: JsonReport, html_report: HtmlReport) -> None:
    for table in dataset.tables:
        if not rows.get(table.name):
            continue
        columns = exported_columns(dataset, location, table.name)
        query = location.memo(("access.rows", table.name), partial(_rows_query, location, table, columns))
        activities = [names.get(a, a) for a in table.activities]
        json_report.table_open(table.name, {"activities": table.activities, "columns": columns})
        html_report.write("table_open", table.name, activities, columns, rows[table.name])
        streamed = rows[table.name] > CHUNK  # a server-side cursor costs round trips: only for many rows
        options = {"stream_results": True, "yield_per": CHUNK} if streamed else {}
        result = connection.execution_options(**options).execute(query, location.params)
        for chunk in result.partitions(CHUNK):
            json_report.rows(columns, chunk)
            html_report.write("rows", [[text_value(v) for v in row] for row in chunk])
        json_report.table_close()
        html_report.write("table_close")


def _rows_query(location: Location, table: Any, columns: list[str]) -> Any:
    sql_table = location.tables[table.name]
    order = [sql_table.c[k] for k in (table.primary_key or [c.name for c in sql_table.primary_key])]
    return location.rows(table.name, *columns).order_by(*order)


def _stream_logs(dataset: Dataset, log_root: Path | None, location: Location, counts: dict[str, int],
                 json_report: JsonReport, html_report: HtmlReport) -> None:
    json_report.logs_open()
    for directory in dataset.log_directories:
        if not counts.get(directory.name):
            continue
        json_report.table_open(directory.name, {"activities": directory.activities,
                                                "columns": ["file", "line", "text"]})
        html_report.write("logs_open", directory.name, counts[directory.name])
        chunk: list[LogLine] = []
        for line in person_lines(directory, log_root, location.identifiers):
            chunk.append(line)
            if len(chunk) == CHUNK:
                _log_chunk(chunk, json_report, html_report)
                chunk = []
        _log_chunk(chunk, json_report, html_report)
        json_report.table_close()
        html_report.write("table_close")
    json_report.finish(logs_opened=True)


def _log_chunk(chunk: list[LogLine], json_report: JsonReport, html_report: HtmlReport) -> None:
    json_report.lines({"file": i.file, "line": i.number, "text": i.text} for i in chunk)
    html_report.write("log_lines", chunk)


def _summary(dataset: Dataset, rows: dict[str, int], log_lines: dict[str, int], names: dict[str, str],
             lang: str) -> list[dict[str, Any]]:
    unit_rows, unit_lines = _UNITS[lang]
    found = [{"name": t.name, "activities": [names.get(a, a) for a in t.activities], "count": rows[t.name],
              "unit": unit_rows} for t in dataset.tables if rows.get(t.name)]
    found += [{"name": d.name, "activities": [names.get(a, a) for a in d.activities], "count": log_lines[d.name],
               "unit": unit_lines} for d in dataset.log_directories if log_lines.get(d.name)]
    return found
