"""``egide retention plan``: what a run at a given instant would do, changing nothing.

For each database, the register's rules are compiled onto the dataset (:mod:`.compile`), the
conditions are built at ``at`` (:mod:`.sql`, :mod:`.work`), and each table's work is counted:
rows to delete, anonymize, archive, purge from the archive, and rows kept by a hold, with a
few example keys. Log directories are planned by :mod:`.logfiles`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from egide.domain.retention import Action, Hold, TableCount
from egide.register.model import Register
from egide.services.retention.archive import purge_count
from egide.services.retention.awaiting import recontact_kept
from egide.services.retention.batches import count
from egide.services.retention.holds import active_holds, held_people
from egide.services.retention.logs import log_decision
from egide.services.retention.work import DatabaseWork, database_work


@dataclass
class RetentionPlan:
    """What a run at ``at`` does: counts per rule, table and action, the rules that decided each
    table, the holds in force and what the plan could not decide."""

    at: datetime
    counts: list[TableCount]
    deciding: dict[str, dict[str, Any]]  # "dataset/table" -> {rule, action, rules: [described covers]}
    holds: list[Hold]
    notes: list[str] = field(default_factory=list)
    log_directories: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "counts": [{"dataset": c.dataset, "table": c.table, "rule": c.rule, "action": c.action.value,
                        "rows": c.rows, "held": c.held, "examples": c.examples} for c in self.counts],
            "tables": self.deciding,
            "holds": [{"id": h.id, "scope": h.scope.value, "dataset": h.dataset, "table": h.table, "event": h.event,
                       "reason": h.reason, "owner": h.owner,
                       "ends_at": h.ends_at.isoformat() if h.ends_at else None} for h in self.holds],
            "notes": self.notes,
            "log_directories": self.log_directories,
        }


def plan_retention(store: Any, register: Register, databases: list[Any], at: datetime | None = None) -> RetentionPlan:
    """The dry run: what :func:`run_retention` would do at ``at`` (default: now). Changes nothing."""
    at = at or store.clock.now()
    holds = active_holds(store, at)
    people = held_people(store, holds, at)
    plan = RetentionPlan(at, [], {}, holds)
    for database in databases:
        kept = recontact_kept(store, register, database, at)
        with database.engine.connect() as connection:
            work = database_work(connection, database, register, at, holds, people, kept.conditions)
            plan.notes += work.notes + kept.notes(database.dataset.name)
            _count(connection, work, plan)
        _purges(database, work, plan)
        plan.log_directories += plan_logs(store, database, register, at, holds)
    return plan


def _count(connection: Any, work: DatabaseWork, plan: RetentionPlan) -> None:
    for item in work.conditions.compiled.values():
        if item.deciding is not None:
            plan.deciding[f"{item.dataset}/{item.table}"] = {
                "rule": item.deciding.rule, "action": item.deciding.action.value,
                "rules": [c.describe() for c in item.covers], "undated": list(item.undated)}
    for job in work.works:
        rows, held, examples = count(connection, work.conditions, job)
        if job.hold is not None:  # the whole table is held
            rows, held, examples = 0, rows + held, []
            plan.notes.append(f"{job.dataset}/{job.table}: kept by {job.hold}")
        plan.counts.append(TableCount(job.dataset, job.table, job.rule, job.action, rows, held, examples))


def _purges(database: Any, work: DatabaseWork, plan: RetentionPlan) -> None:
    for item in work.conditions.compiled.values():
        if item.action is Action.archive and item.deciding is not None:
            rows, examples = purge_count(database, work.conditions.tables[item.table], plan.at)
            plan.counts.append(TableCount(item.dataset, item.table, item.deciding.rule, Action.purge_archive,
                                          rows, 0, examples))


def plan_logs(store: Any, database: Any, register: Register, at: datetime, holds: list[Hold]) -> list[dict[str, Any]]:
    """The log directories' part of the plan (:func:`.logfiles.plan_log_directory`)."""
    from egide.services.retention.logfiles import plan_log_directory

    found = []
    for directory in database.dataset.log_directories:
        decision = log_decision(database.dataset, directory, register, at, holds)
        if decision.cutoff is None:
            found.append({"directory": directory.name, "dataset": database.dataset.name, "rule": None,
                          "note": decision.note})
            continue
        planned = plan_log_directory(directory, database.log_root, decision.cutoff, held=decision.hold is not None,
                                     hold_reason=decision.hold)
        found.append({"dataset": database.dataset.name, "rule": decision.rule, **planned.counts(),
                      "hold": decision.hold})
    return found
