"""`egide subject contract start|end`: contracts the decision point checks for a purpose that needs
a live contract (thin)."""

from __future__ import annotations

import typer

from egide.adapters.cli.context import STATE
from egide.adapters.cli.errors import reported_errors
from egide.domain.identity import Identifier

app = typer.Typer(help="Contracts with a data subject (art. 6(1)(b)), for purposes that need a live contract.",
                  no_args_is_help=True)


@app.command("start")
def start(email: str = typer.Option(..., "--email"),
          activity: str = typer.Option(..., "--activity", help="The register activity the contract is for.")) -> None:
    """Record that the person entered a contract for a register activity."""
    from egide.bootstrap import build_app
    from egide.domain.errors import ConfigurationError
    from egide.services.contracts import start_contract

    with reported_errors():
        application = build_app(STATE.settings())
        try:
            active = application.registers.get()
            if active is None:
                raise ConfigurationError("no register is active: run `egide register activate FILE`")
            contract_id = start_contract(application.store, active, Identifier.of("email", email), activity,
                                         application.settings.actor)
            application.decisions.invalidate()
        finally:
            application.close()
    typer.echo(f"contract {contract_id} started ({activity})")


@app.command("end")
def end(contract_id: str = typer.Argument(..., help="The contract's id, as `start` printed it.")) -> None:
    """Record that the contract ended."""
    from egide.bootstrap import build_app
    from egide.services.contracts import end_contract

    with reported_errors():
        application = build_app(STATE.settings())
        try:
            end_contract(application.store, contract_id, application.settings.actor)
            application.decisions.invalidate()
        finally:
            application.close()
    typer.echo(f"contract {contract_id} ended")
