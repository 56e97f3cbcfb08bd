"""Periods written in French or English prose, read into ISO 8601 durations.

The grammar, on folded text (lower case, no accents; see :func:`egide.notice.importer.text.fold`):

    period   := amount [ "(" amount ")" ] unit [ "et demi(e)" | "and a half" ] [ ("et" | ",") period ]
    amount   := digits [("," | ".") digits] | number words ("trois", "dix-huit", "vingt et un",
                "quatre-vingt-dix", "un", "une", "a", "twenty-four")
    unit     := an(s) | annee(s) | mois | semaine(s) | jour(s) | trimestre(s) | semestre(s) | heure(s)
                | year(s) | month(s) | week(s) | day(s) | hour(s)

So "3 (trois) ans" -> P3Y, "dix (10) ans" -> P10Y, "d'un mois" -> P1M, "13 mois" -> P13M,
"1 an et demi" -> P1Y6M, "2 ans et 6 mois" -> P2Y6M, "quinze jours" -> P15D, "48 heures" -> P2D,
"a 12-month period" -> P12M. "au moins", "au minimum", "at least" mark a minimum.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FRENCH_NUMBERS = {
    "zero": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
    "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15,
    "seize": 16, "vingt": 20, "vingts": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60,
    "cent": 100, "cents": 100,
}
ENGLISH_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
}
_WORDS = {**ENGLISH_NUMBERS, **FRENCH_NUMBERS}
_WORD = "|".join(sorted((w for w in _WORDS if w not in ("a", "an")), key=len, reverse=True))
_WORD_NUMBER = rf"(?:{_WORD})(?:(?:-et-|\s+et\s+|-|\s+)(?:{_WORD}))*"
_AMOUNT = rf"(?:\d+(?:[.,]\d+)?|{_WORD_NUMBER}|an?)"

# unit -> (years, months, days) per one
UNITS = {
    "an": (1, 0, 0), "ans": (1, 0, 0), "annee": (1, 0, 0), "annees": (1, 0, 0),
    "year": (1, 0, 0), "years": (1, 0, 0), "yr": (1, 0, 0), "yrs": (1, 0, 0),
    "semestre": (0, 6, 0), "semestres": (0, 6, 0), "trimestre": (0, 3, 0), "trimestres": (0, 3, 0),
    "mois": (0, 1, 0), "month": (0, 1, 0), "months": (0, 1, 0),
    "semaine": (0, 0, 7), "semaines": (0, 0, 7), "week": (0, 0, 7), "weeks": (0, 0, 7),
    "jour": (0, 0, 1), "jours": (0, 0, 1), "day": (0, 0, 1), "days": (0, 0, 1),
    "heure": (0, 0, 0), "heures": (0, 0, 0), "hour": (0, 0, 0), "hours": (0, 0, 0), "h": (0, 0, 0),
}
_UNIT = r"(?:annees?|ans?|years?|yrs?|semestres?|trimestres?|mois|months?|semaines?|weeks?|jours?|days?|heures?|hours?)"
_ONE = (rf"(?P<amount>{_AMOUNT})(?:\s*\(\s*(?P<alt>{_AMOUNT})\s*\))?(?:\s+|\s*-\s*|(?<=\d))"
        rf"(?P<unit>{_UNIT})(?:\s+(?:civile?s?|calendaires?|ouvres|ouvrables|pleine?s?|revolue?s?))?\b"
        rf"(?P<half>\s+(?:et\s+demie?|and\s+a\s+half))?")
_PERIOD = re.compile(rf"(?<![\w.,])(?:{_ONE})(?P<more>(?:\s*(?:,|et|and)\s+{_AMOUNT}\s+{_UNIT}\b)*)")
_MINIMUM_BEFORE = re.compile(r"(?:au\s+moins|au\s+minimum|minimum\s+(?:de\s+)?|a\s+minima|at\s+least|"
                             r"no\s+less\s+than|not\s+less\s+than|minimum\s+of|pas\s+moins\s+de)\s*(?:de\s+|d')?\s*$")
_MINIMUM_AFTER = re.compile(r"^\s*(?:au\s+minimum|minimum|au\s+moins|at\s+least)\b")
_MAXIMUM_NEAR = re.compile(r"(?:au\s+maximum|maximum|au\s+plus|jusqu'a|jusqu'au|n'excedant\s+pas|"
                           r"up\s+to|at\s+most|no\s+more\s+than|not\s+exceeding|maximale?)")
_AGE_BEFORE = re.compile(r"\b(?:age[es]*|mineurs?|enfants?|jeunes|aged?|children|minors?|under|over)\b")
_NOT_PERIOD_AFTER = re.compile(r"^\s*(?:d'age|old|of\s+age|et\s+plus|and\s+(?:over|older)|ou\s+plus)\b")


@dataclass(frozen=True)
class PeriodMatch:
    """A period found in folded text."""

    start: int
    end: int
    iso: str
    minimum: bool = False
    maximum: bool = False

    @property
    def is_zero(self) -> bool:
        return self.iso == "P0D"


def number_value(text: str) -> float | None:
    """The value of digits ('3', '1,5') or number words ('trois', 'dix-huit', 'quatre-vingt-dix')."""
    text = text.strip()
    if re.fullmatch(r"\d+(?:[.,]\d+)?", text):
        return float(text.replace(",", "."))
    tokens = [t for t in re.split(r"-et-|\s+et\s+|-|\s+", text) if t]
    if not tokens or any(t not in _WORDS for t in tokens):
        return None
    current = 0
    for token in tokens:
        value = _WORDS[token]
        if value == 100:
            current = max(current, 1) * 100
        elif token in ("vingt", "vingts") and current % 100 == 4:
            current += 76  # quatre-vingt(s): 4 -> 80
        else:
            current += value
    return float(current)


def _parts(amount: float, unit: str) -> tuple[int, int, int]:
    years, months, days = UNITS[unit]
    if unit in ("heure", "heures", "hour", "hours", "h"):
        whole_days = int(round(amount / 24)) if amount >= 24 else 1
        return 0, 0, whole_days
    if years:
        whole = int(amount)
        return whole, int(round((amount - whole) * 12)), 0
    if months:
        whole = int(amount * months)
        return 0, whole, int(round((amount * months - whole) * 30))
    return 0, 0, int(round(amount * days))


def _iso(years: int, months: int, days: int) -> str:
    text = "P"
    if years:
        text += f"{years}Y"
    if months:
        text += f"{months}M"
    if days:
        text += f"{days}D"
    return text if text != "P" else "P0D"


def find_periods(norm: str) -> list[PeriodMatch]:
    """Every period in a folded text, in order."""
    found: list[PeriodMatch] = []
    for match in _PERIOD.finditer(norm):
        amount = number_value(match.group("alt") or "") if match.group("alt") and not re.fullmatch(
            r"\d+(?:[.,]\d+)?", match.group("amount")) else None
        if amount is None:
            amount = number_value(match.group("amount"))
        if amount is None or amount <= 0 or amount > 1000:
            continue
        before = norm[max(0, match.start() - 40):match.start()]
        after = norm[match.end():match.end() + 30]
        if UNITS[match.group("unit")][0] and amount <= 21 and _AGE_BEFORE.search(before[-25:]):
            continue
        if _NOT_PERIOD_AFTER.match(after):
            continue
        if match.group("amount") in ("a", "an") and not re.search(r"(?:for|within|of|after|up to|to|than)\s+$", before):
            continue
        y, m, d = _parts(amount, match.group("unit"))
        if match.group("half"):
            y2, m2, d2 = _parts(0.5, match.group("unit"))
            y, m, d = y + y2, m + m2, d + d2
        for extra in re.finditer(rf"(?P<a>{_AMOUNT})\s+(?P<u>{_UNIT})\b", match.group("more") or ""):
            value = number_value(extra.group("a"))
            if value:
                y2, m2, d2 = _parts(value, extra.group("u"))
                y, m, d = y + y2, m + m2, d + d2
        minimum = bool(_MINIMUM_BEFORE.search(before) or _MINIMUM_AFTER.match(after))
        maximum = bool(_MAXIMUM_NEAR.search(before[-30:]) or re.match(r"^\s*(?:au\s+)?maximum", after))
        found.append(PeriodMatch(match.start(), match.end(), _iso(y, m, d), minimum, maximum and not minimum))
    return found


def parse_period(text: str) -> str | None:
    """The ISO 8601 duration of the first period in ``text`` (any case, accents allowed), or None."""
    from egide.notice.importer.text import fold

    periods = find_periods(fold(text))
    return periods[0].iso if periods else None
