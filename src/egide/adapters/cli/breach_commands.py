"""`egide breach ...`: the breach register (GDPR art. 33/34): record, notify, tell, resolve, export
(thin: parse, call services/breaches, print)."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import typer

from egide.adapters.cli.context import STATE
from egide.adapters.cli.errors import reported_errors
from egide.adapters.cli.retention_commands import parse_instant

app = typer.Typer(help="The breach register (GDPR art. 33/34): the authority's clock, people told, the CNIL export.",
                  no_args_is_help=True)


@contextmanager
def _app() -> Iterator[Any]:
    from egide.bootstrap import build_app

    application = build_app(STATE.settings())
    try:
        yield application
    finally:
        application.close()


def _rules(application: Any) -> Any:
    from egide.services.breaches import breach_rules

    return breach_rules(application.settings)


def _print(breach: Any, application: Any) -> None:
    from egide.domain.breaches import obligations

    due = obligations(breach, _rules(application), application.store.clock.now())
    typer.echo(f"{breach.reference}  {breach.status.value}  known {breach.became_known_at:%Y-%m-%d %H:%M} UTC  "
               f"risk {breach.risk.value}  ~{breach.approx_subjects} people, ~{breach.approx_records} records")
    if breach.authority_notified_at:
        typer.echo(f"  authority notified {breach.authority_notified_at:%Y-%m-%d %H:%M} UTC"
                   f"{' (late)' if due.authority_overdue else ''}")
    elif due.notify_authority:
        colour = "red" if due.authority_overdue else "yellow"
        typer.secho(f"  notify the authority by {due.authority_due_at:%Y-%m-%d %H:%M} UTC "
                    f"({due.hours_left:.0f} h left)", fg=colour)
    if due.tell_people and not breach.people_told_at:
        typer.secho("  the people must be told (art. 34)", fg="yellow")
    if breach.people_told_at:
        typer.echo(f"  people told {breach.people_told_at:%Y-%m-%d %H:%M} UTC ({breach.people_told_how})")
    if breach.hold_id is not None:
        typer.echo(f"  logs held (legal hold #{breach.hold_id}, security_incident)")
    for reason in due.reasons:
        typer.echo(f"  - {reason}")


@app.command("record")
def record(
    nature: list[str] = typer.Option(..., "--nature", help="confidentiality, integrity or availability (repeat)."),
    description: str = typer.Option(..., "--description", help="What happened (the circumstances)."),
    data_category: list[str] = typer.Option(..., "--data-category", help="A category of data concerned (repeat); "
                                            "see docs/breaches.md."),
    subject_category: list[str] = typer.Option(..., "--subject-category", help="A category of people (repeat)."),
    people: int = typer.Option(..., "--people", help="Approximate number of people concerned."),
    records: int = typer.Option(..., "--records", help="Approximate number of records concerned."),
    consequences: str = typer.Option(..., "--consequences", help="The likely consequences for the people."),
    measures: str = typer.Option(..., "--measures", help="Measures taken or proposed."),
    known_at: str | None = typer.Option(None, "--known-at", help="When the controller became aware (default now)."),
    started_at: str | None = typer.Option(None, "--started-at", help="When the breach started, if known."),
    ended_at: str | None = typer.Option(None, "--ended-at", help="When it ended, if it has."),
    origin: str = typer.Option("unknown", "--origin", help="internal_malicious, internal_accidental, "
                               "external_malicious, external_accidental or unknown."),
    risk: str = typer.Option("risk", "--risk", help="unlikely, risk or high (the controller's assessment)."),
    hold_logs: bool = typer.Option(False, "--hold-logs", help="Open a security incident: logs kept "
                                   "(rules `while_open: security_incident`) until the breach is resolved."),
) -> None:
    """Record a personal data breach; the clock to notify the authority runs from --known-at."""
    from egide.services.breaches import new_breach, record_breach

    with reported_errors(), _app() as application:
        now = application.store.clock.now()
        breach = new_breach(
            natures=nature, origin=origin, description=description, data_categories=data_category,
            subject_categories=subject_category, approx_subjects=people, approx_records=records,
            consequences=consequences, measures=measures,
            became_known_at=parse_instant(known_at, "--known-at") or now, risk=risk, recorded_at=now,
            recorded_by=application.settings.actor, occurred_at=parse_instant(started_at, "--started-at"),
            ended_at=parse_instant(ended_at, "--ended-at"))
        stored = record_breach(application.store, breach, hold_logs=hold_logs, actor=application.settings.actor)
        _print(stored, application)


@app.command("list")
def list_cmd(all_: bool = typer.Option(False, "--all", help="Also the resolved breaches.")) -> None:
    """The breaches (open ones, or all), newest first, with the authority's deadline."""
    from egide.domain.breaches import Status
    from egide.services.breaches import list_breaches

    with reported_errors(), _app() as application:
        shown = list_breaches(application.store, None if all_ else Status.open)
        if not shown:
            typer.echo("no breach" if all_ else "no open breach")
        for breach in shown:
            _print(breach, application)


@app.command("show")
def show(reference: str = typer.Argument(..., help="The breach's reference (BR-...).")) -> None:
    """One breach, its obligations and their reasons."""
    from egide.services.breaches import get_breach

    with reported_errors(), _app() as application:
        _print(get_breach(application.store, reference), application)


@app.command("notify")
def notify(
    reference: str = typer.Argument(..., help="The breach's reference."),
    at: str | None = typer.Option(None, "--at", help="When the authority was notified (default now)."),
    authority_reference: str | None = typer.Option(None, "--authority-reference", help="The authority's number."),
    delay_reasons: str | None = typer.Option(None, "--delay-reasons", help="Required when notified after the deadline."),
) -> None:
    """Record that the supervisory authority was notified (art. 33)."""
    from egide.services.breaches import notify_authority

    with reported_errors(), _app() as application:
        _print(notify_authority(application.store, reference, _rules(application), at=parse_instant(at),
                                authority_reference=authority_reference, delay_reasons=delay_reasons,
                                actor=application.settings.actor), application)


@app.command("told")
def told(
    reference: str = typer.Argument(..., help="The breach's reference."),
    how: str = typer.Option(..., "--how", help="How the people were told (email, letter, public notice...)."),
    at: str | None = typer.Option(None, "--at", help="When (default now)."),
) -> None:
    """Record when and how the people were told (art. 34)."""
    from egide.services.breaches import record_people_told

    with reported_errors(), _app() as application:
        _print(record_people_told(application.store, reference, how=how, at=parse_instant(at),
                                  actor=application.settings.actor), application)


@app.command("exempt")
def exempt(
    reference: str = typer.Argument(..., help="The breach's reference."),
    reason: str = typer.Option(..., "--reason", help="The art. 34(3) ground for not telling the people."),
) -> None:
    """Record why the people are not told despite a high risk (art. 34(3))."""
    from egide.services.breaches import record_people_exemption

    with reported_errors(), _app() as application:
        _print(record_people_exemption(application.store, reference, reason, application.settings.actor), application)


@app.command("hold-logs")
def hold_logs_cmd(reference: str = typer.Argument(..., help="The breach's reference.")) -> None:
    """Open the security incident for an open breach: logs kept until it is resolved."""
    from egide.services.breaches import hold_logs

    with reported_errors(), _app() as application:
        _print(hold_logs(application.store, reference, application.settings.actor), application)


@app.command("resolve")
def resolve(reference: str = typer.Argument(..., help="The breach's reference.")) -> None:
    """Close the breach; the security-incident hold it placed ends."""
    from egide.services.breaches import resolve_breach

    with reported_errors(), _app() as application:
        _print(resolve_breach(application.store, reference, application.settings.actor), application)


@app.command("export")
def export(
    reference: str = typer.Argument(..., help="The breach's reference."),
    fmt: str = typer.Option("json", "--format", help="json or csv."),
    output: Path | None = typer.Option(None, "--output", help="Write to this file (default: print)."),
) -> None:
    """The fields of the CNIL's breach notification form, to copy into the téléservice."""
    from egide.domain.errors import InvalidInputError, Problem
    from egide.services.breach_export import cnil_csv, cnil_json
    from egide.services.breaches import get_breach

    with reported_errors(), _app() as application:
        if fmt not in ("json", "csv"):
            raise InvalidInputError(f"--format {fmt!r}", problems=[Problem("use json or csv", path="format")])
        breach = get_breach(application.store, reference)
        active = application.registers.get()
        controller = active.loaded.register.controller.name if active is not None else ""
        render = cnil_json if fmt == "json" else cnil_csv
        text = render(breach, _rules(application), application.store.clock.now(), controller)
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"written {output}")
