"""One-time codes: six digits from `secrets`, a keyed hash bound to the request, 15 minutes, five tries."""

from __future__ import annotations

import os
from datetime import datetime, timedelta

from egide.adapters.keyring import Keyring
from egide.domain.verification import (
    CODE_LIFETIME,
    MAX_ATTEMPTS,
    CodeCheck,
    IssuedCode,
    check_code,
    new_code,
    normalised_code,
)

KEYS = Keyring(os.urandom(32), os.urandom(32), os.urandom(32))
NOW = datetime(2026, 1, 31, 9, 30)


def issued(code="123456", attempts=0, used_at=None, request_id="r1"):
    return IssuedCode("c1", KEYS.code_hash(request_id, code), NOW, NOW + CODE_LIFETIME, attempts, used_at)


def test_codes_are_six_digits_and_vary():
    codes = [new_code() for _ in range(2000)]
    assert all(len(c) == 6 and c.isdigit() for c in codes)
    assert len(set(codes)) > 1900
    assert any(c.startswith("0") for c in codes)  # leading zeros are kept


def test_the_hash_is_keyed_and_bound_to_the_request():
    assert KEYS.code_hash("r1", "123456") == KEYS.code_hash("r1", "123456")
    assert KEYS.code_hash("r1", "123456") != KEYS.code_hash("r2", "123456")
    other = Keyring(os.urandom(32), os.urandom(32), os.urandom(32))
    assert other.code_hash("r1", "123456") != KEYS.code_hash("r1", "123456")
    assert "123456" not in KEYS.code_hash("r1", "123456")


def test_the_right_code_within_fifteen_minutes_is_accepted():
    assert check_code(issued(), KEYS.code_hash("r1", "123456"), NOW + timedelta(minutes=15)) is CodeCheck.accepted


def test_a_wrong_code_is_wrong_and_a_late_one_expired():
    assert check_code(issued(), KEYS.code_hash("r1", "654321"), NOW) is CodeCheck.wrong
    late = NOW + CODE_LIFETIME + timedelta(seconds=1)
    assert check_code(issued(), KEYS.code_hash("r1", "123456"), late) is CodeCheck.expired


def test_after_five_attempts_even_the_right_code_is_locked():
    right = KEYS.code_hash("r1", "123456")
    assert check_code(issued(attempts=MAX_ATTEMPTS - 1), right, NOW) is CodeCheck.accepted
    assert check_code(issued(attempts=MAX_ATTEMPTS), right, NOW) is CodeCheck.locked


def test_a_used_code_cannot_be_used_again():
    assert check_code(issued(used_at=NOW), KEYS.code_hash("r1", "123456"), NOW) is CodeCheck.used


def test_spaces_and_dashes_people_type_are_ignored():
    assert normalised_code(" 123 456 ") == normalised_code("123-456") == "123456"
