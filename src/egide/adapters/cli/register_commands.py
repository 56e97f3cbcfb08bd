"""`egide register ...`: check, diff, schema, show, activate."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Any

import typer

from egide.adapters.cli.context import STATE
from egide.adapters.cli.errors import EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK, exit_code, reported_errors
from egide.adapters.cli.summary import print_register_summary
from egide.domain.errors import EgideError, InvalidInputError
from egide.register.diff import diff_registers, is_major
from egide.register.lint import Severity, lint_register
from egide.register.loader import load_register
from egide.register.schema import register_json_schema, register_markdown

app = typer.Typer(help="Check, compare and activate registers of processing (GDPR art. 30).", no_args_is_help=True)


class Format(str, Enum):
    text = "text"
    json = "json"


@app.command()
def check(
    files: list[Path] = typer.Argument(..., help="Register YAML files."),
    format: Format = typer.Option(Format.text, "--format", help="text or json."),
    min_severity: Severity = typer.Option(Severity.info, "--min-severity", help="Hide findings below this level."),
) -> None:
    """Validate registers and report compliance findings.

    Exit status: 0 clean (warnings allowed), 1 error-level findings, 2 unreadable or invalid input.
    """
    levels = [Severity.error, Severity.warning, Severity.info]
    shown = set(levels[: levels.index(min_severity) + 1])
    reports: list[dict[str, Any]] = []
    status = EXIT_OK
    for file in files:
        report: dict[str, Any] = {"file": str(file)}
        try:
            loaded = load_register(file)
        except EgideError as error:
            report.update(valid=False, error=error.message,
                          problems=[p.as_dict() for p in getattr(error, "problems", [])])
            status = max(status, exit_code(error))
            reports.append(report)
            continue
        findings = lint_register(loaded)
        counts = {s.value: sum(1 for f in findings if f.severity is s) for s in Severity}
        report.update(valid=True, sha256=loaded.sha256, controller=loaded.register.controller.name,
                      version=loaded.register.policy.version, counts=counts,
                      findings=[f.as_dict() for f in findings if f.severity in shown])
        if counts["error"]:
            status = max(status, EXIT_FINDINGS)
        reports.append(report)
    if format is Format.json:
        typer.echo(json.dumps({"registers": reports, "exit_code": status}, indent=2, ensure_ascii=False))
    else:
        for report in reports:
            _print_check(report)
    raise typer.Exit(status)


def _print_check(report: dict[str, Any]) -> None:
    if not report["valid"]:
        typer.secho(f"{report['file']}: INVALID - {report['error']}", fg="red", err=False)
        for p in report["problems"]:
            where = f"{p['file']}:{p['line']}:{p['column']}" if p["line"] else p["file"]
            hint = f" ({p['hint']})" if p["hint"] else ""
            typer.echo(f"  {where}: {p['path'] + ': ' if p['path'] else ''}{p['message']}{hint}")
        return
    c = report["counts"]
    typer.secho(f"{report['file']}: valid register of {report['controller']} (version {report['version']}) - "
                f"{c['error']} error(s), {c['warning']} warning(s), {c['info']} note(s)",
                fg="red" if c["error"] else ("yellow" if c["warning"] else "green"))
    for f in report["findings"]:
        colour = {"error": "red", "warning": "yellow", "info": "blue"}[f["severity"]]
        typer.secho(f"  {f['file']}:{f['line']}: {f['severity']} [{f['rule']}] {f['message']}", fg=colour)
        typer.echo(f"      {f['article']} - fix: {f['fix']}")


@app.command()
def diff(
    old: Path = typer.Argument(..., help="The register in force."),
    new: Path = typer.Argument(..., help="The proposed register."),
    format: Format = typer.Option(Format.text, "--format"),
) -> None:
    """List what changes for the people concerned, and whether they must be told.

    Exit status: 0 no change or minor changes only, 1 a major change (people must be told), 2 bad input.
    """
    with reported_errors():
        before = load_register(old).register
        after = load_register(new).register
    changes = diff_registers(before, after)
    major = is_major(changes)
    if format is Format.json:
        typer.echo(json.dumps({"old": str(old), "new": str(new), "major": major,
                               "changes": [c.as_dict() for c in changes]}, indent=2, ensure_ascii=False))
    else:
        if not changes:
            typer.echo("no change that concerns the people")
        for change in changes:
            typer.secho(str(change), fg="red" if change.impact.value == "major" else None)
        if major:
            typer.secho("MAJOR: people must be told before this version applies", fg="red")
    raise typer.Exit(EXIT_FINDINGS if major else EXIT_OK)


class SchemaFormat(str, Enum):
    json = "json"
    md = "md"


@app.command()
def schema(
    format: SchemaFormat = typer.Option(SchemaFormat.json, "--format", help="json (JSON Schema) or md (docs/register.md)."),
) -> None:
    """Print the register format as a JSON Schema (draft 2020-12), or as its Markdown reference."""
    if format is SchemaFormat.md:
        typer.echo(register_markdown(), nl=False)
    else:
        typer.echo(json.dumps(register_json_schema(), indent=2, ensure_ascii=False))


@app.command()
def show(
    file: Path | None = typer.Argument(None, help="A register file; without it, the store's active register."),
) -> None:
    """Summarise a register: controller, activities, retention, recipients, transfers."""
    with reported_errors():
        if file is not None:
            loaded = load_register(file)
        else:
            from egide.bootstrap import build_app
            from egide.register.loader import parse_register

            app_ = build_app(STATE.settings())
            try:
                with app_.store.unit_of_work() as uow:
                    version = uow.registers.active()
                    if version is None:
                        raise InvalidInputError("no register is active: run `egide register activate FILE`")
                    text = uow.registers.content(version.id)
            finally:
                app_.close()
            loaded = parse_register(text, f"active register {version.label} ({version.sha256[:12]})")
    print_register_summary(loaded.register)


@app.command()
def activate(
    file: Path = typer.Argument(..., help="The register to activate."),
    strict: bool = typer.Option(False, "--strict", help="Refuse when the lint reports error-level findings."),
) -> None:
    """Validate a register and make it the active version (stored with its hash, audited).

    An invalid file is refused with exit status 2 and the store is left unchanged.
    """
    from egide.bootstrap import build_app
    from egide.services.registers import activate_register

    with reported_errors():
        loaded = load_register(file)
        settings = STATE.settings()
        app_ = build_app(settings)
        try:
            result = activate_register(app_.store, loaded, settings.actor, strict=strict)
        finally:
            app_.close()
    v = result.version
    if not result.changed:
        typer.echo(f"version {v.label} ({v.sha256[:12]}) is already active; nothing changed")
        return
    errors = sum(1 for f in result.findings if f.severity is Severity.error)
    typer.echo(f"activated {v.controller_name} register version {v.label} ({v.sha256[:12]}) "
               f"at {v.activated_at:%Y-%m-%d %H:%M:%S} UTC by {v.activated_by}"
               + (f"; replaces {result.previous.label} ({result.previous.sha256[:12]})" if result.previous else ""))
    if errors:
        typer.secho(f"{errors} error-level finding(s): run `egide register check {file}`", fg="yellow")


@app.command()
def history(format: Format = typer.Option(Format.text, "--format")) -> None:
    """List the stored register versions: hash, label, effective date, when and by whom activated."""
    from egide.bootstrap import build_app

    with reported_errors():
        app_ = build_app(STATE.settings())
        try:
            with app_.store.unit_of_work() as uow:
                versions = uow.registers.all()
        finally:
            app_.close()
    if format is Format.json:
        typer.echo(json.dumps([{
            "id": v.id, "sha256": v.sha256, "label": v.label, "controller": v.controller_name,
            "effective_date": v.effective_date.isoformat() if v.effective_date else None,
            "stored_at": v.stored_at.isoformat(), "stored_by": v.stored_by,
            "activated_at": v.activated_at.isoformat() if v.activated_at else None,
            "activated_by": v.activated_by, "active": v.is_active} for v in versions], indent=2, ensure_ascii=False))
        return
    if not versions:
        typer.echo("no register stored yet: run `egide register activate FILE`")
    for v in versions:
        marker = "*" if v.is_active else " "
        activated = f"activated {v.activated_at:%Y-%m-%d %H:%M} by {v.activated_by}" if v.activated_at else "never activated"
        typer.echo(f"{marker} {v.id:>3} {v.sha256[:12]} {v.label:<24} effective {v.effective_date or 'undated'}  "
                   f"{activated}  ({v.controller_name})")


__all__ = ["app", "EXIT_BAD_INPUT"]
