"""One error family for Egide.

Every error Egide raises on purpose derives from :class:`EgideError`. Adapters map the
``code`` to an exit status (CLI) or an HTTP status (API) in one table each; driver errors
are caught at the adapter boundary and re-raised as one of these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong with some input, and where it is."""

    message: str
    path: str = ""
    file: str | None = None
    line: int | None = None
    column: int | None = None
    hint: str | None = None

    def where(self) -> str:
        place = self.file or "<input>"
        if self.line is not None:
            place += f":{self.line}"
            if self.column is not None:
                place += f":{self.column}"
        return place

    def __str__(self) -> str:
        place = f"{self.where()}: " if self.file or self.line else ""
        text = f"{place}{self.path + ': ' if self.path else ''}{self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": self.path,
            "message": self.message,
            "hint": self.hint,
        }


@dataclass
class EgideError(Exception):
    """Base of every error Egide raises on purpose."""

    message: str
    details: dict[str, Any] = field(default_factory=dict)
    code: str = "egide_error"

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


@dataclass
class InvalidInputError(EgideError):
    """Input that was read but does not hold: every problem is listed with its place."""

    problems: list[Problem] = field(default_factory=list)
    code: str = "invalid_input"

    def __str__(self) -> str:
        lines = [self.message] + [f"  {p}" for p in self.problems]
        return "\n".join(lines)


@dataclass
class UnreadableInputError(EgideError):
    """Input that cannot be read at all (missing file, not text, not YAML)."""

    code: str = "unreadable_input"


@dataclass
class NotFoundError(EgideError):
    code: str = "not_found"


@dataclass
class ConflictError(EgideError):
    """The request contradicts what is stored (e.g. activating a version already active)."""

    code: str = "conflict"


@dataclass
class ConfigurationError(EgideError):
    code: str = "configuration"


@dataclass
class StoreError(EgideError):
    """The store failed (driver error re-raised at the adapter boundary)."""

    code: str = "store"
