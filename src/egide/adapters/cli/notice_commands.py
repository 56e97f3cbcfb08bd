"""`egide register render` and `egide register import`: the notice both ways."""

from __future__ import annotations

import typer

from egide.adapters.cli import register_commands

app = register_commands.app
