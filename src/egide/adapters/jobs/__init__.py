"""The job runner: work done later or every day, by name.

Jobs are registered by name in a :class:`JobRegistry` (``registry.job("request.run", fn)``;
``registry.daily("retention.run", fn)`` for a job run once a day at ``jobs_daily_at``). A job is
a function called as ``fn(app, **arguments)``; its arguments are references and keys, never
personal data (they are stored in the clear in the journal and the queue).

Two runners implement the :class:`JobQueue` port: ``inprocess`` (default: the ``jobs`` table of
the store is the queue, ``egide serve`` works it in a background thread) and ``procrastinate``
(PostgreSQL: ``egide worker`` works procrastinate's queue). Both write every job's outcome to the
``jobs`` journal; a job's exception is logged, recorded there and in the audit trail, never
swallowed. See docs/operations.md and docs/adr/0004-job-runner.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Protocol

from egide.domain.errors import InvalidInputError, Problem

if TYPE_CHECKING:
    from egide.bootstrap import App

JobFunction = Callable[..., Any]  # fn(app, **arguments)


class JobQueue(Protocol):
    """The port: put a job on the queue; returns the job's id in the journal."""

    def enqueue(self, job_name: str, **kwargs: Any) -> str: ...


@dataclass(frozen=True)
class JobSpec:
    name: str
    function: JobFunction
    queue: str = "default"
    daily: bool = False


@dataclass
class JobRegistry:
    jobs: dict[str, JobSpec] = field(default_factory=dict)

    def job(self, name: str, function: JobFunction, queue: str = "default") -> JobSpec:
        """Register ``function`` under ``name`` (enqueued on demand)."""
        spec = JobSpec(name, function, queue)
        self.jobs[name] = spec
        return spec

    def daily(self, name: str, function: JobFunction, queue: str = "maintenance") -> JobSpec:
        """Register ``function`` under ``name``, run once a day at ``jobs_daily_at`` (UTC)."""
        spec = JobSpec(name, function, queue, daily=True)
        self.jobs[name] = spec
        return spec

    def get(self, name: str) -> JobSpec:
        spec = self.jobs.get(name)
        if spec is None:
            raise InvalidInputError(f"unknown job {name!r}", problems=[
                Problem(f"expected one of: {', '.join(sorted(self.jobs)) or 'none'}", path="job_name")])
        return spec

    @property
    def daily_jobs(self) -> list[JobSpec]:
        return [spec for spec in self.jobs.values() if spec.daily]


def builtin_jobs() -> JobRegistry:
    """Egide's jobs. A daily job plugs in with one line: ``registry.daily("retention.run", run_retention)``."""
    from egide.adapters.jobs.audit_jobs import purge_audit_job
    from egide.adapters.jobs.request_jobs import purge_exports_job, run_request_job
    from egide.adapters.jobs.retention_jobs import run_retention_job

    registry = JobRegistry()
    registry.job("request.run", run_request_job, queue="requests")
    registry.daily("privacy_centre.purge_exports", purge_exports_job)
    registry.daily("retention.run", run_retention_job)
    registry.daily("audit.purge", purge_audit_job)
    return registry


def build_job_queue(app: "App", registry: JobRegistry | None = None):  # type: ignore[no-untyped-def]
    """The runner the settings choose (``job_runner``): in-process (default) or procrastinate."""
    registry = registry or builtin_jobs()
    if app.settings.job_runner == "procrastinate":
        from egide.adapters.jobs.procrastinate_runner import ProcrastinateRunner

        return ProcrastinateRunner(app, registry)
    from egide.adapters.jobs.inprocess import InProcessRunner

    return InProcessRunner(app, registry)
