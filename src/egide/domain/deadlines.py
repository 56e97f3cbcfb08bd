"""The legal clock of a data-subject request (GDPR art. 12(3)).

- The period starts on the day of receipt, which is not counted, and is computed in calendar
  months (Regulation (EEC, Euratom) No 1182/71, art. 3(1) and 3(2)(c)): received on 31 January,
  due on 28 February (29 in a leap year), the last day of the month when the day number does not
  exist. Egide does not move a due date falling on a weekend or holiday to the next working day
  (art. 3(4) of that regulation would allow it): the earlier date is always safe.
- The clock is suspended while the controller waits for identification information it asked
  for (art. 12(6); EDPB Guidelines 01/2022 on the right of access, section 5.3): each suspended
  calendar day pushes the due date by one day. A suspension that starts after the due date
  does not push it (it cannot rescue a late answer).
- The period may be extended by two further months at most, with reasons, the person being told
  within the first month (art. 12(3)). The extension counts from the first due date.

Standard library only; dates, not instants: the clock counts days.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from egide.domain.durations import Duration
from egide.domain.errors import ConflictError, InvalidInputError, Problem

ONE_MONTH = Duration(months=1)
MAX_EXTENSION = Duration(months=2)


@dataclass(frozen=True)
class Suspension:
    """Days during which the clock stood still: from ``start`` (counted) to ``end`` (not counted).
    ``end`` is None while the controller is still waiting."""

    start: date
    end: date | None = None


def due_date(received_on: date, period: Duration = ONE_MONTH) -> date:
    """The last day of a period starting the day after ``received_on`` (calendar months)."""
    return period.add_to(received_on)  # type: ignore[return-value]


def add_durations(a: Duration, b: Duration) -> Duration:
    return Duration(years=a.years + b.years, months=a.months + b.months, days=a.days + b.days)


def _merged(suspensions: tuple[Suspension, ...], today: date) -> list[tuple[date, date]]:
    spans = sorted((s.start, max(s.start, s.end or today)) for s in suspensions)
    merged: list[tuple[date, date]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


@dataclass(frozen=True)
class Deadline:
    received_on: date
    suspensions: tuple[Suspension, ...] = ()
    extension: Duration | None = None
    period: Duration = ONE_MONTH

    def _pushed(self, end: date, today: date) -> tuple[date, int]:
        pushed = 0
        for start, stop in _merged(self.suspensions, today):
            if start > end + timedelta(days=pushed):
                break
            pushed += (stop - start).days
        return end + timedelta(days=pushed), pushed

    def first_due(self, today: date) -> date:
        """The end of the first month, pushed by suspensions: the last day to announce an extension."""
        return self._pushed(due_date(self.received_on, self.period), today)[0]

    def due(self, today: date) -> date:
        end = due_date(self.received_on, self.period)
        if self.extension is not None:
            end = self.extension.add_to(end)  # type: ignore[assignment]
        return self._pushed(end, today)[0]

    def suspended_days(self, today: date) -> int:
        end = due_date(self.received_on, self.period)
        if self.extension is not None:
            end = self.extension.add_to(end)  # type: ignore[assignment]
        return self._pushed(end, today)[1]

    def is_suspended(self, today: date) -> bool:
        return any(s.end is None and s.start <= today for s in self.suspensions)

    def days_left(self, today: date) -> int:
        """Days until the due date (0 on the due date itself, negative once overdue)."""
        return (self.due(today) - today).days

    def overdue(self, today: date) -> bool:
        return today > self.due(today)

    def extended(self, extension: Duration, reason: str, today: date) -> "Deadline":
        """This deadline extended by ``extension`` (art. 12(3)), or an error saying which limit it breaks."""
        if not (reason or "").strip():
            raise InvalidInputError("an extension needs its reasons: the person must be told why (art. 12(3))",
                                    problems=[Problem("give the reason for the delay", path="reason")])
        if extension.is_zero():
            raise InvalidInputError("an extension of zero changes nothing", problems=[Problem("use P1M or P2M",
                                                                                              path="extension")])
        total = add_durations(self.extension, extension) if self.extension else extension
        base = due_date(self.received_on, self.period)
        if total.add_to(base) > MAX_EXTENSION.add_to(base):  # type: ignore[operator]
            already = f" ({self.extension.iso()} already granted)" if self.extension else ""
            raise InvalidInputError(
                f"an extension of {total.iso()} in total is beyond the two further months art. 12(3) allows{already}",
                problems=[Problem(f"at most {MAX_EXTENSION.iso()} in total", path="extension")])
        first_due = self.first_due(today)
        if today > first_due:
            raise ConflictError(
                f"too late to extend: the first month ended on {first_due.isoformat()} and the person must be "
                "told of an extension within it (art. 12(3))",
                details={"first_due": first_due.isoformat()})
        return replace(self, extension=total)
