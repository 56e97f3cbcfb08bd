"""`egide request file`: the reports and exports of a request, sealed at rest with the person's key,
listed or opened (thin: parse, call a service, print)."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from egide.adapters.cli.context import STATE
from egide.adapters.cli.errors import reported_errors
from egide.adapters.cli.request_commands import _desk, app


@app.command("file")
def file_cmd(reference: str = typer.Argument(..., help="The request's reference."),
             name: str | None = typer.Argument(None, help="The file to open, e.g. shop/access-<id>.html "
                                                      "(without it: the files are listed)."),
             output: Path | None = typer.Option(None, "--output", help="Write the opened file here "
                                                "(0600) instead of standard output."),
             requests_dir: Path | None = typer.Option(None, "--requests-dir", help="Where the run wrote "
                                                      "its files (default: DATA_DIR/requests).")) -> None:
    """List a request's files, or open one with the person's key (an audit event records who opened
    which file). Once an erasure destroyed the key, the file no longer opens (exit 3)."""
    from egide.services.privacy_centre import staff_open_file, staff_request_files

    with reported_errors():
        with _desk() as desk:
            folder = requests_dir or STATE.settings().data_dir / "requests"
            if name is None:
                for found in staff_request_files(desk, reference, folder):  # type: ignore[arg-type]
                    typer.echo(f"{found.name}  {found.size} bytes")
                return
            content = staff_open_file(desk, reference, name, folder)  # type: ignore[arg-type]
            if output is None:
                for chunk in content:
                    sys.stdout.buffer.write(chunk)
                sys.stdout.buffer.flush()
                return
            _write_private(output, content)
    typer.echo(f"{reference}: {name} opened into {output}", err=True)


def _write_private(path: Path, content) -> None:  # type: ignore[no-untyped-def]
    import os

    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        for chunk in content:
            handle.write(chunk)
