"""``egide retention run``: the plan applied, in bounded batches, resumable, with proof.

Steps are (dataset, table, action), children before parents; log directories come after the
tables. Each batch of a step is one transaction on the company database (at most
``batch_size`` rows, sized to last about ``batch_ms``); once it has committed, its counts and an audit event are written to
Egide's store in one transaction. A run killed at any point is resumed by running again: the
unfinished run is picked up with its own instant ``at``, finished steps are skipped, and the
others select again what is still due. Deletes find nothing left the second time; anonymized
values are not anonymized again; archived rows are replaced in the archive, never doubled.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from egide.domain.audit import AuditEvent
from egide.domain.retention import Action, Hold, TableCount
from egide.register.model import Register
from egide.services.retention.archive import purge_batch
from egide.services.retention.awaiting import recontact_kept
from egide.services.retention.batches import count, run_batch
from egide.services.retention.holds import active_holds, held_people
from egide.services.retention.logs import log_decision
from egide.services.retention.work import check_supported, database_work

DEFAULT_BATCH = 50_000  # rows a batch may take at most
DEFAULT_BATCH_MS = 250  # what a batch aims to last (its transaction, the time it holds its locks)
FIRST_BATCH = 1000  # the first batch of a step, before its pace is known

Progress = Callable[[str, int, int], None]  # (step, rows done so far, rows planned)


@dataclass
class RetentionRun:
    id: str
    at: datetime
    started_at: datetime
    resumed: bool
    counts: list[TableCount] = field(default_factory=list)
    holds: list[Hold] = field(default_factory=list)
    logs: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    batches: int = 0
    max_lock_ms: int = 0
    seconds: float = 0.0
    reports: list[Path] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {
            "run": self.id, "at": self.at.isoformat(), "resumed": self.resumed, "batches": self.batches,
            "max_batch_lock_ms": self.max_lock_ms, "seconds": round(self.seconds, 3),
            "counts": [{"dataset": c.dataset, "table": c.table, "rule": c.rule, "action": c.action.value,
                        "rows": c.rows, "held": c.held, "examples": c.examples} for c in self.counts],
            "holds": [{"id": h.id, "scope": h.scope.value, "dataset": h.dataset, "table": h.table,
                       "event": h.event, "reason": h.reason, "owner": h.owner} for h in self.holds],
            "logs": self.logs, "notes": self.notes,
        }


def run_retention(store: Any, register: Register, databases: list[Any], at: datetime | None = None, *,
                  batch_size: int = DEFAULT_BATCH, batch_ms: int = DEFAULT_BATCH_MS, progress: Progress | None = None,
                  report_dir: Path | None = None, actor: str = "egide") -> RetentionRun:
    """Apply the retention rules at ``at`` (default now); resume an unfinished run first. Each
    batch takes at most ``batch_size`` rows and aims to last ``batch_ms`` (:class:`Pace`)."""
    for name, number in (("batch_size", batch_size), ("batch_ms", batch_ms)):
        if number < 1:
            from egide.domain.errors import InvalidInputError, Problem

            raise InvalidInputError(f"--{name.replace('_', '-')} must be at least 1",
                                    problems=[Problem("a positive number", path=name)])
    check_supported(databases)
    _check_archives(register, databases)
    run = _start(store, at, batch_size, actor)
    clock_start = time.perf_counter()
    run.holds = active_holds(store, run.at)
    people = held_people(store, run.holds, run.at)
    with store.unit_of_work(read_only=True) as uow:
        done = uow.retention.progress(run.id)
    for database in databases:
        kept = recontact_kept(store, register, database, run.at)
        with database.engine.connect() as connection:
            work = database_work(connection, database, register, run.at, run.holds, people, kept.conditions)
        run.notes += work.notes + kept.notes(database.dataset.name)
        for job in work.works:
            _run_step(store, run, database, work, job, done, Pace(batch_size, batch_ms), progress, actor)
        _purge_archives(store, run, database, work, done, batch_size, actor)
        _sweep_logs(store, run, database, register, done, actor)
    run.seconds = time.perf_counter() - clock_start
    from egide.services.retention.report import finish_run

    finish_run(store, run, report_dir, actor)
    return run


def _check_archives(register: Register, databases: list[Any]) -> None:
    """A dataset whose rules archive rows needs an archive database: said before anything is touched."""
    from egide.services.retention.archive import archive_url
    from egide.services.retention.compile import compile_dataset

    for database in databases:
        if any(t.action is Action.archive for t in compile_dataset(database.dataset, register)):
            archive_url(database)


def _start(store: Any, at: datetime | None, batch_size: int, actor: str) -> RetentionRun:
    with store.unit_of_work(read_only=True) as uow:
        unfinished = uow.retention.unfinished_run()
    if unfinished is not None:
        started = unfinished["started_at"].replace(tzinfo=timezone.utc)
        return RetentionRun(unfinished["id"], unfinished["at"].replace(tzinfo=timezone.utc), started, True)
    now = store.clock.now()
    at = at or now
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)
    run = RetentionRun(f"ret-{at.astimezone(timezone.utc):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}", at, now, False)
    with store.unit_of_work() as uow:
        uow.retention.start_run(run.id, at, actor, batch_size, now)
        uow.audit.record(AuditEvent("retention.run_started", actor, "retention_run", run.id,
                                    {"at": at.isoformat(), "batch_size": batch_size}))
    return run


@dataclass
class Pace:
    """How many rows the next batch of a step takes: at most ``most``, and as many as the pace of
    the step's previous batch says fit in ``target_ms``. The first batch takes ``FIRST_BATCH``;
    each next one at most twice the last (a batch slower than the previous ones by a factor f
    lasts at most about 2 f times the target), and shrinks at once when a batch ran long."""

    most: int
    target_ms: int
    size: int = 0

    def __post_init__(self) -> None:
        self.size = min(self.most, FIRST_BATCH)

    def after(self, rows: int, elapsed_ms: float) -> None:
        if rows < self.size // 2:  # a batch cut short (nothing left, or rows that changed meanwhile)
            return
        fit = int(self.size * self.target_ms / max(elapsed_ms, 1.0))
        self.size = max(1, min(self.most, 2 * self.size, fit))


def _run_step(store: Any, run: RetentionRun, database: Any, work: Any, job: Any,
              done: dict[str, tuple[int, int, bool]], pace: Pace, progress: Progress | None, actor: str) -> None:
    seq, total, finished = done.get(job.key, (0, 0, False))
    with database.engine.connect() as connection:  # the total only for a progress bar or a held table
        planned, held, _ = count(connection, work.conditions, job, rows=progress is not None or job.hold is not None,
                                 examples=False)
    tally = TableCount(job.dataset, job.table, job.rule, job.action, total, held)
    run.counts.append(tally)
    if job.hold is not None:
        tally.held, tally.rows = planned + held, total
        run.notes.append(f"{job.dataset}/{job.table}: kept by {job.hold}")
        finished = True
    if progress is not None:
        progress(job.key, total, total + planned)
    after = None
    while not finished:
        size = pace.size
        started = time.perf_counter()
        with database.engine.begin() as connection:
            batch = run_batch(connection, database, work.conditions, job, size, store.keyring, run.id, after)
        elapsed_ms = (time.perf_counter() - started) * 1000
        lock_ms = int(elapsed_ms)
        seq += 1
        finished = batch.selected < size
        pace.after(batch.selected, elapsed_ms)
        after = batch.last
        _record(store, run, job.key, seq, job.rule, batch.changed, lock_ms, finished, actor)
        tally.rows += batch.changed
        tally.examples = (tally.examples + batch.examples)[:3]
        if progress is not None:
            progress(job.key, tally.rows, total + planned)


def _record(store: Any, run: RetentionRun, step: str, seq: int, rule: str, rows: int, lock_ms: int,
            finished: bool, actor: str) -> None:
    """The batch's counts and its audit event, in one store transaction."""
    with store.unit_of_work() as uow:
        uow.retention.record_batch(run.id, step, seq, rule, rows, lock_ms, store.clock.now(), finished)
        uow.audit.record(AuditEvent("retention.batch_done", actor, "retention_run", run.id,
                                    {"step": step, "batch": seq, "rule": rule, "rows": rows, "lock_ms": lock_ms,
                                     "finished": finished}))
    run.batches += 1
    run.max_lock_ms = max(run.max_lock_ms, lock_ms)


def _purge_archives(store: Any, run: RetentionRun, database: Any, work: Any,
                    done: dict[str, tuple[int, int, bool]], batch_size: int, actor: str) -> None:
    for item in work.conditions.compiled.values():
        if item.action is not Action.archive or item.deciding is None:
            continue
        key = f"{item.dataset}/{item.table}/{Action.purge_archive.value}"
        seq, total, finished = done.get(key, (0, 0, False))
        tally = TableCount(item.dataset, item.table, item.deciding.rule, Action.purge_archive, total)
        run.counts.append(tally)
        if any(j.hold for j in work.works if j.table == item.table):
            continue  # the table is held: its archive too
        while not finished:
            started = time.perf_counter()
            rows = purge_batch(database, work.conditions.tables[item.table], run.at, batch_size)
            seq += 1
            finished = rows < batch_size
            _record(store, run, key, seq, item.deciding.rule, rows, int((time.perf_counter() - started) * 1000),
                    finished, actor)
            tally.rows += rows


def _sweep_logs(store: Any, run: RetentionRun, database: Any, register: Register,
                done: dict[str, tuple[int, int, bool]], actor: str) -> None:
    """Log directories, through :func:`.logfiles.sweep_log_directory` (a sweep is idempotent)."""
    from egide.services.retention.logfiles import sweep_log_directory

    for directory in database.dataset.log_directories:
        key = f"{database.dataset.name}/logs:{directory.name}"
        if done.get(key, (0, 0, False))[2]:
            continue
        decision = log_decision(database.dataset, directory, register, run.at, run.holds)
        if decision.cutoff is None:
            run.logs.append({"dataset": database.dataset.name, "directory": directory.name, "note": decision.note})
            continue
        started = time.perf_counter()
        sweep = sweep_log_directory(directory, database.log_root, decision.cutoff, held=decision.hold is not None,
                                    hold_reason=decision.hold)
        counts = sweep.counts()
        run.logs.append({"dataset": database.dataset.name, "rule": decision.rule, "hold": decision.hold, **counts})
        _record(store, run, key, 1, decision.rule or "", sweep.lines_deleted,
                int((time.perf_counter() - started) * 1000), True, actor)
