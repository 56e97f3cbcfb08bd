"""`request.run`: a verified request executed by the job runner, through the same resumable steps
as `egide request run`. A job retried after a crash resumes where the steps stopped; a request
already answered (or refused) is a no-op with a log line, not an error."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from egide.adapters.connectors.company import close_databases, open_databases
from egide.adapters.notifications import request_desk
from egide.domain.errors import ConfigurationError
from egide.domain.requests import RequestStatus
from egide.services.request_desk import load
from egide.services.request_runner import run_request

if TYPE_CHECKING:
    from egide.bootstrap import App

log = logging.getLogger("egide.jobs")


def run_request_job(app: "App", reference: str, datasets: list[str] | None = None,
                    log_root: str | None = None) -> None:
    """Run ``reference`` on ``datasets`` (dataset files; default: the ``datasets`` setting)."""
    desk = request_desk(app, actor="job:request.run")
    with app.store.unit_of_work(read_only=True) as uow:
        request = load(uow, reference)
    if request.status.is_final or request.status is RequestStatus.awaiting_approval:
        log.info("request %s is already %s: nothing to run", request.reference, request.status.value)
        return
    active = app.registers.get()
    if active is None:
        raise ConfigurationError("no register is active: run `egide register activate FILE`")
    files = [Path(f) for f in datasets] if datasets else list(app.settings.datasets)
    databases = open_databases(files, active.loaded.register, None, Path(log_root) if log_root else None)
    try:
        run_request(desk, active, request.reference, databases, app.settings.data_dir / "requests",
                    on_change=app.decisions.invalidate)
    finally:
        close_databases(databases)


def purge_exports_job(app: "App") -> None:
    """Daily: delete the access reports and exports whose download window (``export_available_days``) passed."""
    from datetime import timedelta

    from egide.services.privacy_centre import purge_expired_exports

    purged = purge_expired_exports(app.store, app.settings.data_dir / "requests",
                                   timedelta(days=app.settings.export_available_days))
    log.info("exports purged: %d file(s) of %d request(s)", purged.files, purged.requests)
