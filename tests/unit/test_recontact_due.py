"""Who is due for re-contact: the clock plus the period, one contact per clock cycle, a keep answer
restarting the clock, a forget answer ending it."""

from __future__ import annotations

from datetime import datetime, timedelta

from egide.domain.durations import Duration
from egide.domain.recontact import Contact, Waiting, effective_clock, is_due, waiting

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


# --- what a re-contact keeps from a retention run ---------------------------------------------------

NOW = datetime(2026, 2, 10)  # the contact (1 February) was answered by nobody yet
MONTH = Duration.parse("P1M")


def test_a_row_due_for_recontact_and_not_contacted_is_kept_until_it_is():
    assert waiting(CLOCK, LIMIT, None, NOW, MONTH, LIMIT) is Waiting.contact


def test_a_contacted_row_is_kept_until_the_answer_period_is_over():
    assert waiting(CLOCK, LIMIT, _contact(), NOW, MONTH, LIMIT) is Waiting.answer
    assert waiting(CLOCK, LIMIT, _contact(), datetime(2026, 3, 1), MONTH, LIMIT) is None  # 1 Feb + P1M


def test_forget_releases_the_row_and_keep_keeps_it_for_another_period():
    assert waiting(CLOCK, LIMIT, _contact(answer="forget", answered_at=NOW), NOW, MONTH, LIMIT) is None
    answered = datetime(2026, 2, 5)
    kept = _contact(answer="keep", answered_at=answered)
    clock = effective_clock(CLOCK, answered)
    assert waiting(clock, LIMIT, kept, NOW, MONTH, LIMIT) is Waiting.keep
    assert waiting(clock, LIMIT, kept, NOW, MONTH, answered) is None  # its period has run again


def test_a_row_not_yet_past_the_recontact_period_is_left_to_the_retention_rules():
    assert waiting(LIMIT + timedelta(days=1), LIMIT, None, NOW, MONTH, LIMIT) is None
