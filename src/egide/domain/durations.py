"""ISO 8601 durations as the register writes them (P14D, P13M, P3Y, P10Y, P1Y6M, P2W).

Calendar arithmetic follows the GDPR deadline rule used by the CJEU and Regulation
1182/71 (art. 3(2)(c)): a period in months ends on the same day number of the last month,
or on that month's last day when the day does not exist (31 January + 1 month = 28 or 29
February).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime

_PATTERN = re.compile(
    r"^P(?!$)(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?$"
)


class DurationFormatError(ValueError):
    """A text that is not an ISO 8601 duration of years, months, weeks and days."""


@dataclass(frozen=True, order=False)
class Duration:
    years: int = 0
    months: int = 0
    days: int = 0

    @classmethod
    def parse(cls, text: str) -> "Duration":
        if not isinstance(text, str):
            raise DurationFormatError(f"expected an ISO 8601 duration such as P13M, got {text!r}")
        match = _PATTERN.match(text.strip().upper())
        if match is None:
            raise DurationFormatError(
                f"{text!r} is not an ISO 8601 duration: write P<n>Y<n>M<n>W<n>D, e.g. P14D, P13M, P3Y"
            )
        parts = {k: int(v) if v else 0 for k, v in match.groupdict().items()}
        return cls(
            years=parts["years"], months=parts["months"], days=parts["days"] + 7 * parts["weeks"]
        )

    def iso(self) -> str:
        if self.is_zero():
            return "P0D"
        text = "P"
        if self.years:
            text += f"{self.years}Y"
        if self.months:
            text += f"{self.months}M"
        if self.days:
            text += f"{self.days}D"
        return text

    def __str__(self) -> str:
        return self.iso()

    def is_zero(self) -> bool:
        return not (self.years or self.months or self.days)

    def total_months(self) -> int:
        return self.years * 12 + self.months

    def approximate_days(self) -> float:
        """For ordering only (which rule keeps data longer): a month counts 30.44 days."""
        return self.total_months() * 30.436875 + self.days

    def add_to(self, start: date | datetime) -> date | datetime:
        """The end of a period of this length starting at ``start`` (calendar arithmetic)."""
        months = start.month - 1 + self.total_months()
        year = start.year + months // 12
        month = months % 12 + 1
        day = min(start.day, calendar.monthrange(year, month)[1])
        shifted = start.replace(year=year, month=month, day=day)
        if self.days:
            from datetime import timedelta

            shifted = shifted + timedelta(days=self.days)
        return shifted

    def describe(self, lang: str = "en") -> str:
        """Plain words: '3 years', '13 mois'."""
        words = {
            "en": (("year", "years"), ("month", "months"), ("day", "days")),
            "fr": (("an", "ans"), ("mois", "mois"), ("jour", "jours")),
        }[lang]
        parts = []
        for amount, (one, many) in zip((self.years, self.months, self.days), words):
            if amount:
                parts.append(f"{amount} {one if amount == 1 else many}")
        if not parts:
            return {"en": "at once", "fr": "immédiatement"}[lang]
        joiner = {"en": " and ", "fr": " et "}[lang]
        return joiner.join(parts)
