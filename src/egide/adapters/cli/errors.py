"""One table from Egide's error codes to CLI exit statuses."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Iterator

import typer

from egide.domain.errors import EgideError, InvalidInputError

EXIT_OK = 0
EXIT_FINDINGS = 1  # error-level findings, a major change, a broken audit chain
EXIT_BAD_INPUT = 2

EXIT_CODES = {
    "unreadable_input": EXIT_BAD_INPUT,
    "invalid_input": EXIT_BAD_INPUT,
    "not_found": 3,
    "conflict": 4,
    "configuration": 5,
    "store": 6,
    "unauthorised": 7,
    "forbidden": 7,
}


def exit_code(error: EgideError) -> int:
    return EXIT_CODES.get(error.code, 1)


@contextmanager
def reported_errors() -> Iterator[None]:
    """Print an Egide error as a message (no stack trace) and exit with its status."""
    try:
        yield
    except EgideError as error:
        print(f"error: {error.message}", file=sys.stderr)
        if isinstance(error, InvalidInputError):
            for problem in error.problems:
                print(f"  {problem}", file=sys.stderr)
        raise typer.Exit(exit_code(error)) from None
