"""Which of the person's rows an erasure must keep, and until when (art. 17(3)).

Pure functions of the register and the dataset. A retention rule of the register keeps rows
against an erasure when

- its legal basis is a **legal obligation** (art. 17(3)(b)): invoices ten years after the
  transaction date under accounting law; or
- it keeps data **as evidence for a claim** (art. 17(3)(e)): a rule that keeps data while a
  dispute or legal proceedings are open (``while_open``), when one is open for this person, or a
  rule whose text says it keeps proof in case of a dispute (card-payment proof 13 months after
  the debit date, Code monétaire et financier art. L133-24).

A rule applies to a table that serves one of its activities (and holds one of its data subjects
and categories, when the rule names them). The rule's clock dates each row: a column of the
table that starts the clock, or one of a parent reached up the references (``order_items`` is
dated by ``orders.ordered_at``). A row is kept while ``clock + period`` is after now, that is
while the clock is after ``now - period``.
"""

from __future__ import annotations

import calendar
import re
from collections import deque
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from egide.datasets.graph import Join, references
from egide.datasets.model import Dataset, Table
from egide.domain.durations import Duration
from egide.register.model import (
    LegalBasis,
    OpenEvent,
    Register,
    RetentionAction,
    RetentionClock,
    RetentionRule,
)

OBLIGATION = "art. 17(3)(b)"  # compliance with a legal obligation
CLAIMS = "art. 17(3)(e)"  # establishment, exercise or defence of legal claims

_EVIDENCE = re.compile(r"\b(preuves?|contestations?|contest(?:ed|s)?|litiges?|contentieux|disputes?|evidence|"
                       r"proofs?|legal claims?)\b", re.IGNORECASE)
_CLAIM_EVENTS = (OpenEvent.dispute, OpenEvent.legal_proceedings)


@dataclass(frozen=True)
class KeepRule:
    """Rows of ``table`` kept by the register's rule ``rule`` (``article``), while
    ``clock_column`` (reached through ``via``) plus ``period`` is after now, or while
    ``while_open`` is open. ``only_where`` limits the rule to rows where that column is set."""

    table: str
    rule: str
    article: str
    legal_basis: str | None
    legal_reference: str | None
    clock: RetentionClock | None
    clock_column: tuple[str, str] | None  # (table, column) that dates the row
    via: tuple[Join, ...]  # upward joins from ``table`` to the clock's table
    period: Duration | None
    while_open: OpenEvent | None = None
    only_where: str | None = None

    def cutoff(self, now: datetime) -> datetime | None:
        """Rows whose clock is after this instant are kept (None: the rule keeps every row)."""
        if self.period is None:
            return None
        limit = subtract(self.period, now)
        if self.clock is RetentionClock.end_of_collection_year:  # the period starts on 31 December
            return limit.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
        return limit

    def until(self, clock_value: date | datetime) -> date | datetime:
        """When the rule stops keeping a row whose clock column holds ``clock_value``."""
        assert self.period is not None
        if self.clock is RetentionClock.end_of_collection_year:
            clock_value = clock_value.replace(month=12, day=31)
        return self.period.add_to(clock_value)

    def describe(self) -> str:
        """'P10Y after invoices.issued_at (Code de commerce, art. L123-22; art. 17(3)(b))'."""
        if self.period is None or self.clock_column is None:
            event = self.while_open.value.replace("_", " ") if self.while_open else None
            start = f"while a {event} is open" if event else "until further notice"
        else:
            start = f"{self.period.iso()} after {self.clock_column[0]}.{self.clock_column[1]}"
        law = "; ".join(x for x in (self.legal_reference, self.article) if x)
        return f"{start} ({law})"


@dataclass(frozen=True)
class KeepPlan:
    rules: tuple[KeepRule, ...]
    notes: tuple[str, ...]  # rules that cover a table but cannot date its rows

    def for_table(self, table: str) -> tuple[KeepRule, ...]:
        return tuple(r for r in self.rules if r.table == table)


def keeping_article(rule: RetentionRule, open_events: frozenset[OpenEvent] = frozenset()) -> str | None:
    """The art. 17(3) exception a retention rule stands on, or None when it keeps nothing against an erasure."""
    if rule.while_open in _CLAIM_EVENTS:
        return CLAIMS if rule.while_open in open_events else None
    period = total_period(rule)
    if period is None or period.is_zero():  # nothing to keep once the clock has started
        return None
    if rule.legal_basis is LegalBasis.legal_obligation:
        return OBLIGATION
    text = " ".join(x for x in (rule.description, rule.source_quote) if x)
    if _EVIDENCE.search(text):
        return CLAIMS
    return None


def keep_rules(dataset: Dataset, register: Register,
               open_events: frozenset[OpenEvent] = frozenset()) -> KeepPlan:
    """Every (table, rule) pair where a rule of the register keeps the person's rows."""
    found: list[KeepRule] = []
    notes: list[str] = []
    for rule in register.retention:
        article = keeping_article(rule, open_events)
        if article is None:
            continue
        for table in dataset.tables:
            if not _applies(rule, table):
                continue
            keep = _dated(rule, article, table, dataset)
            if keep is None:
                notes.append(f"rule {rule.key} covers {table.name}, but no column of {table.name} or of its "
                             f"parents starts the {rule.clock.value if rule.clock else '?'} clock: "
                             f"it keeps none of its rows")
                continue
            found.append(keep)
    return KeepPlan(tuple(_narrowed(found, dataset, {r.key: r for r in register.retention})), tuple(notes))


def subtract(period: Duration, now: datetime) -> datetime:
    """``now`` minus ``period`` in calendar arithmetic (months keep the day, clamped to the month's end)."""
    months = now.year * 12 + now.month - 1 - period.total_months()
    year, month = divmod(months, 12)
    day = min(now.day, calendar.monthrange(year, month + 1)[1])
    return now.replace(year=year, month=month + 1, day=day) - timedelta(days=period.days)


def total_period(rule: RetentionRule) -> Duration | None:
    """The rule's duration, plus the archive period when the data is archived at the end."""
    if rule.duration is None:
        return None
    period = Duration.parse(rule.duration)
    if rule.action is RetentionAction.archive and rule.archive_for:
        extra = Duration.parse(rule.archive_for)
        period = Duration(period.years + extra.years, period.months + extra.months, period.days + extra.days)
    return period


def matching_columns(rule: RetentionRule, table: Table) -> list[str]:
    """The columns of ``table`` holding a category the rule names (or a narrower one)."""
    return [c.name for c in table.columns
            if any(_under(key, wanted) for key in c.data_categories for wanted in rule.categories)]


def _under(key: str, wanted: str) -> bool:
    return key == wanted or key.startswith(wanted + ".")


def _applies(rule: RetentionRule, table: Table) -> bool:
    if not set(rule.activities) & set(table.activities):
        return False
    if rule.data_subjects and table.data_subjects and not set(rule.data_subjects) & set(table.data_subjects):
        return False
    return not rule.categories or bool(matching_columns(rule, table))


def _dated(rule: RetentionRule, article: str, table: Table, dataset: Dataset) -> KeepRule | None:
    base = dict(table=table.name, rule=rule.key, article=article,
                legal_basis=rule.legal_basis.value if rule.legal_basis else None,
                legal_reference=rule.legal_reference, clock=rule.clock)
    if rule.while_open is not None:
        return KeepRule(**base, clock_column=None, via=(), period=None, while_open=rule.while_open)
    assert rule.clock is not None
    located = _clock_column(table.name, rule.clock, dataset)
    if located is None:
        return None
    column, via = located
    return KeepRule(**base, clock_column=column, via=via, period=total_period(rule))


def _clock_column(start: str, clock: RetentionClock,
                  dataset: Dataset) -> tuple[tuple[str, str], tuple[Join, ...]] | None:
    """The nearest column starting ``clock``: in the table itself, else up the references."""
    up: dict[str, list[Join]] = {}
    for ref in references(dataset):
        up.setdefault(ref.child, []).append(Join(ref.child, ref.column, ref.parent, ref.parent_column, True))
    routes: dict[str, tuple[Join, ...]] = {start: ()}
    queue = deque([start])
    while queue:
        here = queue.popleft()
        table = dataset.table(here)
        if table is not None:
            column = next((c.name for c in table.columns if clock in c.clocks), None)
            if column is not None:
                return (here, column), routes[here]
        for join in up.get(here, []):
            if join.to_table not in routes:
                routes[join.to_table] = (*routes[here], join)
                queue.append(join.to_table)
    return None


def _narrowed(rules: list[KeepRule], dataset: Dataset, by_key: dict[str, RetentionRule]) -> list[KeepRule]:
    """A rule about a narrower category held by a single column (the deferred-debit flag of a card
    proof) keeps only the rows where that column is set, when a broader rule covers the table too."""
    out = []
    for keep in rules:
        table, rule = dataset.table(keep.table), by_key[keep.rule]
        flag = None
        if table is not None and rule.categories:
            mine = set(matching_columns(rule, table))
            broader = [set(matching_columns(by_key[o.rule], table)) for o in rules
                       if o.table == keep.table and o.rule != keep.rule]
            if len(mine) == 1 and any(mine < other for other in broader):
                flag = next(iter(mine))
        out.append(replace(keep, only_where=flag) if flag else keep)
    return out
