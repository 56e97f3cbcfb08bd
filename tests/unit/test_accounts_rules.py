"""The domain rules of staff accounts: permissions per role, the CNIL password rule, the lockout."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from egide.domain.accounts import (
    PERMISSIONS,
    ROLE_PERMISSIONS,
    Attempt,
    LockoutPolicy,
    Role,
    allows,
    is_locked,
    locked_until,
    password_entropy_bits,
    password_problems,
)

T0 = datetime(2026, 1, 31, 9, 0)


def test_an_auditor_may_read_everything_the_console_shows_but_change_nothing() -> None:
    reads = {p for p in PERMISSIONS if p.endswith(".read") or p == "console.view"}
    assert ROLE_PERMISSIONS[Role.auditor] == reads


def test_an_agent_works_on_requests_but_reaches_no_admin_page() -> None:
    assert allows(Role.agent, "requests.act")
    assert not allows(Role.agent, "accounts.manage")
    assert not allows(Role.agent, "register.activate")
    assert not allows(Role.agent, "audit.read")


def test_only_the_admin_manages_accounts_and_the_dpo_does_everything_else() -> None:
    assert [r for r in Role if allows(r, "accounts.manage")] == [Role.admin]
    assert ROLE_PERMISSIONS[Role.dpo] == frozenset(PERMISSIONS) - {"accounts.manage"}


def test_an_unknown_permission_fails_loudly_instead_of_denying_quietly() -> None:
    with pytest.raises(KeyError):
        allows(Role.admin, "requests.reed")


@pytest.mark.parametrize("password", ["Tr0ub4dor&3xy", "abcdefghijKLMN0123", "correct horse battery staple pony"])
def test_passwords_of_eighty_bits_or_the_cnil_example_are_accepted(password: str) -> None:
    assert password_problems(password) == []


@pytest.mark.parametrize("password", ["Password1!", "abcdefghijklmnop", "Abcdefgh1234", "aaaaaaaaaaaaaaaaaaaaaaA1!"])
def test_short_or_poor_passwords_are_refused(password: str) -> None:
    assert password_problems(password) != []


def test_twelve_characters_of_four_classes_make_about_eighty_bits() -> None:
    assert 79 < password_entropy_bits("Aa1!Aa1!Aa1!") < 80.5  # 12 x log2(99): the CNIL counts it as 80


def test_a_password_containing_the_account_name_is_refused() -> None:
    assert "it contains the account's name" in password_problems("Marie.Dupont-2026!", "marie.dupont")


def test_five_failures_in_a_row_lock_for_fifteen_minutes_after_the_last() -> None:
    failures = [Attempt(T0 + timedelta(minutes=4 - i), False) for i in range(5)]
    assert locked_until(failures, LockoutPolicy()) == T0 + timedelta(minutes=19)
    assert is_locked(failures, LockoutPolicy(), T0 + timedelta(minutes=18))
    assert not is_locked(failures, LockoutPolicy(), T0 + timedelta(minutes=19))


def test_a_success_among_the_latest_attempts_means_no_lock() -> None:
    attempts = [Attempt(T0 + timedelta(minutes=5 - i), i != 2) for i in range(6)]
    assert locked_until(attempts, LockoutPolicy()) is None
    assert locked_until(attempts[:4], LockoutPolicy()) is None  # fewer failures than the policy counts
