"""The procrastinate runner: jobs on a PostgreSQL queue, worked by `egide worker` processes.

Each job of the registry becomes a procrastinate task of the same name, on its queue; each daily job
is also a procrastinate periodic task (cron ``M H * * *`` from ``jobs_daily_at``, UTC), which the
workers defer once per day between them. Whatever the task, it is recorded in Egide's ``jobs``
journal (started, succeeded, failed with its exception) and the audit trail, then the exception is
handed back to procrastinate, which marks its own job failed.

Procrastinate's tables live in the store's database (and schema: the ``search_path`` option of the
URL is kept); `egide worker` applies them at start when missing (`--apply-schema` does only that).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from sqlalchemy import text
from sqlalchemy.engine import make_url

from egide.adapters.jobs import JobRegistry, JobSpec
from egide.adapters.jobs.inprocess import daily_time
from egide.adapters.jobs.journal import JobJournal
from egide.adapters.jobs.perform import perform
from egide.domain.errors import ConfigurationError, StoreError

if TYPE_CHECKING:
    import procrastinate

    from egide.bootstrap import App

RUNNER = "procrastinate"
log = logging.getLogger("egide.jobs")


def conninfo(database_url: str) -> str:
    """The libpq connection string of a SQLAlchemy PostgreSQL URL (query options such as
    ``options=-csearch_path=...`` kept)."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        raise ConfigurationError(f"job_runner = procrastinate needs a PostgreSQL store, not {url.get_backend_name()} "
                                 "(set database_url, or use job_runner = inprocess)")
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def daily_cron(at: str) -> str:
    moment = daily_time(at)
    return f"{moment.minute} {moment.hour} * * *"


class ProcrastinateRunner:
    name = RUNNER

    def __init__(self, app: "App", registry: JobRegistry) -> None:
        self.app, self.registry = app, registry
        self.journal = JobJournal(app.store)
        self.procrastinate = self._build(conninfo(app.settings.resolved_database_url))

    def _build(self, info: str) -> "procrastinate.App":
        import procrastinate

        queue = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=info))
        for spec in self.registry.jobs.values():
            task = queue.task(name=spec.name, queue=spec.queue)(self._task(spec))
            if spec.daily:
                queue.periodic(cron=daily_cron(self.app.settings.jobs_daily_at), periodic_id="daily")(task)
        return queue

    def _task(self, spec: JobSpec):  # type: ignore[no-untyped-def]
        def run(timestamp: int | None = None, egide_job_id: str | None = None, **arguments: Any) -> None:
            if egide_job_id is None:  # deferred by procrastinate itself (a periodic run)
                egide_job_id = self.journal.add(spec.name, arguments, RUNNER)
            job = self.journal.start(egide_job_id)
            perform(self.app, self.registry, self.journal, job, reraise=True)

        run.__name__ = run.__qualname__ = spec.name.replace(".", "_")
        return run

    def enqueue(self, job_name: str, **kwargs: Any) -> str:
        self.registry.get(job_name)
        job_id = self.journal.add(job_name, kwargs, RUNNER)
        try:
            with self.procrastinate.open():
                self.procrastinate.tasks[job_name].defer(egide_job_id=job_id, **kwargs)
        except Exception as exc:
            self.journal.finish(job_id, exc)
            raise StoreError(f"could not put {job_name} on the procrastinate queue: {exc} "
                             "(is the queue's schema applied? `egide worker --apply-schema`)") from exc
        return job_id

    def schema_applied(self) -> bool:
        with self.app.engine.connect() as connection:
            return connection.execute(text("SELECT to_regclass('procrastinate_jobs')")).scalar() is not None

    def apply_schema(self) -> bool:
        """Create procrastinate's tables in the store's schema unless present; True when created."""
        if self.schema_applied():
            return False
        with self.procrastinate.open():
            self.procrastinate.schema_manager.apply_schema()
        return True

    def work(self, queues: list[str] | None = None, once: bool = False) -> None:
        """Work the queue: until stopped (SIGINT/SIGTERM), or with ``once`` until no job is left."""
        options: dict[str, Any] = {"queues": queues or None, "wait": not once, "install_signal_handlers": not once}
        if once:
            options["listen_notify"] = False
        self.procrastinate.run_worker(**options)

    def failed_in_queue(self) -> list[dict[str, Any]]:
        """Procrastinate's own failed jobs (id, task, arguments), for cross-checking the journal."""
        with self.app.engine.connect() as connection:
            rows = connection.execute(text("SELECT id, task_name, args FROM procrastinate_jobs "
                                           "WHERE status = 'failed' ORDER BY id")).all()
        return [{"id": r.id, "task": r.task_name, "args": r.args} for r in rows]
