"""How close `egide register import` comes to the hand-written registers of the five seed policies.

    .venv/bin/python bench/import_fidelity.py

For each seed in ../shared/seeds, the draft is compared with examples/registers/NNN-*.yaml, field by
field, micro-averaged over the five seeds (true positives, false positives and false negatives added
up before precision, recall and F1 are computed). The comparators (categories at full depth and cut to
two levels, purposes, recipients by name, retention with and without its clock, transfer countries)
are those of egide.notice.importer.fidelity, which the round-trip test uses too.

Seconds per policy is the wall time of the import (read, extract, assemble, validate) per seed.
The last line is machine-readable: RESULT key=value ...
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from egide.notice.importer import draft_from_file  # noqa: E402
from egide.notice.importer.fidelity import FIELDS, compare, prf  # noqa: E402
from egide.register.loader import load_register  # noqa: E402
from egide.register.model import Register  # noqa: E402

SEEDS = ROOT.parent / "shared" / "seeds"
GOLD = ROOT / "examples" / "registers"


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
        per = compare(gold, model)
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
