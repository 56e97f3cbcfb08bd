"""`egide dataset ...`: check a dataset file, import a Fides dataset."""

from __future__ import annotations

import json
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Any

import typer
import yaml

from egide.adapters.cli.errors import EXIT_FINDINGS, EXIT_OK, exit_code, reported_errors
from egide.datasets.check import check_dataset
from egide.datasets.graph import erasure_order, identity_paths
from egide.datasets.loader import LoadedDataset, load_dataset
from egide.domain.errors import EgideError
from egide.register.lint import Severity
from egide.register.model import Register

app = typer.Typer(help="Check and import dataset files: how the company's own databases hold personal data.",
                  no_args_is_help=True)


class Format(str, Enum):
    text = "text"
    json = "json"


@app.command()
def check(
    file: Path = typer.Argument(..., help="A dataset YAML file (Egide's format, or a Fides dataset file)."),
    register: Path | None = typer.Option(None, "--register", help="The register the tables' activities and "
                                         "categories are checked against."),
    database_url: str | None = typer.Option(None, "--database-url", help="SQLAlchemy URL of the annotated database "
                                            "(default: the variable named by the file's database_url_env)."),
    log_root: Path | None = typer.Option(None, "--log-root", help="Directory the log_directories globs are relative "
                                         "to (default: the dataset file's directory)."),
    fides_dataset: str | None = typer.Option(None, "--fides-dataset", help="Which dataset of a Fides file holding several."),
    format: Format = typer.Option(Format.text, "--format", help="text or json."),
    min_severity: Severity = typer.Option(Severity.info, "--min-severity", help="Hide findings below this level."),
) -> None:
    """Validate a dataset file against the register and the live database.

    Reports missing tables and columns, unknown or undeclared data categories, activities the
    register does not have, timestamp columns that are not dates, tables with no path to an
    identity column, references that loop.

    Exit status: 0 no error finding (warnings allowed), 1 error findings, 2 unreadable or invalid
    input (the file, the register, or a database that cannot be read).
    """
    report: dict[str, Any] = {"file": str(file)}
    try:
        reg = _register(register)
        loaded = load_dataset(file, fides_dataset=fides_dataset, register=reg)
        url = database_url or (os.environ.get(loaded.dataset.database_url_env)
                               if loaded.dataset.database_url_env else None)
        database = _introspect(url) if url else None
    except EgideError as error:
        status = exit_code(error)
        report.update(valid=False, error=error.message, problems=[p.as_dict() for p in getattr(error, "problems", [])])
        _emit(report, format, status)
        raise typer.Exit(status) from None
    findings = check_dataset(loaded, reg, database, log_root)
    counts = {s.value: sum(1 for f in findings if f.severity is s) for s in Severity}
    status = EXIT_FINDINGS if counts["error"] else EXIT_OK
    levels = [Severity.error, Severity.warning, Severity.info]
    shown = set(levels[: levels.index(min_severity) + 1])
    report.update(valid=True, origin=loaded.origin, name=loaded.dataset.name,
                  register=str(register) if register else None, database=database.url if database else None,
                  database_url_env=loaded.dataset.database_url_env,
                  counts=counts, findings=[f.as_dict() for f in findings if f.severity in shown],
                  **_graph(loaded))
    _emit(report, format, status)
    raise typer.Exit(status)


@app.command("import-fides")
def import_fides(
    file: Path = typer.Argument(..., help="A Fides dataset YAML file (top-level `dataset:` list)."),
    register: Path | None = typer.Option(None, "--register", help="Map the Fides data uses to this register's activities."),
    dataset: str | None = typer.Option(None, "--dataset", help="The fides_key of the dataset to import, if the file holds several."),
) -> None:
    """Print a Fides dataset as an Egide dataset file (YAML); notes on what did not map go to stderr.

    Exit status: 0 imported (with or without notes), 2 unreadable or invalid input.
    """
    with reported_errors():
        loaded = load_dataset(file, fides_dataset=dataset, register=_register(register))
    for note in loaded.notes:
        print(f"note: {note}", file=sys.stderr)
    data = loaded.dataset.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    data = {"egide_dataset": loaded.dataset.egide_dataset, **data}
    header = f"# Imported from the Fides dataset {file} by `egide dataset import-fides`.\n"
    typer.echo(header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110, default_flow_style=None), nl=False)


def _register(path: Path | None) -> Register | None:
    if path is None:
        return None
    from egide.register.loader import load_register

    return load_register(path).register


def _introspect(url: str):  # type: ignore[no-untyped-def]
    from egide.adapters.connectors.sql import introspect

    return introspect(url)


def _graph(loaded: LoadedDataset) -> dict[str, Any]:
    order = erasure_order(loaded.dataset)
    paths = identity_paths(loaded.dataset)
    return {"erasure_order": list(order.tables), "cycles": [list(c) for c in order.cycles],
            "identity_paths": {table: [{"identity": f"{p.identity_table}.{p.identity_column}", "kind": p.kind.value,
                                        "joins": [j.sql() for j in p.joins]} for p in found]
                               for table, found in paths.items()}}


def _emit(report: dict[str, Any], format: Format, status: int) -> None:
    if format is Format.json:
        typer.echo(json.dumps({**report, "exit_code": status}, indent=2, ensure_ascii=False))
        return
    if not report["valid"]:
        typer.secho(f"{report['file']}: INVALID - {report['error']}", fg="red")
        for p in report["problems"]:
            where = f"{p['file']}:{p['line']}:{p['column']}" if p["line"] else p["file"]
            hint = f" ({p['hint']})" if p["hint"] else ""
            typer.echo(f"  {where}: {p['path'] + ': ' if p['path'] else ''}{p['message']}{hint}")
        return
    c = report["counts"]
    against = [f"register {report['register']}" if report["register"] else "no register (--register)",
               f"database {report['database']}" if report["database"] else
               f"no database (--database-url{' or $' + report['database_url_env'] if report['database_url_env'] else ''})"]
    typer.secho(f"{report['file']}: dataset {report['name']!r} checked against {' and '.join(against)} - "
                f"{c['error']} error(s), {c['warning']} warning(s), {c['info']} note(s)",
                fg="red" if c["error"] else ("yellow" if c["warning"] else "green"))
    for f in report["findings"]:
        _print_finding(f)
    typer.echo(f"  erasure order (children first): {', '.join(report['erasure_order']) or '-'}")


def _print_finding(f: dict[str, Any]) -> None:
    colour = {"error": "red", "warning": "yellow", "info": "blue"}[f["severity"]]
    place = f"{f['file']}:{f['line']}" if f["line"] else f["file"]
    typer.secho(f"  {place}: {f['severity']} [{f['rule']}] {f['message']}", fg=colour)
    if f["hint"]:
        typer.echo(f"      fix: {f['hint']}")


__all__ = ["app"]
