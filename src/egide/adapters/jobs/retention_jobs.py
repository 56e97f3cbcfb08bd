"""`retention.run`: the register's retention rules applied once a day by the job runner, through
the same resumable batches as `egide retention run` (an interrupted run resumes the next day).

Before the run, as `egide retention recontact send` does: the keep answers are written into their
rows' clocks and the people due for re-contact are contacted (recorded, and written to where the
rule says ``notify``), so the rows a re-contact keeps (services/retention/awaiting.py) are
released once their answer period is over, never before the person was asked."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
    register = active.loaded.register
    databases = open_databases(files, register, None, Path(log_root) if log_root else None)
    try:
        _recontact_first(app, register, databases)
        run = run_retention(app.store, register, databases, app.clock.now(),
                            report_dir=app.settings.data_dir / "retention", actor="job:retention.run")
    finally:
        close_databases(databases)
    log.info("retention.run: run %s finished", run.id)


def _recontact_first(app: "App", register: Any, databases: list[Any]) -> None:
    if not any(rule.recontact is not None for rule in register.retention):
        return
    from egide.adapters.notifications import request_desk
    from egide.services.retention.recontact import apply_keep_answers, record_contacts

    desk = request_desk(app, actor="job:retention.run")
    apply_keep_answers(desk, register, databases)
    outcome = record_contacts(desk, register, databases, public_url=app.settings.public_url)
    log.info("retention.run: %d people contacted before the run, %d notices sent, %d failed",
             len(outcome.contacts), outcome.notified, len(outcome.failed))
