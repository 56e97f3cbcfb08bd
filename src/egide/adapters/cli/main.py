"""The `egide` command. Commands are thin: they parse options, call a service, print."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from egide import __version__
from egide.adapters.cli import audit_commands, consent_commands, notice_commands, register_commands  # noqa: F401 (registers commands)
from egide.adapters.cli import dataset_commands
from egide.adapters.cli.context import STATE
from egide.adapters.cli.demo import demo
from egide.adapters.cli.errors import reported_errors

app = typer.Typer(
    name="egide",
    help="Egide: the GDPR register as code, enforced and provable.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(register_commands.app, name="register")
app.add_typer(dataset_commands.app, name="dataset")
app.add_typer(audit_commands.app, name="audit")
app.add_typer(consent_commands.consent_app, name="consent")
app.add_typer(consent_commands.subject_app, name="subject")
app.add_typer(consent_commands.marketing_app, name="marketing")
from egide.adapters.cli import request_commands  # noqa: E402
from egide.adapters.cli import contract_commands, request_task_commands, task_commands  # noqa: E402,F401
from egide.adapters.cli import request_file_commands  # noqa: E402,F401

app.add_typer(request_commands.app, name="request")
from egide.adapters.cli import job_commands  # noqa: E402

app.add_typer(job_commands.jobs_app, name="jobs")
app.command()(job_commands.worker)
app.add_typer(task_commands.app, name="task")
consent_commands.subject_app.add_typer(contract_commands.app, name="contract")
from egide.adapters.cli import retention_commands  # noqa: E402

app.add_typer(retention_commands.app, name="retention")
from egide.adapters.cli import breach_commands  # noqa: E402

app.add_typer(breach_commands.app, name="breach")
from egide.adapters.cli import account_commands  # noqa: E402

app.add_typer(account_commands.account_app, name="account")
app.add_typer(account_commands.apikey_app, name="apikey")
from egide.adapters.cli import key_commands  # noqa: E402

app.add_typer(key_commands.app, name="keys")
app.command()(demo)
app.command()(consent_commands.decide)
app.command()(consent_commands.serve)


@app.callback()
def main(
    data_dir: Path | None = typer.Option(None, "--data-dir", envvar="EGIDE_DATA_DIR",
                                         help="Data directory (store and keys). Default ./.egide"),
    database_url: str | None = typer.Option(None, "--database-url", envvar="EGIDE_DATABASE_URL",
                                            help="SQLAlchemy URL of the store. Default: SQLite in the data directory."),
) -> None:
    STATE.data_dir = data_dir
    STATE.database_url = database_url


@app.command()
def init() -> None:
    """Create the data directory, the keys and the store's schema (safe to run again)."""
    from egide.bootstrap import initialise

    with reported_errors():
        settings = STATE.settings()
        done = initialise(settings)
    for line in done:
        typer.echo(line)
    typer.echo(f"store ready: {_safe_url(settings.resolved_database_url)}")


@app.command()
def version() -> None:
    """Print Egide's version."""
    typer.echo(json.dumps({"egide": __version__}))


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def run() -> None:
    app()
