"""Rows a re-contact rule keeps from a retention run (seed 002: prospects asked after three years
whether to go on, and deleted after three years).

The register says the person is asked *before* the data goes, so a row past its re-contact period
is kept while it waits to be contacted, while its answer period runs (``answer_within``, one
month by default), and, after a *keep me*, until the period has run again from the answer. Only
then, or after a *forget me* (which opens an erasure request), does the run release it.

The rows are read as the re-contact list reads them (:func:`.recontact.rows_in_cycle`: one query
per table on the company database, two on Egide's store); the kept keys then enter the run's
conditions as a hold on those rows, so the plan counts them as held and says why.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, tuple_
from sqlalchemy.sql.elements import ColumnElement

from egide.domain.clock import naive_utc
from egide.domain.durations import Duration
from egide.domain.recontact import Waiting, waiting
from egide.domain.retention import cutoff
from egide.register.model import Register
from egide.services.execution.locate import company_tables
from egide.services.retention.recontact import RecontactTarget, aware, key_columns, recontact_targets, rows_in_cycle, \
    typed_value


@dataclass
class RecontactKept:
    """Per table, the condition on the rows a re-contact keeps, and how many are kept and why."""

    conditions: dict[str, ColumnElement[bool]] = field(default_factory=dict)
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
        found = _kept_in(store, target, aware(at))
        if not found:
            continue
        for why in found.values():
            counted = (target.rule.key, target.table.name, why)
            kept.counts[counted] = kept.counts.get(counted, 0) + 1
        condition = _key_condition(target, list(found))
        name = target.table.name
        kept.conditions[name] = kept.conditions[name] | condition if name in kept.conditions else condition
    return kept


def _kept_in(store: Any, target: RecontactTarget, at: datetime) -> dict[str, Waiting]:
    """Row key -> why the re-contact keeps the row."""
    recontact = target.rule.recontact
    assert recontact is not None
    limit = naive_utc(cutoff(Duration.parse(recontact.after), at))
    rule = target.rule
    retention_limit = (naive_utc(cutoff(Duration.parse(rule.duration), at, rule.clock.value if rule.clock else None))
                       if rule.duration else None)
    answer_within, now = Duration.parse(recontact.answer_within), naive_utc(at)
    found = {}
    for row in rows_in_cycle(store, target, limit):
        why = waiting(row.clock, limit, row.latest, now, answer_within, retention_limit)
        if why is not None:
            found[row.key] = why
    return found


def _key_condition(target: RecontactTarget, keys: list[str]) -> ColumnElement[bool]:
    """``key IN (...)`` with the values written into the statement at execution (``literal_execute``:
    no limit on the number of bound parameters), each converted to its column's type."""
    sql_table = company_tables(target.database.engine, target.database.dataset)[target.table.name]
    columns = key_columns(target, sql_table)
    typed = [tuple(typed_value(sql_table.c[c], v) for c, v in zip(columns, json.loads(key))) for key in keys]
    if len(columns) == 1:
        return sql_table.c[columns[0]].in_(bindparam(f"kept_{target.rule.key}_{sql_table.name}", [t[0] for t in typed],
                                                     expanding=True, literal_execute=True))
    return tuple_(*[sql_table.c[c] for c in columns]).in_(typed)
