"""Retention enforced: the register's retention rules compiled onto the company's databases,
planned (a dry run), run in bounded set-based batches, with legal holds, an archive and reports.

Public API (other modules, the CLI and the job runner use only these):

- :func:`plan_retention` ``(store, register, databases, at) -> RetentionPlan``: what a run at
  ``at`` would do, per rule and table (rows to delete, anonymize, archive, purge from the
  archive, kept by a hold), with a few example keys. Changes nothing.
- :func:`run_retention` ``(store, register, databases, at=None, *, batch_size=50000,
  batch_ms=250, progress=None, report_dir=None, actor="egide") -> RetentionRun``: apply it. Each
  batch is its own transaction on the company database, at most ``batch_size`` rows, sized to last
  about ``batch_ms``; its counts and an audit event are written to Egide's
  store in one transaction. A run killed mid-way is resumed by calling it again (an unfinished
  run is picked up with its own ``at``). ``at`` defaults to ``store.clock.now()``. This is the
  one line a daily job registers.
- Holds (:mod:`.holds`): :func:`add_hold`, :func:`end_hold`, :func:`list_holds`,
  :func:`active_holds` ``(store, at) -> list[Hold]`` and :func:`held` ``(holds, dataset=...,
  table=..., at=...) -> Hold | None``: is this table or log directory held at ``at``?
  :func:`held_people` gives the person holds of a dataset as identifiers (for log files).
- Reports (:mod:`.report`): :func:`list_runs`, :func:`load_run`.

``databases`` is a list of :class:`egide.services.request_runner.CompanyDatabase` (dataset,
engine, log_root). Log directories are planned and swept by :mod:`.logfiles` (another module).
"""

from __future__ import annotations

from egide.services.retention.holds import (
    active_holds,
    add_hold,
    end_hold,
    held,
    held_people,
    list_holds,
)
from egide.services.retention.plan import RetentionPlan, plan_retention
from egide.services.retention.report import list_runs, load_run
from egide.services.retention.run import RetentionRun, run_retention

__all__ = [
    "RetentionPlan",
    "RetentionRun",
    "active_holds",
    "add_hold",
    "end_hold",
    "held",
    "held_people",
    "list_holds",
    "list_runs",
    "load_run",
    "plan_retention",
    "run_retention",
]
