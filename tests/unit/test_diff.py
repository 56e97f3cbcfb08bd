from __future__ import annotations

import copy

from egide.register.diff import Impact, diff_registers, is_major
from tests.unit.registers import load_dict


def kinds(changes):
    return {(c.kind, c.impact) for c in changes}


def pair(clean_register, tmp_path, change):
    new = copy.deepcopy(clean_register)
    change(new)
    return load_dict(clean_register, tmp_path, "old.yaml").register, load_dict(new, tmp_path, "new.yaml").register


def test_the_same_register_has_no_change(clean_register, tmp_path):
    old, new = pair(clean_register, tmp_path, lambda r: None)
    assert diff_registers(old, new) == []


def test_a_new_purpose_is_major(clean_register, tmp_path):
    old, new = pair(clean_register, tmp_path, lambda r: r["activities"][0]["purposes"].append(
        {"use": "analytics.reporting", "legal_basis": "legitimate_interests", "legitimate_interest": "x"}))
    changes = diff_registers(old, new)
    assert ("purpose_added", Impact.major) in kinds(changes) and is_major(changes)


def test_a_longer_retention_is_major_and_a_shorter_one_minor(clean_register, tmp_path):
    old, new = pair(clean_register, tmp_path, lambda r: r["retention"][0].update(duration="P10Y"))
    assert kinds(diff_registers(old, new)) == {("retention_longer", Impact.major)}
    old, new = pair(clean_register, tmp_path, lambda r: r["retention"][0].update(duration="P1Y"))
    changes = diff_registers(old, new)
    assert kinds(changes) == {("retention_shorter", Impact.minor)} and not is_major(changes)


def test_a_new_transfer_and_recipient_are_major(clean_register, tmp_path):
    def add_transfer(r):
        r["recipients"].append({"key": "google", "name": "Google LLC", "kind": "processor", "country": "US"})
        r["activities"][0]["recipients"].append("google")
        r["activities"][0]["transfers"] = [{"country": "US", "recipient": "google", "safeguard": "adequacy"}]
    old, new = pair(clean_register, tmp_path, add_transfer)
    assert {("transfer_added", Impact.major), ("recipient_added", Impact.major)} <= kinds(diff_registers(old, new))


def test_a_changed_legal_basis_is_major(clean_register, tmp_path):
    old, new = pair(clean_register, tmp_path, lambda r: r["activities"][1]["purposes"][0].update(
        legal_basis="legitimate_interests", legitimate_interest="x"))
    assert ("legal_basis_changed", Impact.major) in kinds(diff_registers(old, new))


def test_a_dropped_activity_is_minor(clean_register, tmp_path):
    def drop(r):
        del r["activities"][1]
        del r["retention"][1]
    old, new = pair(clean_register, tmp_path, drop)
    changes = diff_registers(old, new)
    assert ("activity_removed", Impact.minor) in kinds(changes)
    assert ("retention_removed", Impact.major) in kinds(changes)  # what it covered may now be kept
