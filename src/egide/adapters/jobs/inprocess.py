"""The in-process runner (the default): the store's ``jobs`` table is the queue, and ``egide serve``
works it in a background thread, with the daily jobs enqueued once a day at ``jobs_daily_at`` (UTC).

Several processes may share the store: a job is claimed by compare-and-set, and a daily job's
run is keyed by its day, so it is enqueued once whoever notices first. A process starting its
thread queues again the jobs left ``running`` (by a crash): with one `egide serve` per store that
is exactly the interrupted work; with several, prefer procrastinate (see docs/operations.md).
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, time
from typing import TYPE_CHECKING, Any

from egide.adapters.jobs import JobRegistry
from egide.adapters.jobs.journal import JobJournal, JobRecord
from egide.adapters.jobs.perform import perform
from egide.domain.clock import naive_utc
from egide.domain.errors import ConflictError

if TYPE_CHECKING:
    from egide.bootstrap import App

RUNNER = "inprocess"
log = logging.getLogger("egide.jobs")


def daily_time(text: str) -> time:
    hours, _, minutes = text.partition(":")
    return time(int(hours), int(minutes))


class InProcessRunner:
    name = RUNNER

    def __init__(self, app: "App", registry: JobRegistry) -> None:
        self.app, self.registry = app, registry
        self.journal = JobJournal(app.store)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def enqueue(self, job_name: str, **kwargs: Any) -> str:
        self.registry.get(job_name)
        return self.journal.add(job_name, kwargs, RUNNER)

    def run_pending(self, limit: int | None = None, queues: list[str] | None = None) -> list[JobRecord]:
        """Work the queued jobs (of these queues) until none is left; returns each job's final record."""
        names = None if queues is None else [s.name for s in self.registry.jobs.values() if s.queue in queues]
        done: list[JobRecord] = []
        while limit is None or len(done) < limit:
            job = self.journal.claim_next(RUNNER, names)
            if job is None:
                break
            done.append(perform(self.app, self.registry, self.journal, job))
        return done

    def enqueue_daily(self, now: datetime | None = None) -> list[str]:
        """Enqueue each daily job whose time has come today and that is not enqueued for today yet."""
        now = naive_utc(now or self.app.clock.now())
        if now.time() < daily_time(self.app.settings.jobs_daily_at):
            return []
        enqueued = []
        for spec in self.registry.daily_jobs:
            key = f"daily:{spec.name}:{now.date().isoformat()}"
            try:
                enqueued.append(self.journal.add(spec.name, {}, RUNNER, dedupe_key=key))
            except ConflictError:
                continue  # today's run is already enqueued (by this process or another)
        return enqueued

    def tick(self) -> list[JobRecord]:
        self.enqueue_daily()
        return self.run_pending()

    def start(self) -> None:
        """Work the queue in a daemon thread every ``jobs_poll_seconds`` until :meth:`stop`. Jobs left
        ``running`` by a process that died mid-job are queued again first: their steps resume."""
        if self._thread is not None:
            return
        for job_id in self.journal.requeue_interrupted(RUNNER):
            log.warning("job %s was interrupted (the process stopped while it ran): queued again", job_id)
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="egide-jobs", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.tick()
            except Exception:  # the store itself failed: logged, and tried again at the next tick
                log.exception("the job runner could not read its queue")
            self._stop.wait(self.app.settings.jobs_poll_seconds)
