"""Which retention rule decides a log directory, its cutoff at an instant, and what holds it.

A rule covers a log directory that serves one of its activities (and holds one of its
categories, when the rule names some). A line's timestamp is its collection time, so a rule on
another clock cannot date the lines: it keeps them, and the plan says so. The longest rule
wins (the earliest cutoff). A rule kept ``while_open`` for an event holds the whole directory
while such an event is open (seed 004: logs kept while a security incident is unresolved); so
do a hold on the dataset or on the directory, and, since a line is not tied to a person
without reading it, any person hold in force on the dataset (nothing of a held person is lost).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from egide.domain.durations import Duration
from egide.domain.retention import Hold, HoldScope, cutoff
from egide.register.model import Register, RetentionClock


@dataclass(frozen=True)
class LogDecision:
    cutoff: datetime | None  # lines at or before it expire; None: no rule can date the lines
    rule: str | None
    hold: str | None  # why the directory is held, if it is
    note: str | None = None


def log_decision(dataset: Any, directory: Any, register: Register, at: datetime, holds: list[Hold]) -> LogDecision:
    rules = [r for r in register.retention if set(r.activities) & set(directory.activities)
             and (not r.categories or any(k == w or k.startswith(w + ".") for k in directory.data_categories
                                          for w in r.categories))]
    hold = _hold(dataset, directory, rules, at, holds)
    dated = [r for r in rules if r.duration is not None and r.clock is RetentionClock.collection and not r.minimum]
    undated = [r.key for r in rules if r.duration is not None and r not in dated]
    if not dated or undated:
        why = (f"rules {', '.join(undated)} cannot date log lines (a line's time is its collection): lines kept"
               if undated else "no retention rule with a period covers this directory: lines kept")
        return LogDecision(None, None, hold, why)
    longest = max(dated, key=lambda r: Duration.parse(r.duration).approximate_days())  # type: ignore[arg-type]
    return LogDecision(cutoff(Duration.parse(longest.duration), at), longest.key, hold)  # type: ignore[arg-type]


def _hold(dataset: Any, directory: Any, rules: list[Any], at: datetime, holds: list[Hold]) -> str | None:
    active = [h for h in holds if h.active(at)]
    events = {h.event: h for h in active if h.scope is HoldScope.event}
    for rule in rules:
        if rule.while_open is not None and rule.while_open.value in events:
            h = events[rule.while_open.value]
            return f"rule {rule.key}: {h.event} open (hold #{h.id}: {h.reason}, {h.owner})"
    for h in active:
        if h.scope in (HoldScope.dataset, HoldScope.table) and h.covers(dataset.name, directory.name):
            return f"hold #{h.id} ({h.scope.value}: {h.reason}, {h.owner})"
        if h.scope is HoldScope.person and (h.dataset is None or h.dataset == dataset.name):
            return f"hold #{h.id} (person: {h.reason}, {h.owner}): a person's lines are held with the directory"
    return None
