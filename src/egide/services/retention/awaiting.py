"""Rows a re-contact rule keeps from a retention run (seed 002: prospects asked after three years
whether to go on, and deleted after three years).

The register says the person is asked *before* the data goes, so a row past its re-contact period
is kept while it waits to be contacted, while its answer period runs (``answer_within``, one
month by default), and, after a *keep me*, until the period has run again from the answer. Only
then, or after a *forget me* (which opens an erasure request), does the run release it.

One query per table on the company database (the rows past the re-contact period, as
:mod:`.recontact` lists them) and two on Egide's store (the latest contact and keep answer of
each row); the kept keys then enter the run's conditions as a hold on those rows, so the plan
counts them as held and says why.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from egide.domain.clock import naive_utc
from egide.domain.durations import Duration
from egide.domain.recontact import Waiting, effective_clock, waiting
from egide.domain.retention import cutoff
from egide.register.model import Register
from egide.services.retention.recontact import RecontactTarget, aware, rows_past, recontact_targets


@dataclass
class RecontactKept:
    """Per table, the primary keys (as stored: JSON lists of strings) a re-contact keeps, and why."""

    keys: dict[str, list[list[str]]] = field(default_factory=dict)
    counts: dict[tuple[str, str, Waiting], int] = field(default_factory=dict)  # (rule, table, why) -> rows

    def notes(self, dataset: str) -> list[str]:
        said = {Waiting.contact: "wait to be contacted (egide retention recontact send)",
                Waiting.answer: "wait for the person's answer",
                Waiting.keep: "are kept: the person answered keep me"}
        return [f"{dataset}/{table}: {rows} row(s) under {rule} {said[why]}"
                for (rule, table, why), rows in sorted(self.counts.items(), key=lambda i: (i[0][0], i[0][1], i[0][2].value))]


def recontact_kept(store: Any, register: Register, database: Any, at: datetime) -> RecontactKept:
    """What the re-contact rules keep in ``database`` at ``at``."""
    kept = RecontactKept()
    for target in recontact_targets(register, [database]):
        for key, why in _kept_in(store, target, aware(at)):
            kept.keys.setdefault(target.table.name, []).append(json.loads(key))
            counted = (target.rule.key, target.table.name, why)
            kept.counts[counted] = kept.counts.get(counted, 0) + 1
    return kept


def _kept_in(store: Any, target: RecontactTarget, at: datetime) -> list[tuple[str, Waiting]]:
    recontact = target.rule.recontact
    assert recontact is not None
    contact_limit = cutoff(Duration.parse(recontact.after), at)
    rows = rows_past(target, contact_limit)
    if not rows:
        return []
    dataset, table = target.database.dataset.name, target.table.name
    with store.unit_of_work(read_only=True) as uow:
        latest = uow.recontacts.latest(target.rule.key, dataset, table)
        answers = uow.recontacts.keep_answers(target.rule.key, dataset, table)
    retention_limit = (naive_utc(cutoff(Duration.parse(target.rule.duration), at, target.rule.clock.value
                                        if target.rule.clock else None))
                       if target.rule.duration else None)
    answer_within, now, limit = Duration.parse(recontact.answer_within), naive_utc(at), naive_utc(contact_limit)
    found = []
    for key, clock_value, _ in rows:
        clock = effective_clock(naive_utc(clock_value), answers.get(key))
        why = waiting(clock, limit, latest.get(key), now, answer_within, retention_limit)
        if why is not None:
            found.append((key, why))
    return found
