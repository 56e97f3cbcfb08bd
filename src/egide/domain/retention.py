"""Retention rules that need no I/O: when a period ends, which rule decides, what a legal hold covers.

A retention rule keeps data for ``duration`` after a clock (collection, last order, contract
end...). Egide compiles the register's rules onto the tables of a dataset; for one table several
rules may apply. A row goes only when **every** rule covering it has expired: the longest
justified rule wins, and the plan names it (``deciding``). Periods are calendar periods
(``domain/durations.py``): a row whose clock is 2024-01-31 expires under P1M on 2024-02-29 at the
same time of day, not a second before.

A legal hold freezes data whatever the rules say: one person (by the keyed hash of an
identifier), a whole dataset, one table (or log directory), or every rule that keeps data
``while_open`` for an event (a security incident, a dispute). Held rows are never touched.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from enum import Enum

from egide.domain.durations import Duration
from egide.domain.errors import InvalidInputError, Problem


class Action(str, Enum):
    """What a retention run does to a row (or some columns) at the end of its period."""

    delete = "delete"
    anonymize = "anonymize"  # the row stays, its personal columns are anonymized
    archive = "archive"  # the row moves to the archive database
    purge_archive = "purge_archive"  # the archive period is over: the archived row goes
    anonymize_columns = "anonymize_columns"  # some columns expired, a longer rule keeps the row


class HoldScope(str, Enum):
    person = "person"
    dataset = "dataset"
    table = "table"  # a table, or a log directory of the dataset
    event = "event"  # an open event (security_incident, dispute...): rules with while_open keep their data


END_OF_YEAR_CLOCK = "end_of_collection_year"


def cutoff(period: Duration, at: datetime, clock: str | None = None) -> datetime:
    """The instant before which a clock must lie for ``period`` to be over at ``at``.

    A row expires when ``clock + period <= at``, that is when ``clock <= at - period`` (calendar
    arithmetic: the day of the month is kept, clamped to the month's last day). For the
    ``end_of_collection_year`` clock the period starts on 31 December of the clock's year.
    """
    months = at.year * 12 + at.month - 1 - period.total_months()
    year, month = divmod(months, 12)
    day = min(at.day, calendar.monthrange(year, month + 1)[1])
    limit = at.replace(year=year, month=month + 1, day=day) - timedelta(days=period.days)
    if clock == END_OF_YEAR_CLOCK:  # clock year Y expires once 31 Dec Y + period <= at
        return limit.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0) - timedelta(microseconds=1)
    return limit


def expires_on(period: Duration, clock_value: date | datetime, clock: str | None = None) -> date | datetime:
    """When a row whose clock holds ``clock_value`` expires under ``period``."""
    if clock == END_OF_YEAR_CLOCK:
        clock_value = clock_value.replace(month=12, day=31)
    return period.add_to(clock_value)


def longer(a: Duration, b: Duration) -> bool:
    return a.approximate_days() > b.approximate_days()


@dataclass(frozen=True)
class Cover:
    """One register rule covering one table: the rows (or only ``columns``) it keeps, how long
    after which clock, and what happens at the end."""

    rule: str
    table: str
    action: Action
    period: Duration | None  # None: kept while an event is open (while_open)
    clock: str | None
    clock_column: tuple[str, str] | None  # (table, column) dating the rows, None: cannot be dated
    via: tuple = ()  # joins from the table to the clock's table (datasets.graph.Join)
    derived: str | None = None  # "latest_child": the latest of child rows; "latest_person": the person's latest
    link: tuple = ()  # latest_person: joins from the clock's table up to the person's table
    columns: tuple[str, ...] | None = None  # None: the whole row; else only these columns
    archive_for: Duration | None = None
    while_open: str | None = None
    only_where: str | None = None  # the rule covers only rows where this column is set
    legal_basis: str | None = None
    legal_reference: str | None = None
    minimum: bool = False  # 'at least': the period is never an end
    aggregate: bool = False  # aggregate_before_delete
    optional_clock: bool = False  # an event that may never happen (an objection): no clock, not covered

    @property
    def total(self) -> Duration | None:
        """How long the data exists in any form: the period plus the archive period."""
        if self.period is None:
            return None
        extra = self.archive_for or Duration()
        return Duration(self.period.years + extra.years, self.period.months + extra.months,
                        self.period.days + extra.days)

    @property
    def justified(self) -> bool:
        """A rule with a period and a clock that dates the table's rows (others keep nothing for sure)."""
        return self.period is not None and self.clock_column is not None

    def describe(self) -> str:
        if self.period is None:
            return f"{self.rule}: while a {self.while_open or 'event'} is open"
        where = f"{self.clock_column[0]}.{self.clock_column[1]}" if self.clock_column else "(no clock column)"
        what = "" if self.columns is None else f" [{', '.join(self.columns)}]"
        archive = f", archived {self.archive_for.iso()}" if self.archive_for else ""
        return f"{self.rule}: {self.period.iso()} after {self.clock} ({where}){what}, then {self.action.value}{archive}"


def deciding_rule(covers: list[Cover]) -> Cover | None:
    """The rule that decides a row's end: the longest total period (archive included) among the
    rules that can date the row; ties go to the first in register order."""
    best: Cover | None = None
    for cover in covers:
        if not cover.justified:
            continue
        assert cover.total is not None
        if best is None or longer(cover.total, best.total):  # type: ignore[arg-type]
            best = cover
    return best


@dataclass(frozen=True)
class Hold:
    """A legal hold: data frozen whatever the retention rules say, with a reason and an owner."""

    id: int | None
    scope: HoldScope
    reason: str
    owner: str
    starts_at: datetime
    ends_at: datetime | None = None  # None: until ended (an open event)
    dataset: str | None = None
    table: str | None = None  # a table or a log directory
    lookup_hash: str | None = None  # person: the keyed hash of an identifier (never the identifier)
    kind: str | None = None  # person: email, phone or customer_id
    event: str | None = None  # event: security_incident, dispute...
    ended_at: datetime | None = None

    def active(self, at: datetime) -> bool:
        end = min((x for x in (self.ends_at, self.ended_at) if x is not None), default=None)
        return _aware(self.starts_at) <= _aware(at) and (end is None or _aware(at) < _aware(end))

    def covers(self, dataset: str, table: str | None = None) -> bool:
        """Whether the hold freezes (part of) ``dataset``/``table``; person holds cover every table."""
        if self.scope is HoldScope.event:
            return False  # an event holds through the rules that name it (while_open)
        if self.dataset is not None and self.dataset != dataset:
            return False
        return self.scope is not HoldScope.table or table is None or self.table == table


def check_hold(hold: Hold) -> None:
    """Refuse a hold that does not hold together; nothing is stored when it raises."""
    problems = []
    if not hold.reason.strip():
        problems.append(Problem("a hold needs a reason", path="reason"))
    if not hold.owner.strip():
        problems.append(Problem("a hold needs an owner (who answers for it)", path="owner"))
    if hold.ends_at is not None and _aware(hold.ends_at) <= _aware(hold.starts_at):
        problems.append(Problem(f"the hold ends ({hold.ends_at.isoformat()}) before it starts "
                                f"({hold.starts_at.isoformat()})", path="ends_at"))
    needed = {HoldScope.person: ("lookup_hash",), HoldScope.dataset: ("dataset",),
              HoldScope.table: ("dataset", "table"), HoldScope.event: ("event",)}[hold.scope]
    for name in needed:
        if getattr(hold, name) is None:
            problems.append(Problem(f"a {hold.scope.value} hold needs {name.replace('lookup_hash', 'an identifier')}",
                                    path=name))
    if problems:
        raise InvalidInputError("invalid legal hold: " + "; ".join(p.message for p in problems), problems=problems)


def open_events(holds: list[Hold], at: datetime) -> frozenset[str]:
    return frozenset(h.event for h in holds if h.scope is HoldScope.event and h.event and h.active(at))


@dataclass
class TableCount:
    """What a plan or a run finds for one (rule, table, action)."""

    dataset: str
    table: str
    rule: str
    action: Action
    rows: int = 0
    held: int = 0
    examples: list[str] = field(default_factory=list)


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=timezone.utc)
