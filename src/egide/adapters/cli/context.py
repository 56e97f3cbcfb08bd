"""Settings for one CLI invocation, built once from the global options."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from egide.settings import Settings


@dataclass
class CliState:
    data_dir: Path | None = None
    database_url: str | None = None

    def settings(self, **overrides: object) -> Settings:
        given: dict[str, object] = {}
        if self.data_dir is not None:
            given["data_dir"] = self.data_dir
        if self.database_url is not None:
            given["database_url"] = self.database_url
        given.update(overrides)
        return Settings(**given)  # type: ignore[arg-type]


STATE = CliState()
