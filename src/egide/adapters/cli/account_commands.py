"""`egide account ...` (staff accounts of the console) and `egide apikey ...` (keys of the HTTP API); thin."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from typing import Any, Iterator

import typer

from egide.adapters.cli.context import STATE
from egide.adapters.cli.errors import reported_errors
from egide.services.accounts import generated_password

account_app = typer.Typer(help="Staff accounts of the console: roles admin, dpo, agent, auditor (read only).",
                          no_args_is_help=True)
apikey_app = typer.Typer(help="API keys of the HTTP API, limited to scopes; shown once, stored hashed.",
                         no_args_is_help=True)

@contextmanager
def _app() -> Iterator[Any]:
    from egide.bootstrap import build_app

    application = build_app(STATE.settings())
    try:
        yield application
    finally:
        application.close()


def _password(stdin: bool, generate: bool) -> tuple[str, bool]:
    if generate:
        return generated_password(), True
    if stdin:
        return sys.stdin.readline().rstrip("\n"), False
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True), False


@account_app.command("create")
def create(username: str = typer.Argument(..., help="The account's name (e.g. an email address); case-insensitive."),
           role: str = typer.Option(..., "--role", help="admin, dpo, agent or auditor."),
           password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from standard input."),
           generate: bool = typer.Option(False, "--generate", help="Make a strong password and print it once.")) -> None:
    """Create a staff account. The password must have at least 80 bits of entropy (CNIL 2022)."""
    from egide.services import accounts

    with reported_errors():
        password, shown = _password(password_stdin, generate)
        with _app() as application:
            account = accounts.create_account(application.store, username=username, role=role, password=password,
                                              actor=application.settings.actor)
    typer.echo(f"created account {account.username} ({account.role.value})")
    if shown:
        typer.echo(f"password (shown once): {password}")


@account_app.command("list")
def list_cmd(fmt: str = typer.Option("table", "--format", help="table or json.")) -> None:
    """Every account with its role, state and last sign-in."""
    from egide.services import accounts

    with reported_errors(), _app() as application:
        rows = accounts.list_accounts(application.store)
    if fmt == "json":
        typer.echo(json.dumps([{"username": a.username, "role": a.role.value, "active": a.active,
                                "created_at": a.created_at.isoformat(),
                                "last_sign_in_at": a.last_sign_in_at.isoformat() if a.last_sign_in_at else None}
                               for a in rows], indent=2))
        return
    for a in rows:
        last = a.last_sign_in_at.strftime("%Y-%m-%d %H:%M") if a.last_sign_in_at else "never"
        typer.echo(f"{a.username:<40} {a.role.value:<8} {'active' if a.active else 'disabled':<9} last sign-in {last}")
    if not rows:
        typer.echo("no account: create one with `egide account create NAME --role admin`")


@account_app.command("disable")
def disable(username: str = typer.Argument(..., help="The account's name.")) -> None:
    """Disable an account and end its sessions (the last active admin cannot be disabled)."""
    from egide.services import accounts

    with reported_errors(), _app() as application:
        account = accounts.disable_account(application.store, username, actor=application.settings.actor)
    typer.echo(f"disabled {account.username}")


@account_app.command("enable")
def enable(username: str = typer.Argument(..., help="The account's name.")) -> None:
    """Enable a disabled account again."""
    from egide.services import accounts

    with reported_errors(), _app() as application:
        account = accounts.enable_account(application.store, username, actor=application.settings.actor)
    typer.echo(f"enabled {account.username}")


@account_app.command("password")
def password(username: str = typer.Argument(..., help="The account's name."),
             password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from standard input."),
             generate: bool = typer.Option(False, "--generate", help="Make a strong password and print it once.")) -> None:
    """Set a new password (no periodic change is forced); the account's sessions end."""
    from egide.services import accounts

    with reported_errors():
        chosen, shown = _password(password_stdin, generate)
        with _app() as application:
            account = accounts.set_password(application.store, username, chosen, actor=application.settings.actor)
    typer.echo(f"password changed for {account.username}")
    if shown:
        typer.echo(f"password (shown once): {chosen}")


@apikey_app.command("create")
def apikey_create(name: str = typer.Argument(..., help="Who or what uses the key (e.g. 'crm-sync')."),
                  scope: list[str] = typer.Option(..., "--scope",
                                                  help="An API area the key opens (repeat): decisions, consents, "
                                                       "marketing, requests, retention.")) -> None:
    """Create an API key; it is printed once and only its hash is stored."""
    from egide.services import accounts

    with reported_errors(), _app() as application:
        key, secret = accounts.create_api_key(application.store, name=name, scopes=scope,
                                              actor=application.settings.actor)
    typer.echo(f"created API key {key.prefix} ({', '.join(key.scopes)})")
    typer.echo(f"key (shown once, send it as `Authorization: Bearer ...`): {secret}")


@apikey_app.command("list")
def apikey_list(fmt: str = typer.Option("table", "--format", help="table or json.")) -> None:
    """Every API key: its id, name, scopes, state (never the key itself)."""
    from egide.services import accounts

    with reported_errors(), _app() as application:
        rows = accounts.list_api_keys(application.store)
    if fmt == "json":
        typer.echo(json.dumps([{"prefix": k.prefix, "name": k.name, "scopes": list(k.scopes),
                                "created_at": k.created_at.isoformat(),
                                "revoked_at": k.revoked_at.isoformat() if k.revoked_at else None,
                                "last_used_at": k.last_used_at.isoformat() if k.last_used_at else None}
                               for k in rows], indent=2))
        return
    for k in rows:
        state = f"revoked {k.revoked_at:%Y-%m-%d}" if k.revoked_at else "active"
        typer.echo(f"{k.prefix}  {k.name:<30} {' '.join(k.scopes):<40} {state}")
    if not rows:
        typer.echo("no API key")


@apikey_app.command("revoke")
def apikey_revoke(prefix: str = typer.Argument(..., help="The key's id (the 8 characters after `egide_`).")) -> None:
    """Revoke an API key (it stops working within 10 seconds on running servers)."""
    from egide.services import accounts

    with reported_errors(), _app() as application:
        key = accounts.revoke_api_key(application.store, prefix, actor=application.settings.actor)
    typer.echo(f"revoked API key {key.prefix}")
