"""`egide audit ...`: verify the hash chain, list events."""

from __future__ import annotations

import json

import typer

from egide.adapters.cli.context import STATE
from egide.adapters.cli.errors import EXIT_FINDINGS, reported_errors

app = typer.Typer(help="The tamper-evident audit trail.", no_args_is_help=True)


@app.command()
def verify(as_json: bool = typer.Option(False, "--json", help="Print the report as JSON.")) -> None:
    """Walk the hash chain; name the first event altered, removed or inserted. Exit 1 if broken."""
    from egide.bootstrap import build_app
    from egide.services.audit import verify_audit_trail, verify_consent_ledger

    with reported_errors():
        app_ = build_app(STATE.settings())
        try:
            report = verify_audit_trail(app_.store)
            ledger = verify_consent_ledger(app_.store)
        finally:
            app_.close()
    if as_json:
        brk = report.first_break
        typer.echo(json.dumps({"intact": report.intact, "events_checked": report.events_checked,
                               "head_seq": report.head_seq,
                               "first_break": None if brk is None else
                               {"seq": brk.seq, "kind": brk.kind, "message": brk.message},
                               "consent_ledger": {"intact": ledger.intact, "events_checked": ledger.events_checked,
                                                  "first_problem": ledger.first_problem}}))
    elif report.intact:
        typer.secho(f"audit trail intact: {report.events_checked} event(s), head {report.head_seq} "
                    f"({(report.head_hash or '')[:12]})", fg="green")
    else:
        assert report.first_break is not None
        typer.secho(f"audit trail BROKEN at event {report.first_break.seq} ({report.first_break.kind}): "
                    f"{report.first_break.message}", fg="red")
    if not as_json:
        if ledger.intact:
            typer.secho(f"consent ledger intact: {ledger.events_checked} event(s) match their audit events", fg="green")
        else:
            typer.secho(f"consent ledger BROKEN: {ledger.first_problem}", fg="red")
    if not (report.intact and ledger.intact):
        raise typer.Exit(EXIT_FINDINGS)


@app.command("list")
def list_events(
    object_type: str | None = typer.Option(None, "--object-type", help="e.g. register_version, data_subject."),
    object_id: str | None = typer.Option(None, "--object-id", help="The object's id (a hash, a uuid)."),
    actor: str | None = typer.Option(None, "--actor", help="Only events caused by this actor."),
    limit: int = typer.Option(50, "--limit", help="How many of the newest events."),
) -> None:
    """List the newest events, optionally for one object or actor."""
    from egide.bootstrap import build_app

    with reported_errors():
        app_ = build_app(STATE.settings())
        try:
            with app_.store.unit_of_work() as uow:
                events = uow.audit.search(object_type=object_type, object_id=object_id, actor=actor, limit=limit)
        finally:
            app_.close()
    for e in events:
        typer.echo(f"{e.seq:>6} {e.occurred_at:%Y-%m-%d %H:%M:%S} {e.actor:<20} {e.action:<28} "
                   f"{e.object_type}:{e.object_id[:16]} {json.dumps(e.payload, ensure_ascii=False)}")


@app.command()
def purge(
    months: int | None = typer.Option(None, "--months", help="Keep this many months (6 to 12); "
                                      "default: the audit_retention_months setting."),
) -> None:
    """Delete the events older than the audit retention; keep a signed anchor so `verify` still holds."""
    from egide.bootstrap import build_app
    from egide.services.audit_retention import purge_audit_trail

    with reported_errors():
        app_ = build_app(STATE.settings())
        try:
            result = purge_audit_trail(app_.store, months or app_.settings.audit_retention_months,
                                       actor=app_.settings.actor)
        finally:
            app_.close()
    if result.anchor is None:
        typer.echo(f"nothing to purge: no event before {result.cutoff:%Y-%m-%d %H:%M} UTC")
    else:
        typer.secho(f"purged {result.purged} event(s) before {result.cutoff:%Y-%m-%d %H:%M} UTC; the trail now "
                    f"starts after event {result.anchor.seq} (signed anchor {result.anchor.hash[:12]})", fg="green")
