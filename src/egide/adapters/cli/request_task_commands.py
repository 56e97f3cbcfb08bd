"""`egide request review | decide-objection | charge-fee | fee-paid | lift-restriction | lift-due`:
the decisions people take on a request (thin: parse, call a service, print)."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from typing import Iterator

import typer

from egide.adapters.cli.context import STATE
from egide.adapters.cli.errors import reported_errors
from egide.adapters.cli.request_commands import _report, app
from egide.domain.errors import InvalidInputError, Problem


@contextmanager
def _desk_and_app() -> Iterator[tuple]:
    from egide.adapters.notifications import request_desk
    from egide.bootstrap import build_app

    application = build_app(STATE.settings())
    try:
        yield request_desk(application), application
    finally:
        application.close()


@app.command("review")
def review(reference: str = typer.Argument(..., help="The human-review request's reference."),
           outcome: str = typer.Option(..., "--outcome", help="upheld or changed: the automated decision after review."),
           reasons: str = typer.Option(..., "--reasons", help="The reviewer's reasons, sent to the person.")) -> None:
    """Record the human review of an automated decision (art. 22(3)) and answer the person."""
    from egide.services.request_tasks import record_review

    with reported_errors(), _desk_and_app() as (desk, _):
        _report(record_review(desk, reference, outcome, reasons), desk)


@app.command("decide-objection")
def decide_objection_cmd(
    reference: str = typer.Argument(..., help="The objection request's reference."),
    uphold: bool = typer.Option(False, "--uphold", help="Uphold the objection: processing stops for the purpose."),
    override: bool = typer.Option(False, "--override", help="Override it: compelling legitimate grounds prevail."),
    grounds: str | None = typer.Option(None, "--grounds", help="With --override: the compelling legitimate grounds, "
                                       "sent to the person (art. 21(1))."),
) -> None:
    """The DPO's decision on an objection to a legitimate-interest purpose; the person is answered."""
    from egide.services.request_tasks import decide_objection

    with reported_errors():
        if uphold == override:
            raise InvalidInputError("give --uphold, or --override --grounds \"...\"",
                                    problems=[Problem("one of --uphold / --override", path="decision")])
        with _desk_and_app() as (desk, application):
            change = decide_objection(desk, reference, uphold=uphold, grounds=grounds)
            application.decisions.invalidate()
            _report(change, desk)


@app.command("charge-fee")
def charge_fee_cmd(
    reference: str = typer.Argument(..., help="The request's reference."),
    amount: str = typer.Option(..., "--amount", help="The fee, e.g. 15 or 12.50 (administrative costs)."),
    currency: str = typer.Option("EUR", "--currency", help="ISO 4217 code."),
    reason: str = typer.Option(..., "--reason", help="The administrative costs it covers; sent to the person."),
    ground: str = typer.Option("excessive", "--ground", help="manifestly_unfounded or excessive (art. 12(5))."),
) -> None:
    """Ask a reasonable fee instead of refusing (art. 12(5)(a)); the clock waits for the payment."""
    from egide.services.request_fees import charge_fee

    with reported_errors(), _desk_and_app() as (desk, _):
        _report(charge_fee(desk, reference, amount=amount, currency=currency, reason=reason, ground=ground), desk)


@app.command("fee-paid")
def fee_paid_cmd(reference: str = typer.Argument(..., help="The request's reference.")) -> None:
    """Record the payment of the fee: the clock runs again and the request may run."""
    from egide.services.request_fees import fee_paid

    with reported_errors(), _desk_and_app() as (desk, _):
        _report(fee_paid(desk, reference), desk)


@app.command("lift-restriction")
def lift_restriction_cmd(
    reference: str = typer.Argument(..., help="A request of the person (their restriction request)."),
    reason: str = typer.Option(..., "--reason", help="Why the restriction ends; sent to the person."),
    on: str | None = typer.Option(None, "--on", help="The day it is lifted (YYYY-MM-DD; default today)."),
    restriction: str | None = typer.Option(None, "--restriction", help="Only this restriction (default: all of the "
                                           "person's active restrictions)."),
) -> None:
    """Tell the person, then lift their restriction (art. 18(3)): never before the notice is delivered."""
    from egide.services.restriction_lifts import announce_lift

    with reported_errors():
        day = _day(on)
        with _desk_and_app() as (desk, application):
            report = announce_lift(desk, reference, reason, lift_on=day, restriction_id=restriction)
            application.decisions.invalidate()
    _print_lifts(report)


@app.command("lift-due")
def lift_due_cmd() -> None:
    """Lift the announced restrictions whose day has come and whose notice reached the person (run daily)."""
    from egide.services.restriction_lifts import lift_due

    with reported_errors(), _desk_and_app() as (desk, application):
        report = lift_due(desk)
        application.decisions.invalidate()
    _print_lifts(report)


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInputError(f"--on {text!r} is not a date", problems=[Problem("write 2026-03-31", path="on")]) from None


def _print_lifts(report) -> None:  # type: ignore[no-untyped-def]
    import sys

    if report.announced:
        typer.echo(f"lift announced for {len(report.announced)} restriction(s), on {report.lift_on.isoformat()}")
    for delivery in report.deliveries:
        if delivery.delivered:
            typer.echo(f"  notice '{delivery.kind.value}' sent by {delivery.transport}")
        else:
            print(f"warning: notice '{delivery.kind.value}' not delivered: {delivery.error}", file=sys.stderr)
    for rid in report.lifted:
        typer.echo(f"restriction {rid} lifted")
    for rid in report.waiting:
        typer.echo(f"restriction {rid} NOT lifted: the person's notice is not delivered yet "
                   "(`egide request send-pending`, then `egide request lift-due`)")
    if not (report.announced or report.lifted or report.waiting):
        typer.echo("no restriction to lift today")
