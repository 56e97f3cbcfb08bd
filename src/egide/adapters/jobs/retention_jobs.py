"""`retention.run`: the register's retention rules applied once a day by the job runner, through
the same resumable batches as `egide retention run` (an interrupted run resumes the next day)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from egide.adapters.connectors.company import close_databases, open_databases
from egide.domain.errors import ConfigurationError
from egide.services.retention import run_retention

if TYPE_CHECKING:
    from egide.bootstrap import App

log = logging.getLogger("egide.jobs")


def run_retention_job(app: "App", datasets: list[str] | None = None, log_root: str | None = None) -> None:
    """Apply retention at the app's clock on ``datasets`` (dataset files; default: the ``datasets`` setting)."""
    active = app.registers.get()
    if active is None:
        raise ConfigurationError("no register is active: run `egide register activate FILE`")
    files = [Path(f) for f in datasets] if datasets else list(app.settings.datasets)
    if not files:
        log.info("retention.run: no dataset configured (EGIDE_DATASETS): nothing to do")
        return
    databases = open_databases(files, active.loaded.register, None, Path(log_root) if log_root else None)
    try:
        run = run_retention(app.store, active.loaded.register, databases, app.clock.now(),
                            report_dir=app.settings.data_dir / "retention", actor="job:retention.run")
    finally:
        close_databases(databases)
    log.info("retention.run: run %s finished", run.id)
