"""Consent figures for the console: acceptance rates per purpose or per register version over time.

The counts come grouped from the store (one GROUP BY per day, purpose, version and action); this
module only folds them into periods. The acceptance rate of a period is the share of choices
that were consents: given / (given + refused). Withdrawals are counted beside it, not in it: a
withdrawal is a later change of mind, not a choice shown the banner.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Iterable

from egide.domain.errors import InvalidInputError, Problem

GROUPINGS = ("purpose", "version")
PERIODS = {"day": 1, "week": 7, "month": 0}


@dataclass
class Point:
    start: date
    given: int = 0
    refused: int = 0
    withdrawn: int = 0

    @property
    def choices(self) -> int:
        return self.given + self.refused

    @property
    def rate(self) -> float | None:
        """Between 0 and 1, or None when nobody chose in the period."""
        return self.given / self.choices if self.choices else None


@dataclass
class Series:
    name: str  # a purpose, or a register version's hash
    points: list[Point] = field(default_factory=list)

    @property
    def total(self) -> Point:
        point = Point(self.points[0].start if self.points else date.min)
        for p in self.points:
            point.given, point.refused, point.withdrawn = (point.given + p.given, point.refused + p.refused,
                                                           point.withdrawn + p.withdrawn)
        return point


def check_options(grouping: str, period: str) -> None:
    problems = []
    if grouping not in GROUPINGS:
        problems.append(Problem(f"expected one of {', '.join(GROUPINGS)}", path="by"))
    if period not in PERIODS:
        problems.append(Problem(f"expected one of {', '.join(PERIODS)}", path="period"))
    if problems:
        raise InvalidInputError("the consent figures cannot be grouped that way", problems=problems)


def period_start(day: date, period: str) -> date:
    if period == "day":
        return day
    if period == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def periods(since: date, until: date, period: str) -> list[date]:
    """Every period start from ``since`` to ``until``: the chart shows empty periods as gaps."""
    starts, current = [], period_start(since, period)
    while current <= until:
        starts.append(current)
        if period == "month":
            current = (current.replace(day=28) + timedelta(days=4)).replace(day=1)
        else:
            current += timedelta(days=PERIODS[period])
    return starts


def acceptance_series(counts: Iterable[Any], since: date, until: date, *, grouping: str = "purpose",
                      period: str = "week") -> list[Series]:
    """One series per purpose (or register version), one point per period, sorted by name.

    ``counts`` are rows with ``day``, ``purpose``, ``register_version``, ``action`` and ``count``."""
    check_options(grouping, period)
    starts = periods(since, until, period)
    table: dict[str, dict[date, Point]] = {}
    for row in counts:
        name = row.purpose if grouping == "purpose" else row.register_version
        points = table.setdefault(name, {s: Point(s) for s in starts})
        point = points.get(period_start(row.day, period))
        if point is None or row.action not in ("given", "refused", "withdrawn"):
            continue
        setattr(point, row.action, getattr(point, row.action) + row.count)
    return [Series(name, list(points.values())) for name, points in sorted(table.items())]
