"""A finding of `egide dataset check`: a rule, a severity, what is wrong and where in the file."""

from __future__ import annotations

from dataclasses import dataclass

from egide.register.lint import Severity


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    path: str
    message: str
    hint: str | None = None
    file: str | None = None
    line: int | None = None
    column: int | None = None

    def as_dict(self) -> dict[str, object]:
        return {"rule": self.rule, "severity": self.severity.value, "file": self.file, "line": self.line,
                "column": self.column, "path": self.path, "message": self.message, "hint": self.hint}

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}" if self.file and self.line else (self.file or self.path)
        return f"{place}: {self.severity.value} [{self.rule}] {self.message}" + (f" ({self.hint})" if self.hint else "")


@dataclass(frozen=True)
class Hit:
    """A finding before it is placed: the rule, the dataset path it is about, what is wrong."""

    rule: str
    severity: Severity
    parts: tuple[str | int, ...]
    message: str
    hint: str | None = None
