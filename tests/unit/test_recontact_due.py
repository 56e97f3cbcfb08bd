"""Who is due for re-contact: the clock plus the period, one contact per clock cycle, a keep answer
restarting the clock, a forget answer ending it."""

from __future__ import annotations

from datetime import datetime, timedelta

from egide.domain.recontact import Contact, effective_clock, is_due

CLOCK = datetime(2023, 1, 30, 9, 30)
LIMIT = datetime(2023, 1, 31, 9, 30)  # now minus the re-contact period


def _contact(clock_at=CLOCK, answer=None, answered_at=None) -> Contact:
    return Contact("id", "RC-1", "prospect-data", "shop", "prospects", '["1"]', clock_at, "fr",
                   datetime(2026, 2, 1), True, answer=answer, answered_at=answered_at)


def test_a_row_is_due_once_its_clock_is_at_or_before_the_limit():
    assert is_due(CLOCK, LIMIT, None)
    assert is_due(LIMIT, LIMIT, None)
    assert not is_due(LIMIT + timedelta(seconds=1), LIMIT, None)


def test_a_person_contacted_in_this_cycle_is_not_due_again_while_the_answer_is_awaited():
    assert not is_due(CLOCK, LIMIT, _contact())


def test_a_new_cycle_after_a_contact_is_due_again():
    assert is_due(CLOCK + timedelta(hours=1), LIMIT, _contact(clock_at=CLOCK))


def test_a_forget_answer_ends_the_cycle():
    assert not is_due(CLOCK, LIMIT, _contact(answer="forget", answered_at=datetime(2026, 2, 2)))


def test_a_keep_answer_restarts_the_clock_at_the_answer():
    answered = datetime(2026, 2, 2)
    clock = effective_clock(CLOCK, answered)
    assert clock == answered
    # the limit is now minus the period: due only once the period has run from the answer
    assert not is_due(clock, datetime(2026, 2, 1), _contact(answer="keep", answered_at=answered))
    assert is_due(clock, datetime(2026, 2, 2), _contact(answer="keep", answered_at=answered))


def test_a_clock_later_than_the_keep_answer_wins():
    assert effective_clock(datetime(2027, 1, 1), datetime(2026, 2, 2)) == datetime(2027, 1, 1)
