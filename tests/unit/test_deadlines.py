"""The legal clock: calendar months from receipt, suspensions, extensions (art. 12(3) and 12(6))."""

from __future__ import annotations

from datetime import date

import pytest

from egide.domain.deadlines import Deadline, Suspension, due_date
from egide.domain.durations import Duration
from egide.domain.errors import ConflictError, InvalidInputError

P1M, P2M = Duration(months=1), Duration(months=2)


@pytest.mark.parametrize(("received", "due"), [
    (date(2026, 1, 31), date(2026, 2, 28)),
    (date(2028, 1, 31), date(2028, 2, 29)),  # leap year
    (date(2026, 11, 30), date(2026, 12, 30)),
    (date(2026, 12, 31), date(2027, 1, 31)),
    (date(2026, 3, 31), date(2026, 4, 30)),
    (date(2026, 2, 28), date(2026, 3, 28)),
    (date(2026, 1, 15), date(2026, 2, 15)),
])
def test_the_period_ends_on_the_same_day_number_of_the_next_month_or_its_last_day(received, due):
    assert due_date(received) == due
    assert Deadline(received).due(received) == due


def test_a_ten_day_suspension_pushes_the_due_date_by_ten_days():
    deadline = Deadline(date(2026, 1, 31), (Suspension(date(2026, 2, 2), date(2026, 2, 12)),))
    assert deadline.due(date(2026, 3, 1)) == date(2026, 3, 10)
    assert deadline.suspended_days(date(2026, 3, 1)) == 10


def test_a_suspension_ended_the_same_day_adds_nothing():
    deadline = Deadline(date(2026, 1, 31), (Suspension(date(2026, 1, 31), date(2026, 1, 31)),))
    assert deadline.due(date(2026, 2, 1)) == date(2026, 2, 28)


def test_an_open_suspension_keeps_the_days_left_standing_still():
    deadline = Deadline(date(2026, 1, 31), (Suspension(date(2026, 2, 5)),))
    assert deadline.is_suspended(date(2026, 2, 20))
    assert deadline.days_left(date(2026, 2, 10)) == deadline.days_left(date(2026, 2, 25)) == 23


def test_overlapping_suspensions_are_counted_once():
    deadline = Deadline(date(2026, 1, 31), (Suspension(date(2026, 2, 2), date(2026, 2, 12)),
                                            Suspension(date(2026, 2, 10), date(2026, 2, 14))))
    assert deadline.suspended_days(date(2026, 3, 1)) == 12


def test_a_suspension_started_after_the_due_date_cannot_rescue_a_late_answer():
    deadline = Deadline(date(2026, 1, 31), (Suspension(date(2026, 3, 5), date(2026, 3, 20)),))
    assert deadline.due(date(2026, 4, 1)) == date(2026, 2, 28)
    assert deadline.overdue(date(2026, 4, 1))


def test_days_left_and_overdue():
    deadline = Deadline(date(2026, 1, 31))
    assert deadline.days_left(date(2026, 2, 28)) == 0 and not deadline.overdue(date(2026, 2, 28))
    assert deadline.days_left(date(2026, 3, 1)) == -1 and deadline.overdue(date(2026, 3, 1))


def test_an_extension_of_two_months_counts_from_the_first_due_date():
    extended = Deadline(date(2026, 1, 31)).extended(P2M, "14 systems to search", date(2026, 2, 10))
    assert extended.extension == P2M
    assert extended.due(date(2026, 2, 10)) == date(2026, 4, 28)


def test_two_extensions_of_one_month_may_add_up_to_two_but_no_more():
    deadline = Deadline(date(2026, 1, 31)).extended(P1M, "volume", date(2026, 2, 1))
    deadline = deadline.extended(P1M, "still more", date(2026, 2, 2))
    assert deadline.extension == P2M
    with pytest.raises(InvalidInputError, match="P2M1D in total is beyond the two further months.*P2M already granted"):
        deadline.extended(Duration(days=1), "one more day", date(2026, 2, 3))


def test_an_extension_beyond_two_months_is_refused():
    with pytest.raises(InvalidInputError, match="beyond the two further months art. 12\\(3\\) allows"):
        Deadline(date(2026, 1, 31)).extended(Duration(months=3), "too much", date(2026, 2, 1))


def test_an_extension_needs_its_reasons():
    with pytest.raises(InvalidInputError, match="needs its reasons"):
        Deadline(date(2026, 1, 31)).extended(P2M, "  ", date(2026, 2, 1))


def test_an_extension_may_be_decided_on_the_last_day_of_the_first_month_not_after():
    deadline = Deadline(date(2026, 1, 31))
    assert deadline.extended(P1M, "complex", date(2026, 2, 28)).due(date(2026, 2, 28)) == date(2026, 3, 28)
    with pytest.raises(ConflictError, match="too late to extend: the first month ended on 2026-02-28"):
        deadline.extended(P1M, "complex", date(2026, 3, 1))


def test_a_suspension_also_moves_the_last_day_to_announce_an_extension():
    deadline = Deadline(date(2026, 1, 31), (Suspension(date(2026, 2, 2), date(2026, 2, 12)),))
    assert deadline.first_due(date(2026, 3, 5)) == date(2026, 3, 10)
    assert deadline.extended(P1M, "complex", date(2026, 3, 5)).due(date(2026, 3, 5)) == date(2026, 4, 7)
