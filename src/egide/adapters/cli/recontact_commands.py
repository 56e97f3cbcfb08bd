"""`egide retention recontact ...`: people to re-contact before their data goes (thin: parse, call
the service in services/retention/recontact.py, print)."""

from __future__ import annotations

import csv
import json
import sys
from contextlib import contextmanager
from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import Any, Iterator

import typer

from egide.adapters.cli.errors import reported_errors
from egide.domain.errors import InvalidInputError, Problem

app = typer.Typer(help="Re-contact before retention ends (keep me / forget me): the list, the notices, the answers.",
                  no_args_is_help=True)

CSV_FIELDS = ("rule", "dataset", "table", "key", "email", "clock", "due_since", "channel", "notify")

_DATASET = typer.Option([], "--dataset", help="A dataset file (repeat for several databases; default: EGIDE_DATASETS).")
_DATABASE_URL = typer.Option(None, "--database-url", help="The company database (else the dataset's variable).")
_RULE = typer.Option(None, "--rule", help="Only this retention rule (its key).")


@contextmanager
def _session(datasets: list[Path], database_url: str | None, need_databases: bool = True) -> Iterator[tuple[Any, ...]]:
    """The request desk, the active register and the company databases, closed afterwards."""
    from egide.adapters.cli.retention_commands import company_session
    from egide.adapters.notifications import request_desk

    with company_session(datasets, database_url, None, need_databases) as (application, register, databases):
        yield request_desk(application), register, databases, application.settings


def _parse_at(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        if len(text.strip()) == 10:
            return datetime.combine(date.fromisoformat(text.strip()), time(23, 59, 59), tzinfo=timezone.utc)
        parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInputError(f"--at {text!r} is not a date",
                                problems=[Problem("write 2026-01-31 or 2026-01-31T14:05", path="at")]) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


@app.command("list")
def list_cmd(
    at: str | None = typer.Option(None, "--at", help="The date (end of day, UTC) or instant; default: now."),
    fmt: str = typer.Option("csv", "--format", help="csv or json."),
    output: Path | None = typer.Option(None, "--output", help="Write to this file (default: standard output)."),
    dataset: list[Path] = _DATASET, database_url: str | None = _DATABASE_URL, rule: str | None = _RULE,
) -> None:
    """The people due for re-contact at a date (nothing is recorded): CSV with their address, for a mailing."""
    from egide.services.retention.recontact import due_for_recontact

    with reported_errors():
        if fmt not in ("csv", "json"):
            raise InvalidInputError(f"unknown --format {fmt!r}", problems=[Problem("use csv or json", path="format")])
        moment = _parse_at(at)
        with _session(dataset, database_url) as (desk, register, databases, _):
            rows = [p.as_dict() for p in due_for_recontact(desk, register, databases, moment, rule)]
    handle = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
    try:
        if fmt == "json":
            handle.write(json.dumps({"at": (moment.isoformat() if moment else None), "people": rows},
                                    ensure_ascii=False, indent=2) + "\n")
        else:
            writer = csv.DictWriter(handle, fieldnames=CSV_FIELDS, lineterminator="\n")
            writer.writeheader()
            for row in rows:
                writer.writerow({**row, "key": "/".join(row["key"]), "email": row["email"] or ""})
    finally:
        if output:
            handle.close()
    if output:
        typer.echo(f"{len(rows)} people due for re-contact written to {output}")


@app.command("send")
def send_cmd(dataset: list[Path] = _DATASET, database_url: str | None = _DATABASE_URL, rule: str | None = _RULE) -> None:
    """Record that the people due now are contacted and send the notices the register asks for (notify: true)."""
    from egide.services.retention.recontact import apply_keep_answers, record_contacts

    with reported_errors():
        with _session(dataset, database_url) as (desk, register, databases, settings):
            applied = apply_keep_answers(desk, register, databases)
            outcome = record_contacts(desk, register, databases, rule=rule, public_url=settings.public_url)
    if applied:
        typer.echo(f"{len(applied)} keep answers written into their rows' clocks")
    typer.echo(f"{len(outcome.contacts)} people contacted, {outcome.notified} notices sent"
               + (f", {outcome.without_address} without an address" if outcome.without_address else ""))
    for reference, error in outcome.failed:
        print(f"warning: {reference}: notice not delivered: {error}", file=sys.stderr)
    if outcome.failed:
        raise typer.Exit(1)


@app.command("answer")
def answer_cmd(
    reference: str = typer.Argument(..., help="The contact's reference (RC-...), from the notice's subject."),
    answer: str = typer.Argument(..., help="keep (restart the clock) or forget (open an erasure request)."),
    dataset: list[Path] = _DATASET, database_url: str | None = _DATABASE_URL,
) -> None:
    """Record a person's answer received by reply or by phone."""
    from egide.services.retention.recontact import answer_recontact

    with reported_errors():
        with _session(dataset, database_url, need_databases=False) as (desk, register, databases, _):
            outcome = answer_recontact(desk, reference, answer, by=desk.actor, databases=databases, register=register)
    typer.echo(f"{outcome.contact.reference}: {outcome.contact.answer}")
    if outcome.request_reference:
        typer.echo(f"  erasure request {outcome.request_reference} opened (identity to verify: `egide request show`)")
    if outcome.clock_moved:
        typer.echo("  the clock restarts today")
