"""Run one job and record its outcome: succeeded, or failed with the exception logged and kept."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from egide.adapters.jobs import JobRegistry
from egide.adapters.jobs.journal import JobJournal, JobRecord

if TYPE_CHECKING:
    from egide.bootstrap import App

log = logging.getLogger("egide.jobs")


def perform(app: "App", registry: JobRegistry, journal: JobJournal, job: JobRecord, *,
            reraise: bool = False) -> JobRecord:
    """Call the job's function with its arguments. An exception is logged with its traceback and
    recorded (journal and audit trail); ``reraise`` hands it on (procrastinate then marks its own job
    failed). Returns the journal's record after the run."""
    log.info("job %s (%s) started", job.id, job.name)
    try:
        registry.get(job.name).function(app, **job.arguments)
    except Exception as exc:
        log.exception("job %s (%s) failed", job.id, job.name)
        record = journal.finish(job.id, exc)
        if reraise:
            raise
        return record
    log.info("job %s (%s) succeeded", job.id, job.name)
    return journal.finish(job.id)
