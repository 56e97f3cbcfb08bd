"""The size of a retention step's next batch: as many rows as fit the target time at the pace of
the previous batch, never more than twice it, never more than the most a batch may take."""

from __future__ import annotations

from egide.services.retention.run import FIRST_BATCH, Pace


def test_the_first_batch_is_small_and_never_above_the_most():
    assert Pace(50_000, 250).size == FIRST_BATCH
    assert Pace(7, 250).size == 7


def test_fast_batches_double_the_size_up_to_the_most():
    pace = Pace(5000, 250)
    sizes = []
    for _ in range(5):
        pace.after(pace.size, 10.0)  # far under the target
        sizes.append(pace.size)
    assert sizes == [2000, 4000, 5000, 5000, 5000]


def test_the_size_follows_the_pace_towards_the_target():
    pace = Pace(50_000, 250)
    pace.after(1000, 100.0)  # 10 rows a ms: 2,500 rows fit, and at most twice 1,000
    assert pace.size == 2000
    pace.after(2000, 160.0)  # 12.5 rows a ms: 3,125 rows fit
    assert pace.size == 3125


def test_a_slow_batch_shrinks_the_next_at_once():
    pace = Pace(50_000, 250)
    pace.size = 40_000
    pace.after(40_000, 2000.0)  # eight times the target: an eighth of the rows
    assert pace.size == 5000


def test_a_batch_cut_short_says_nothing_about_the_pace():
    pace = Pace(50_000, 250)
    pace.after(3, 0.5)  # the last rows of a step
    assert pace.size == FIRST_BATCH
