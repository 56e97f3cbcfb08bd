"""`egide keys rotate`: a new master key, every person's key re-wrapped under it (thin: the
service is services/subject_keys.py; see docs/operations.md)."""

from __future__ import annotations

from pathlib import Path

import typer

from egide.adapters.cli.context import STATE
from egide.adapters.cli.errors import reported_errors

app = typer.Typer(help="The master key that wraps each person's key: rotate it.", no_args_is_help=True)


@app.command()
def rotate(
    new_key_file: Path | None = typer.Option(
        None, "--new-key-file",
        help="Where to write the new master key (default: keys/master.key in the data directory). "
             "When the master key comes from EGIDE_MASTER_KEY, set the variable to this file's content afterwards."),
) -> None:
    """Create a new master key, re-wrap every person's key under it (one transaction), then install it."""
    from egide.adapters.keyring import decode_key, new_key_text, write_key_file
    from egide.bootstrap import build_app
    from egide.services.subject_keys import rewrap_subject_keys

    with reported_errors():
        settings = STATE.settings()
        target = new_key_file or settings.keys_dir / "master.key"
        pending = target.with_name(target.name + ".next")
        text = pending.read_text() if pending.exists() else new_key_text()  # resume an interrupted rotation
        write_key_file(pending, text)  # kept until the store commits: the new key is never lost
        application = build_app(settings)
        try:
            rotation = rewrap_subject_keys(application.store, decode_key(str(pending), text), settings.actor)
        finally:
            application.close()
        pending.replace(target)
        typer.echo(f"re-wrapped {rotation.rewrapped} person key(s): master {rotation.old_master} -> {rotation.new_master}")
        typer.echo(f"new master key: {target}")
        typer.echo("restart `egide serve` and the workers so they read it; keep the old one until backups made "
                   "before today have expired (they need it)")
