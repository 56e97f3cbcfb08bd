"""How close `egide register import` comes to the hand-written registers of the five seed policies.

    .venv/bin/python bench/import_fidelity.py

For each seed in ../shared/seeds, the draft is compared with examples/registers/NNN-*.yaml, field by
field, micro-averaged over the five seeds (true positives, false positives and false negatives added
up before precision, recall and F1 are computed):

- categories_full: data-category keys at full fideslang depth (the union over all activities);
- categories_2: the same keys cut to two levels (user.contact.email -> user.contact);
- purposes: data-use keys;
- recipients: a hand-written recipient counts as found when a drafted recipient's name shares a
  significant word with it (greedy one-to-one matching, best overlap first);
- retention_exact: rules counted right only when the kept period and the clock both match
  (multiset matching; the kept period is duration + archive_for, so "P0D then archive P13M" and
  "archive P13M" both keep data 13 months; 24 months and 2 years are equal);
- retention_duration: the kept period alone;
- transfer_countries: the set of countries outside the EEA that data is sent to.

Seconds per policy is the wall time of the import (read, extract, assemble, validate) per seed.
The last line is machine-readable: RESULT key=value ...
"""

from __future__ import annotations

import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from egide.domain.durations import Duration  # noqa: E402
from egide.domain.jurisdictions import is_eea  # noqa: E402
from egide.notice.importer import draft_from_file  # noqa: E402
from egide.notice.importer.text import fold  # noqa: E402
from egide.register.loader import load_register  # noqa: E402
from egide.register.model import Register  # noqa: E402

SEEDS = ROOT.parent / "shared" / "seeds"
GOLD = ROOT / "examples" / "registers"
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


def _kept(rule) -> tuple[int, int] | None:  # type: ignore[no-untyped-def]
    if rule.duration is None:
        return None
    total = Duration.parse(rule.duration)
    if rule.archive_for:
        extra = Duration.parse(rule.archive_for)
        total = Duration(total.years + extra.years, total.months + extra.months, total.days + extra.days)
    return total.total_months(), total.days


def retention(register: Register, with_clock: bool) -> Counter[tuple]:
    rules = Counter()
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


def counts(gold: Counter, draft: Counter) -> tuple[int, int, int]:
    tp = sum((gold & draft).values())
    return tp, sum(draft.values()) - tp, sum(gold.values()) - tp


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def main() -> int:
    seeds = sorted(SEEDS.glob("*.txt"))
    golds = sorted(GOLD.glob("*.yaml"))
    if not seeds or len(seeds) != len(golds):
        print(f"expected as many seeds in {SEEDS} as registers in {GOLD}", file=sys.stderr)
        return 2
    totals = {f: [0, 0, 0] for f in FIELDS}
    seconds: list[float] = []
    cpu_seconds: list[float] = []
    draft_from_file(seeds[0])  # warm up: imports and the fideslang taxonomy
    rows = []
    for seed, gold_file in zip(seeds, golds):
        gold = load_register(gold_file).register
        start, cpu = time.perf_counter(), time.process_time()
        draft = draft_from_file(seed)
        seconds.append(time.perf_counter() - start)
        cpu_seconds.append(time.process_time() - cpu)
        model = Register.model_validate(draft.register)
        per = {
            "categories_full": counts(categories(gold), categories(model)),
            "categories_2": counts(categories(gold, 2), categories(model, 2)),
            "purposes": counts(purposes(gold), purposes(model)),
            "recipients": recipients_matched(gold, model),
            "retention_exact": counts(retention(gold, True), retention(model, True)),
            "retention_duration": counts(retention(gold, False), retention(model, False)),
            "transfer_countries": counts(countries(gold), countries(model)),
        }
        for field, (tp, fp, fn) in per.items():
            totals[field][0] += tp
            totals[field][1] += fp
            totals[field][2] += fn
        rows.append((seed.name[:3], per, seconds[-1], len(draft.gaps), len(draft.contradictions)))
    print(f"{'seed':<6}" + "".join(f"{f:>20}" for f in FIELDS) + f"{'seconds':>9}{'gaps':>6}{'contra':>7}")
    for name, per, secs, gaps, contra in rows:
        cells = "".join(f"{'/'.join(map(str, per[f])):>20}" for f in FIELDS)
        print(f"{name:<6}{cells}{secs:>9.2f}{gaps:>6}{contra:>7}")
    print("(cells: true positives / false positives / false negatives)\n")
    print(f"{'field':<22}{'precision':>10}{'recall':>8}{'F1':>7}")
    scores = {}
    for field in FIELDS:
        p, r, f1 = prf(*totals[field])
        scores[field] = (p, r, f1)
        print(f"{field:<22}{p:>10.2f}{r:>8.2f}{f1:>7.2f}")
    per_policy = sum(seconds) / len(seconds)
    print(f"\nseconds per policy: {per_policy:.2f} wall (max {max(seconds):.2f}), "
          f"{sum(cpu_seconds) / len(cpu_seconds):.2f} CPU (max {max(cpu_seconds):.2f}); "
          f"largest seed {max(p.stat().st_size for p in seeds) // 1000} kB")
    print("RESULT " + " ".join([
        f"categories_full_f1={scores['categories_full'][2]:.3f}",
        f"categories_2_f1={scores['categories_2'][2]:.3f}",
        f"purposes_f1={scores['purposes'][2]:.3f}",
        f"recipients_recall={scores['recipients'][1]:.3f}",
        f"retention_exact_f1={scores['retention_exact'][2]:.3f}",
        f"retention_duration_f1={scores['retention_duration'][2]:.3f}",
        f"transfer_countries_f1={scores['transfer_countries'][2]:.3f}",
        f"seconds_per_policy={per_policy:.2f}",
    ]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
