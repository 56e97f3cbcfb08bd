"""`egide retention ...`: the retention plan, runs, reports and legal holds (thin: parse, call
services/retention, print)."""

from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import Any, Iterator

import typer

from egide.adapters.cli import recontact_commands
from egide.adapters.cli.context import STATE
from egide.adapters.cli.errors import reported_errors
from egide.domain.errors import ConfigurationError, InvalidInputError, Problem

app = typer.Typer(help="Retention enforced: the plan (a dry run), runs in batches, reports, legal holds.",
                  no_args_is_help=True)
hold_app = typer.Typer(help="Legal holds: data frozen whatever the retention rules say.", no_args_is_help=True)
app.add_typer(hold_app, name="hold")
app.add_typer(recontact_commands.app, name="recontact")

_DATASET = typer.Option([], "--dataset", help="A dataset file (repeat for several databases; default: EGIDE_DATASETS).")
_DATABASE_URL = typer.Option(None, "--database-url", help="The company database (else the dataset's variable).")
_LOG_ROOT = typer.Option(None, "--log-root", help="Where the dataset's log directories are.")
_AT = typer.Option(None, "--at", help="Apply the rules as on this date (2027-01-31 or 2027-01-31T09:30); default now.")


@contextmanager
def company_session(datasets: list[Path], database_url: str | None, log_root: Path | None,
                    need_databases: bool = True) -> Iterator[tuple[Any, ...]]:
    """The application, the active register and the company databases, closed afterwards."""
    from egide.adapters.connectors.company import close_databases, open_databases
    from egide.bootstrap import build_app

    application = build_app(STATE.settings())
    databases: list[Any] = []
    try:
        active = application.registers.get()
        if active is None:
            raise ConfigurationError("no register is active: run `egide register activate FILE`")
        register = active.loaded.register
        files = datasets or list(application.settings.datasets)
        if need_databases and not files:
            raise InvalidInputError("no dataset: give --dataset FILE (or set EGIDE_DATASETS)",
                                    problems=[Problem("at least one dataset", path="datasets")])
        databases = open_databases(files, register, database_url, log_root) if files else []
        yield application, register, databases
    finally:
        close_databases(databases)
        application.close()


def parse_instant(text: str | None, option: str = "--at") -> datetime | None:
    if text is None:
        return None
    try:
        if len(text.strip()) == 10:
            return datetime.combine(date.fromisoformat(text.strip()), time(), tzinfo=timezone.utc)
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInputError(f"{option} {text!r} is not a date",
                                problems=[Problem("write 2027-01-31 or 2027-01-31T09:30", path=option[2:])]) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


@app.command("plan")
def plan_cmd(
    dataset: list[Path] = _DATASET,
    database_url: str | None = _DATABASE_URL,
    log_root: Path | None = _LOG_ROOT,
    at: str | None = _AT,
    fmt: str = typer.Option("text", "--format", help="text or json."),
) -> None:
    """What a run would do at a date, per rule and table: rows to delete, anonymize, archive, or kept by a hold.
    Changes nothing."""
    from egide.services.retention import plan_retention

    with reported_errors():
        if fmt not in ("text", "json"):
            raise InvalidInputError(f"unknown --format {fmt!r}", problems=[Problem("use text or json", path="format")])
        with company_session(dataset, database_url, log_root) as (application, register, databases):
            plan = plan_retention(application.store, register, databases, parse_instant(at))
    if fmt == "json":
        typer.echo(json.dumps(plan.to_dict(), indent=2, ensure_ascii=False, default=str))
        return
    from egide.adapters.cli.retention_output import print_plan

    print_plan(plan)


@app.command("run")
def run_cmd(
    dataset: list[Path] = _DATASET,
    database_url: str | None = _DATABASE_URL,
    log_root: Path | None = _LOG_ROOT,
    at: str | None = _AT,
    batch_size: int = typer.Option(50_000, "--batch-size", help="The most rows a batch takes (each batch is one "
                                   "transaction)."),
    batch_ms: int = typer.Option(250, "--batch-ms", help="What a batch aims to last, in milliseconds: each batch of a "
                                 "step is sized from the pace of the previous one (at most twice its rows)."),
    quiet: bool = typer.Option(False, "--quiet", help="No progress bar."),
) -> None:
    """Apply the retention rules: batches of set-based statements, children before parents, each batch in its own
    transaction and recorded with an audit event. Run it again after a crash: it resumes."""
    from egide.adapters.cli.retention_output import print_run, progress_bar
    from egide.services.retention import run_retention

    with reported_errors():
        with company_session(dataset, database_url, log_root) as (application, register, databases):
            reports = application.settings.data_dir / "retention"
            with progress_bar(quiet) as progress:
                run = run_retention(application.store, register, databases, parse_instant(at),
                                    batch_size=batch_size, batch_ms=batch_ms, progress=progress, report_dir=reports,
                                    actor=application.settings.actor)
    print_run(run)


@app.command("report")
def report_cmd(
    run_id: str | None = typer.Argument(None, help="A run's id; absent: the list of past runs."),
    fmt: str = typer.Option("text", "--format", help="text or json."),
) -> None:
    """List past runs, or show one (counts per table and action, its batches)."""
    from egide.adapters.cli.retention_output import print_report, print_runs
    from egide.bootstrap import build_app
    from egide.services.retention import list_runs, load_run

    with reported_errors():
        application = build_app(STATE.settings())
        try:
            found: Any = load_run(application.store, run_id) if run_id else list_runs(application.store)
            reports = application.settings.data_dir / "retention"
        finally:
            application.close()
    if fmt == "json":
        typer.echo(json.dumps(found, indent=2, ensure_ascii=False, default=str))
    elif run_id:
        print_report(found, reports)
    else:
        print_runs(found)


@hold_app.command("add")
def hold_add(
    reason: str = typer.Option(..., "--reason", help="Why the data is held (a dispute, an investigation...)."),
    owner: str = typer.Option(..., "--owner", help="Who answers for the hold (a name or a team)."),
    email: str | None = typer.Option(None, "--email", help="Hold one person's data, named by email."),
    customer_id: str | None = typer.Option(None, "--customer-id", help="Hold one person's data, named by customer number."),
    hold_dataset: str | None = typer.Option(None, "--on-dataset", help="Hold a whole dataset (its name)."),
    table: str | None = typer.Option(None, "--table", help="With --on-dataset: hold one table or log directory."),
    event: str | None = typer.Option(None, "--event", help="An open event: security_incident, dispute, "
                                     "legal_proceedings... (rules with while_open keep their data while it is open)."),
    starts: str | None = typer.Option(None, "--starts", help="When the hold starts (default now)."),
    ends: str | None = typer.Option(None, "--ends", help="When it ends (default: until `hold end`)."),
    dataset: list[Path] = _DATASET,
) -> None:
    """Place a legal hold on a person, a dataset, a table or log directory, or open an event."""
    from egide.adapters.cli.retention_output import print_hold
    from egide.domain.identity import Identifier
    from egide.domain.retention import HoldScope
    from egide.services.retention import add_hold

    with reported_errors():
        identifier = (Identifier.of("email", email) if email else
                      Identifier.of("customer_id", customer_id) if customer_id else None)
        scope = (HoldScope.event if event else HoldScope.person if identifier else
                 HoldScope.table if table else HoldScope.dataset)
        with company_session(dataset, None, None, need_databases=False) as (application, _register, _):
            from egide.datasets.loader import load_dataset

            files = dataset or list(application.settings.datasets)
            known = [load_dataset(f).dataset for f in files] if files else None
            hold = add_hold(application.store, scope=scope, reason=reason, owner=owner,
                            starts_at=parse_instant(starts, "--starts"), ends_at=parse_instant(ends, "--ends"),
                            dataset=hold_dataset, table=table, identifier=identifier, event=event, datasets=known,
                            actor=application.settings.actor)
    print_hold(hold)


@hold_app.command("list")
def hold_list(all_: bool = typer.Option(False, "--all", help="Also the holds that ended.")) -> None:
    """The legal holds (in force, or all)."""
    from egide.adapters.cli.retention_output import print_hold
    from egide.bootstrap import build_app
    from egide.services.retention import list_holds

    with reported_errors():
        application = build_app(STATE.settings())
        try:
            holds = list_holds(application.store)
            now = application.store.clock.now()
        finally:
            application.close()
    shown = [h for h in holds if all_ or h.active(now) or h.starts_at.replace(tzinfo=timezone.utc) > now]
    if not shown:
        typer.echo("no legal hold in force")
    for hold in shown:
        print_hold(hold)


@hold_app.command("end")
def hold_end(hold_id: int = typer.Argument(..., help="The hold's number (`egide retention hold list`).")) -> None:
    """End a legal hold now: the data falls under the retention rules again."""
    from egide.adapters.cli.retention_output import print_hold
    from egide.bootstrap import build_app
    from egide.services.retention import end_hold

    with reported_errors():
        application = build_app(STATE.settings())
        try:
            hold = end_hold(application.store, hold_id, application.settings.actor)
        finally:
            application.close()
    print_hold(hold)

