"""`egide decide`, `egide consent ...`, `egide subject ...`, `egide marketing ...`, `egide serve`."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

import typer

from egide.adapters.cli.context import STATE
from egide.adapters.cli.errors import reported_errors
from egide.domain.consent import ConsentChannel, ConsentProof
from egide.domain.identity import Identifier

consent_app = typer.Typer(help="The consent ledger: record and show choices.", no_args_is_help=True)
subject_app = typer.Typer(help="A data subject's states: restriction (art. 18), objection (art. 21).",
                          no_args_is_help=True)
marketing_app = typer.Typer(help="Marketing opt-outs: unsubscribe links, opposition list, imports.",
                            no_args_is_help=True)


def _app():  # type: ignore[no-untyped-def]
    from egide.bootstrap import build_app

    return build_app(STATE.settings())


def decide(
    purpose: str = typer.Option(..., "--purpose", help="A data-use key of the register, e.g. marketing.communications.email."),
    email: str | None = typer.Option(None, "--email"),
    phone: str | None = typer.Option(None, "--phone"),
    at: datetime | None = typer.Option(None, "--at", help="Decide at this instant instead of now (UTC)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """May we process this person's data for this purpose now? Answers with the rule and the reasons."""
    from egide.adapters.http.decision_routes import decision_json

    with reported_errors():
        if (email is None) == (phone is None):
            from egide.domain.errors import InvalidInputError

            raise InvalidInputError("give --email or --phone")
        identifier = Identifier.of("email", email) if email else Identifier.of("phone", phone or "")
        app = _app()
        try:
            result = decision_json(app.decisions.decide(identifier, purpose, at))
        finally:
            app.close()
    if as_json:
        typer.echo(json.dumps(result, indent=2, ensure_ascii=False))
        return
    verdict = "ALLOWED" if result["allowed"] else "DENIED"
    typer.secho(f"{verdict}: {purpose} for {identifier.masked()} (legal basis: {result['legal_basis'] or 'none'})",
                fg="green" if result["allowed"] else "red")
    typer.echo(f"  rule: {result['rule']}")
    for reason in result["reasons"]:
        typer.echo(f"  because: {reason}")
    if result["evidence"]:
        typer.echo(f"  evidence: {', '.join(result['evidence'])}")
    typer.echo(f"  rules evaluated: {', '.join(result['evaluated'])}")


@consent_app.command("record")
def consent_record(
    email: str = typer.Option(..., "--email"),
    purpose: list[str] = typer.Option(..., "--purpose", help="Repeat for several purposes."),
    given: bool = typer.Option(..., "--given/--refused", help="--refused on a valid consent records a withdrawal."),
    channel: ConsentChannel = typer.Option(ConsentChannel.phone, "--channel"),
    language: str = typer.Option("fr", "--language"),
) -> None:
    """Record a choice made by phone, on paper or by email (the agent is the actor)."""
    from egide.services.consent import record_choice
    from egide.services.subjects import find_or_register

    with reported_errors():
        app = _app()
        try:
            active = app.registers.get()
            if active is None:
                from egide.domain.errors import ConfigurationError

                raise ConfigurationError("no register is active: run `egide register activate FILE`")
            subject = find_or_register(app.store, Identifier.of("email", email), app.settings.actor)
            result = record_choice(app.store, active, choices={p: given for p in purpose}, actor=app.settings.actor,
                                   subject_id=subject.id,
                                   proof=ConsentProof(channel=channel, register_version=active.sha256, language=language))
        finally:
            app.close()
    for event_id, p, action in result.events:
        typer.echo(f"{action.value}: {p} (event {event_id})")
    for pending in result.pending_actions:
        typer.echo(f"pending action {pending}: the register asks for data to go on withdrawal (run by retention)")


@consent_app.command("show")
def consent_show(email: str = typer.Option(..., "--email")) -> None:
    """A person's current choice for every consent purpose and cookie category, with dates."""
    from egide.services.consent import consent_overview
    from egide.services.subjects import find_data_subjects

    with reported_errors():
        app = _app()
        try:
            active = app.registers.get()
            subjects = find_data_subjects(app.store, Identifier.of("email", email))
            states = consent_overview(app.store, active, subject_ids=[s.id for s in subjects]) if active else {}
        finally:
            app.close()
    for purpose, state in states.items():
        since = f" since {state.decided_by.at:%Y-%m-%d}" if state.decided_by else ""
        until = f", until {state.expires_at:%Y-%m-%d}" if state.expires_at and state.status.value == "valid" else ""
        typer.echo(f"{purpose:<45} {state.status.value}{since}{until}")


@consent_app.command("proof")
def consent_proof_cmd(event_id: str = typer.Argument(..., help="The ledger event's id (as `consent record` prints it).")) -> None:
    """The proof of one consent event: notice, banner, channel, language, and the IP address and user
    agent opened with the person's (or browser's) key, or said gone once an erasure destroyed it."""
    from egide.services.consent import consent_proof

    with reported_errors():
        app = _app()
        try:
            found = consent_proof(app.store, event_id)
        finally:
            app.close()
    proof = found.proof
    typer.echo(f"event {found.event_id}: {proof.channel.value}, register {proof.register_version[:12]}, "
               f"language {proof.language or '-'}")
    for label, value in (("notice", proof.notice_sha256), ("banner", proof.banner_sha256)):
        if value:
            typer.echo(f"  {label} sha256: {value}")
    if not found.opened:
        typer.echo("  IP address and user agent: sealed with a key an erasure destroyed (gone for good)")
        return
    if not found.sealed and proof.ip_truncated is None and proof.user_agent is None:
        typer.echo("  IP address and user agent: none recorded")
        return
    where = "sealed with the person's key" if found.sealed else "recorded in clear before revision 0014"
    typer.echo(f"  IP address (truncated): {proof.ip_truncated or '-'} ({where})")
    typer.echo(f"  user agent: {proof.user_agent or '-'}")


@subject_app.command("restrict")
def subject_restrict(email: str = typer.Option(..., "--email"), reason: str = typer.Option(..., "--reason"),
                     purpose: list[str] = typer.Option([], "--purpose", help="Only these purposes (default: all).")) -> None:
    """Restrict processing (art. 18): every purpose but storage and legal claims is denied."""
    from egide.services.subjects import restrict_processing

    with reported_errors():
        app = _app()
        try:
            rid = restrict_processing(app.store, Identifier.of("email", email), reason, list(purpose), app.settings.actor)
        finally:
            app.close()
    typer.echo(f"restriction {rid} recorded")


@subject_app.command("object")
def subject_object(email: str = typer.Option(..., "--email"),
                   purpose: str = typer.Option("marketing", "--purpose"),
                   channel: str = typer.Option("all", "--channel", help="email, sms, push, phone or all (marketing).")) -> None:
    """Record an objection (art. 21): to marketing, the opposition list at once; else upheld until a DPO decides."""
    from egide.services.marketing import object_to_marketing
    from egide.services.subjects import record_objection

    with reported_errors():
        app = _app()
        try:
            identifier = Identifier.of("email", email)
            if purpose == "marketing" or purpose.startswith("marketing."):
                object_to_marketing(app.store, identifier, channel, "cli", app.settings.actor)
                typer.echo(f"on the opposition list for {channel}")
            else:
                typer.echo(f"objection {record_objection(app.store, identifier, purpose, app.settings.actor)} recorded")
        finally:
            app.close()


@marketing_app.command("unsubscribe-link")
def marketing_link(email: str = typer.Option(..., "--email"),
                   purpose: str = typer.Option("marketing.communications.email", "--purpose"),
                   channel: str = typer.Option("email", "--channel")) -> None:
    """The signed one-click link and the RFC 8058 header values for one message."""
    from egide.services.marketing import unsubscribe_link

    with reported_errors():
        app = _app()
        try:
            headers = unsubscribe_link(app.store, Identifier.of("email", email), purpose, channel,
                                       app.settings.public_url)
        finally:
            app.close()
    typer.echo(json.dumps(headers, indent=2))


@marketing_app.command("import-check")
def marketing_import_check(file: Path = typer.Argument(..., help="A CSV with an `email` column."),
                           channel: str = typer.Option("email", "--channel")) -> None:
    """Check a subscriber list against the opposition and suppression lists; list what is refused."""
    from egide.domain.errors import UnreadableInputError
    from egide.services.marketing import check_subscriber_import

    with reported_errors():
        if not file.is_file():
            raise UnreadableInputError(f"{file}: no such file")
        app = _app()
        try:
            report = check_subscriber_import(app.store, file.read_text(encoding="utf-8", errors="replace"), channel)
        finally:
            app.close()
    typer.echo(f"{len(report.accepted)} accepted, {len(report.refused)} refused, {len(report.invalid)} invalid")
    for line, masked, reason in report.refused:
        typer.echo(f"  {file}:{line}: refused {masked}: {reason}")
    for line, error in report.invalid:
        typer.echo(f"  {file}:{line}: invalid: {error}")


def serve(host: str = typer.Option("127.0.0.1", "--host"), port: int = typer.Option(8000, "--port"),
          access_log: bool = typer.Option(True, "--access-log/--no-access-log", help="Log every request.")) -> None:
    """Serve the HTTP API, the cookie banner and the demo shop page; with job_runner = inprocess (the default),
    also work the job queue and the daily jobs in a background thread."""
    import uvicorn

    from egide.adapters.http.app import create_app

    from egide.adapters.jobs import build_job_queue

    with reported_errors():
        app = _app()
        runner = build_job_queue(app)
    # Request threads hold the audit chain's lock across a few database round trips; a shorter GIL
    # switch interval lets the holder resume sooner after each one (more throughput, lower p99).
    sys.setswitchinterval(0.0005)
    try:
        typer.echo(f"Egide on http://{host}:{port}  (API docs: /api/docs, demo shop: /demo/shop)")
        if runner.name == "inprocess":
            runner.start()
            typer.echo(f"jobs: in-process (queued jobs every {app.settings.jobs_poll_seconds}s, daily jobs at "
                       f"{app.settings.jobs_daily_at} UTC)")
        else:
            typer.echo("jobs: on the procrastinate queue (run `egide worker`)")
        uvicorn.run(create_app(app, jobs=runner), host=host, port=port, log_level="info", access_log=access_log)
    finally:
        if runner.name == "inprocess":
            runner.stop()
        app.close()
