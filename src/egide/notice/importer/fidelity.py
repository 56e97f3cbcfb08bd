"""How close a drafted register comes to a hand-written one, field by field.

Each comparator turns a register into what is counted (a multiset of keys, rules or countries);
:func:`counts` gives true positives, false positives and false negatives of a draft against the
register it should have given, :func:`prf` precision, recall and F1. Used by
``bench/import_fidelity.py`` (the import of the five seed policies) and by the round-trip test
(importing a rendered notice gives back its register).

- categories: data-category keys at full fideslang depth (the union over all activities), or cut
  to ``depth`` levels (user.contact.email -> user.contact);
- purposes: data-use keys;
- recipients: a hand-written recipient counts as found when a drafted recipient's name shares a
  significant word with it (greedy one-to-one matching, best overlap first);
- retention: rules counted right only when the kept period and, ``with_clock``, the clock both
  match (multiset matching; the kept period is duration + archive_for, so "P0D then archive
  P13M" and "archive P13M" both keep data 13 months; 24 months and 2 years are equal);
- countries: the set of countries outside the EEA that data is sent to.
"""

from __future__ import annotations

import re
from collections import Counter

from egide.domain.durations import Duration
from egide.domain.jurisdictions import is_eea
from egide.notice.importer.text import fold
from egide.register.model import Register, RetentionRule

FIELDS = ["categories_full", "categories_2", "purposes", "recipients", "retention_exact", "retention_duration",
          "transfer_countries"]
_STOP = set("de des du la le les l d et the of and a au aux en pour par sur nos notre vos votre non nommes nommees "
            "inc ltd llc limited sas sa corp corporation ireland".split())


def categories(register: Register, depth: int | None = None) -> Counter[str]:
    keys = {c.key for a in register.activities for c in a.data_categories}
    if depth:
        keys = {".".join(k.split(".")[:depth]) for k in keys}
    return Counter(keys)


def purposes(register: Register) -> Counter[str]:
    return Counter({p.use for a in register.activities for p in a.purposes})


def _kept(rule: RetentionRule) -> tuple[int, int] | None:
    if rule.duration is None:
        return None
    total = Duration.parse(rule.duration)
    if rule.archive_for:
        extra = Duration.parse(rule.archive_for)
        total = Duration(total.years + extra.years, total.months + extra.months, total.days + extra.days)
    return total.total_months(), total.days


def retention(register: Register, with_clock: bool) -> Counter[tuple]:  # type: ignore[type-arg]
    rules: Counter[tuple] = Counter()  # type: ignore[type-arg]
    for rule in register.retention:
        kept = _kept(rule)
        if kept is None:
            continue
        rules[(kept, rule.clock.value if rule.clock else None) if with_clock else (kept,)] += 1
    return rules


def countries(register: Register) -> Counter[str]:
    return Counter({t.country for _, t in register.all_transfers() if not is_eea(t.country)})


def _words(name: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9+]+", fold(name)) if len(w) > 2 and w not in _STOP}


def recipients_matched(gold: Register, draft: Register) -> tuple[int, int, int]:
    """(true positives, false positives, false negatives) of a greedy one-to-one name matching."""
    pairs = []
    for i, g in enumerate(gold.recipients):
        for j, d in enumerate(draft.recipients):
            gw, dw = _words(g.name), _words(d.name) | _words(d.key.replace("-", " "))
            overlap = len(gw & dw) / max(1, len(gw | dw))
            if gw & dw:
                pairs.append((overlap, i, j))
    used_g: set[int] = set()
    used_d: set[int] = set()
    for _, i, j in sorted(pairs, reverse=True):
        if i not in used_g and j not in used_d:
            used_g.add(i)
            used_d.add(j)
    tp = len(used_g)
    return tp, len(draft.recipients) - tp, len(gold.recipients) - tp


def counts(gold: Counter, draft: Counter) -> tuple[int, int, int]:  # type: ignore[type-arg]
    tp = sum((gold & draft).values())
    return tp, sum(draft.values()) - tp, sum(gold.values()) - tp


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def compare(gold: Register, draft: Register) -> dict[str, tuple[int, int, int]]:
    """(true positives, false positives, false negatives) of each field of :data:`FIELDS`."""
    return {
        "categories_full": counts(categories(gold), categories(draft)),
        "categories_2": counts(categories(gold, 2), categories(draft, 2)),
        "purposes": counts(purposes(gold), purposes(draft)),
        "recipients": recipients_matched(gold, draft),
        "retention_exact": counts(retention(gold, True), retention(draft, True)),
        "retention_duration": counts(retention(gold, False), retention(draft, False)),
        "transfer_countries": counts(countries(gold), countries(draft)),
    }
