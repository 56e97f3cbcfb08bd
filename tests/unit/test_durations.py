from datetime import date

import pytest

from egide.domain.durations import Duration, DurationFormatError


@pytest.mark.parametrize("text,expected", [
    ("P14D", Duration(days=14)), ("P13M", Duration(months=13)), ("P3Y", Duration(years=3)),
    ("P1Y6M", Duration(years=1, months=6)), ("P2W", Duration(days=14)), ("p10y", Duration(years=10)),
])
def test_parses_iso_durations_of_years_months_weeks_days(text, expected):
    assert Duration.parse(text) == expected


@pytest.mark.parametrize("text", ["P13X", "P", "13M", "P1.5Y", "", "PT5H", "P-1D"])
def test_refuses_what_is_not_a_date_duration(text):
    with pytest.raises(DurationFormatError, match="ISO 8601"):
        Duration.parse(text)


@pytest.mark.parametrize("start,duration,end", [
    (date(2026, 1, 31), "P1M", date(2026, 2, 28)),
    (date(2028, 1, 31), "P1M", date(2028, 2, 29)),  # leap year
    (date(2026, 3, 31), "P1M", date(2026, 4, 30)),
    (date(2026, 1, 15), "P1M", date(2026, 2, 15)),
    (date(2026, 11, 30), "P3M", date(2027, 2, 28)),
    (date(2024, 2, 29), "P1Y", date(2025, 2, 28)),
    (date(2026, 1, 1), "P13M", date(2027, 2, 1)),
    (date(2026, 12, 25), "P14D", date(2027, 1, 8)),
])
def test_adds_calendar_months_ending_on_the_last_day_when_the_day_is_missing(start, duration, end):
    assert Duration.parse(duration).add_to(start) == end


def test_describes_itself_in_french_and_english():
    assert Duration.parse("P3Y").describe("fr") == "3 ans"
    assert Duration.parse("P1Y").describe("fr") == "1 an"
    assert Duration.parse("P13M").describe("en") == "13 months"
    assert Duration.parse("P1Y6M").describe("en") == "1 year and 6 months"


def test_orders_periods_by_length():
    assert Duration.parse("P13M").approximate_days() > Duration.parse("P1Y").approximate_days()
    assert Duration.parse("P15M").approximate_days() > Duration.parse("P13M").approximate_days()
