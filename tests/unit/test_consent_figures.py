"""Consent figures folded into periods, and the SVG chart drawn from them (no script, no style)."""

from __future__ import annotations

from datetime import date

import pytest

from egide.adapters.store.console_queries import ConsentCount
from egide.adapters.web.pages.console.chart import acceptance_chart
from egide.domain.errors import InvalidInputError
from egide.services.consent_figures import acceptance_series, periods

SINCE, UNTIL = date(2026, 1, 1), date(2026, 3, 31)


def count(day, action, n, purpose="newsletter", version="v1"):  # type: ignore[no-untyped-def]
    return ConsentCount(day, purpose, version, action, n)


def test_the_rate_is_consents_over_choices_and_withdrawals_are_counted_beside_it() -> None:
    rows = [count(date(2026, 1, 5), "given", 3), count(date(2026, 1, 6), "refused", 1),
            count(date(2026, 1, 7), "withdrawn", 2)]
    series = acceptance_series(rows, SINCE, UNTIL, period="week")
    week = next(p for p in series[0].points if p.start == date(2026, 1, 5))
    assert (week.given, week.refused, week.withdrawn, week.rate) == (3, 1, 2, 0.75)


def test_a_period_without_choices_has_no_rate_rather_than_zero() -> None:
    series = acceptance_series([count(date(2026, 2, 2), "given", 1)], SINCE, UNTIL, period="month")
    assert [p.rate for p in series[0].points] == [None, 1.0, None]


def test_series_are_per_register_version_when_asked() -> None:
    rows = [count(date(2026, 1, 5), "given", 1, version="aaa"), count(date(2026, 1, 5), "refused", 1, version="bbb")]
    series = acceptance_series(rows, SINCE, UNTIL, grouping="version", period="month")
    assert [(s.name, s.total.rate) for s in series] == [("aaa", 1.0), ("bbb", 0.0)]


def test_weeks_start_on_monday_and_months_on_the_first() -> None:
    assert periods(date(2026, 1, 7), date(2026, 1, 20), "week") == [date(2026, 1, 5), date(2026, 1, 12),
                                                                    date(2026, 1, 19)]
    assert periods(date(2026, 1, 31), date(2026, 3, 1), "month") == [date(2026, 1, 1), date(2026, 2, 1),
                                                                     date(2026, 3, 1)]


def test_an_unknown_grouping_or_period_is_named() -> None:
    with pytest.raises(InvalidInputError) as raised:
        acceptance_series([], SINCE, UNTIL, grouping="colour", period="hour")
    assert [p.path for p in raised.value.problems] == ["by", "period"]


def test_the_chart_is_svg_with_a_gap_where_nobody_chose_and_escaped_names() -> None:
    rows = [count(date(2026, 1, 1), "given", 1, purpose="<b>x</b>"), count(date(2026, 3, 1), "refused", 1,
                                                                         purpose="<b>x</b>")]
    svg = str(acceptance_chart(acceptance_series(rows, SINCE, UNTIL, period="month"), "rates"))
    assert svg.startswith("<svg") and svg.count("<polyline") == 2  # two segments: February is a gap
    assert "<b>" not in svg and "&lt;b&gt;" in svg
    assert "<script" not in svg and "style=" not in svg
