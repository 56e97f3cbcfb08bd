"""`egide worker` and `egide jobs ...`: the job runner from the command line (thin)."""

from __future__ import annotations

import json
import sys
import threading

import typer

from egide.adapters.cli.context import STATE
from egide.adapters.cli.errors import reported_errors
from egide.domain.errors import InvalidInputError, Problem

jobs_app = typer.Typer(help="The job runner's journal: queued, running, succeeded and failed jobs.",
                       no_args_is_help=True)
STATUSES = ("queued", "running", "succeeded", "failed")


def worker(
    queue: list[str] = typer.Option([], "--queue", help="Only jobs of this queue (repeat): requests, maintenance, "
                                    "default. Default: every queue."),
    once: bool = typer.Option(False, "--once", help="Burst mode: process the jobs available now, then exit "
                              "(exit status 1 if one failed)."),
    apply_schema: bool = typer.Option(False, "--apply-schema", help="procrastinate: create its tables in the "
                                      "store's database if missing, then exit (a worker also does it at start)."),
) -> None:
    """Work the job queue: procrastinate on PostgreSQL (job_runner = procrastinate), or the store's own queue
    (job_runner = inprocess, what `egide serve` does in the background)."""
    from egide.adapters.jobs import build_job_queue
    from egide.bootstrap import build_app

    with reported_errors():
        app = build_app(STATE.settings())
        try:
            runner = build_job_queue(app)
            started = app.clock.now()
            if runner.name == "procrastinate":
                created = runner.apply_schema()
                typer.echo("procrastinate schema applied" if created else "procrastinate schema present")
                if apply_schema:
                    return
                runner.work(list(queue) or None, once)
            elif apply_schema:
                typer.echo("job_runner = inprocess: the queue is the store's jobs table (`egide init` made it)")
                return
            elif once:
                runner.enqueue_daily()
                runner.run_pending(queues=list(queue) or None)
            else:
                _work_in_process(runner)
            if once:
                _summary(runner.journal.finished_since(started))
        finally:
            app.close()


def _work_in_process(runner) -> None:  # type: ignore[no-untyped-def]
    typer.echo(f"working the in-process queue every {runner.app.settings.jobs_poll_seconds}s (Ctrl-C stops)")
    runner.start()
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        runner.stop()


def _summary(done) -> None:  # type: ignore[no-untyped-def]
    failed = [j for j in done if j.status == "failed"]
    typer.echo(f"{len(done) - len(failed)} job(s) succeeded, {len(failed)} failed")
    for job in failed:
        print(f"  job {job.id} ({job.name}) failed: {job.error}", file=sys.stderr)
    if failed:
        raise typer.Exit(1)


@jobs_app.command("list")
def jobs_list(status: str | None = typer.Option(None, "--status", help="queued, running, succeeded or failed."),
              limit: int = typer.Option(50, "--limit", help="At most this many, newest first."),
              fmt: str = typer.Option("table", "--format", help="table or json.")) -> None:
    """Jobs newest first, with their status and, for a failed one, the error."""
    from egide.adapters.jobs.journal import JobJournal
    from egide.bootstrap import build_app

    with reported_errors():
        if status is not None and status not in STATUSES:
            raise InvalidInputError(f"unknown --status {status!r}",
                                    problems=[Problem(f"use {', '.join(STATUSES)}", path="status")])
        if fmt not in ("table", "json"):
            raise InvalidInputError(f"unknown --format {fmt!r}", problems=[Problem("use table or json", path="format")])
        app = build_app(STATE.settings())
        try:
            records = JobJournal(app.store).list(status, limit)
        finally:
            app.close()
    if fmt == "json":
        typer.echo(json.dumps([r.as_dict() for r in records], indent=2))
        return
    for r in records:
        arguments = " ".join(f"{k}={v}" for k, v in sorted(r.arguments.items()))
        error = f"  {r.error}" if r.error else ""
        typer.echo(f"{r.id}  {r.enqueued_at:%Y-%m-%d %H:%M:%S}  {r.runner:<13} {r.status:<9} "
                   f"{r.name} {arguments}{error}")
    if not records:
        typer.echo("no job")
