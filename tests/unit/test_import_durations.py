"""The duration grammar of `egide register import`: French and English periods to ISO 8601."""

from __future__ import annotations

import pytest

from egide.notice.importer.durations import find_periods, number_value, parse_period
from egide.notice.importer.text import fold


@pytest.mark.parametrize("text,iso", [
    ("3 (trois) ans", "P3Y"),
    ("dix ans", "P10Y"),
    ("dix (10) ans", "P10Y"),
    ("un an", "P1Y"),
    ("une année", "P1Y"),
    ("d'un mois", "P1M"),
    ("d’un mois", "P1M"),
    ("13 mois suivant la date de débit", "P13M"),
    ("13 (treize) mois", "P13M"),
    ("15 (quinze) mois", "P15M"),
    ("5 ans à compter de la dernière commande", "P5Y"),
    ("quinze jours", "P15D"),
    ("vingt jours", "P20D"),
    ("vingt-quatre mois", "P24M"),
    ("vingt et un jours", "P21D"),
    ("trente (30) jours", "P30D"),
    ("soixante-dix jours", "P70D"),
    ("quatre-vingt-dix jours", "P90D"),
    ("cent vingt jours", "P120D"),
    ("deux semaines", "P14D"),
    ("1 an et demi", "P1Y6M"),
    ("2 ans et 6 mois", "P2Y6M"),
    ("1,5 an", "P1Y6M"),
    ("un semestre", "P6M"),
    ("48 heures", "P2D"),
    ("36 mois", "P36M"),
    ("trois années civiles", "P3Y"),
    ("three (3) years", "P3Y"),
    ("twenty-four months", "P24M"),
    ("a 12-month period", "P12M"),
    ("for a year", "P1Y"),
    ("10 years", "P10Y"),
    ("90 days", "P90D"),
])
def test_reads_the_period_of_each_written_form(text, iso):
    assert parse_period(text) == iso


@pytest.mark.parametrize("text", [
    "les enfants de moins de 15 ans",
    "les mineurs de 16 ans",
    "children under 13 years old",
])
def test_ages_are_not_periods(text):
    assert parse_period(text) is None


@pytest.mark.parametrize("text,minimum,maximum", [
    ("conservées au minimum 3 (trois) ans", True, False),
    ("au moins cinq ans", True, False),
    ("at least 2 years", True, False),
    ("pour une durée de 13 mois maximum", False, True),
    ("jusqu'à 10 ans après la résiliation", False, True),
    ("pendant 3 ans", False, False),
])
def test_marks_minimum_and_maximum_periods(text, minimum, maximum):
    period = find_periods(fold(text))[0]
    assert (period.minimum, period.maximum) == (minimum, maximum)


def test_finds_every_period_of_a_sentence_with_offsets():
    text = "Les factures sont gardées 10 ans, les cookies 13 mois et les journaux quinze jours."
    periods = find_periods(fold(text))
    assert [p.iso for p in periods] == ["P10Y", "P13M", "P15D"]
    assert [text[p.start:p.end] for p in periods] == ["10 ans", "13 mois", "quinze jours"]


def test_a_french_article_before_a_number_is_not_added_to_it():
    assert parse_period("à un an") == "P1Y"
    assert parse_period("jusqu'à un an plus tard") == "P1Y"


@pytest.mark.parametrize("words,value", [("trois", 3), ("dix-huit", 18), ("quatre-vingts", 80),
                                         ("quatre-vingt-dix", 90), ("deux cents", 200), ("twenty-one", 21)])
def test_number_words_have_their_value(words, value):
    assert number_value(words) == value
