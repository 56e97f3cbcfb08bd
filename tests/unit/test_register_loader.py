"""Bad registers get an error naming file, line, column and field; good ones load."""

from __future__ import annotations

import pytest

from egide.domain.errors import InvalidInputError, UnreadableInputError
from egide.register.loader import load_register, parse_register
from tests.conftest import dump_yaml


def write(tmp_path, text, name="register.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path):
    with pytest.raises(InvalidInputError) as caught:
        load_register(path)
    return caught.value.problems


def test_loads_the_clean_register(clean_register, tmp_path):
    loaded = load_register(dump_yaml(clean_register, tmp_path / "r.yaml"))
    assert loaded.register.controller.name == "Exemple SAS" and len(loaded.sha256) == 64


def test_bad_indentation_names_the_line(tmp_path):
    path = write(tmp_path, "policy:\n  version: '1'\n   effective_date: 2020-01-01\n")
    with pytest.raises(UnreadableInputError) as caught:
        load_register(path)
    assert f"{path}:3:" in caught.value.message and "not valid YAML" in caught.value.message


def test_unknown_taxonomy_key_is_placed_and_gets_a_suggestion(clean_register, tmp_path):
    clean_register["activities"][0]["data_categories"][0] = {"key": "user.contact.emial"}
    path = dump_yaml(clean_register, tmp_path / "r.yaml")
    [problem] = problems_of(path)
    assert problem.path == "activities[0].data_categories[0].key"
    assert "'user.contact.email'" in problem.hint
    line = path.read_text().splitlines()[problem.line - 1]
    assert "user.contact.emial" in line


def test_unknown_data_use_suggests_the_closest_key(clean_register, tmp_path):
    clean_register["activities"][1]["purposes"][0]["use"] = "marketing.communication.email"
    [problem] = problems_of(dump_yaml(clean_register, tmp_path / "r.yaml"))
    assert "marketing.communications.email" in problem.hint


def test_a_malformed_duration_is_refused_at_its_line(clean_register, tmp_path):
    clean_register["retention"][0]["duration"] = "P13X"
    path = dump_yaml(clean_register, tmp_path / "r.yaml")
    [problem] = problems_of(path)
    assert problem.path == "retention[0].duration" and "P13X" in problem.message
    assert "P13X" in path.read_text().splitlines()[problem.line - 1]


def test_a_duplicate_activity_key_is_refused(clean_register, tmp_path):
    clean_register["activities"][1]["key"] = "customers"
    clean_register["retention"][1]["activities"] = ["customers"]
    [problem] = problems_of(dump_yaml(clean_register, tmp_path / "r.yaml"))
    assert problem.path == "activities[1].key" and "duplicate key 'customers'" in problem.message


def test_a_duplicate_yaml_key_is_refused_with_its_line(tmp_path):
    path = write(tmp_path, "policy:\n  version: '1'\n  version: '2'\n")
    with pytest.raises(InvalidInputError) as caught:
        load_register(path)
    assert caught.value.problems[0].line == 3


def test_an_unknown_field_is_named_with_a_suggestion(clean_register, tmp_path):
    clean_register["retention"][0]["durration"] = clean_register["retention"][0].pop("duration")
    problems = problems_of(dump_yaml(clean_register, tmp_path / "r.yaml"))
    unknown = [p for p in problems if "unknown field 'durration'" in p.message]
    assert unknown and unknown[0].hint == "did you mean 'duration'?"


def test_a_wrong_enum_value_lists_the_allowed_ones(clean_register, tmp_path):
    clean_register["activities"][0]["purposes"][0]["legal_basis"] = "contrat"
    [problem] = problems_of(dump_yaml(clean_register, tmp_path / "r.yaml"))
    assert problem.path == "activities[0].purposes[0].legal_basis" and "'contract'" in problem.hint


def test_a_reference_to_a_missing_recipient_is_refused(clean_register, tmp_path):
    clean_register["activities"][0]["recipients"] = ["hostng"]
    [problem] = problems_of(dump_yaml(clean_register, tmp_path / "r.yaml"))
    assert "no recipient with key 'hostng'" in problem.message and problem.hint == "did you mean 'hosting'?"


def test_a_custom_category_must_sit_under_a_known_parent(clean_register, tmp_path):
    clean_register["taxonomy"] = {"data_categories": [{"key": "user.financial.credit_score", "parent": "user.finance"}]}
    problems = problems_of(dump_yaml(clean_register, tmp_path / "r.yaml"))
    assert any(p.path == "taxonomy.data_categories[0].parent" for p in problems)


def test_a_declared_custom_category_is_accepted(clean_register, tmp_path):
    clean_register["taxonomy"] = {"data_categories": [{"key": "user.financial.credit_score", "parent": "user.financial"}]}
    clean_register["activities"][0]["data_categories"].append({"key": "user.financial.credit_score"})
    load_register(dump_yaml(clean_register, tmp_path / "r.yaml"))


def test_a_legal_obligation_rule_cannot_last_zero_days(clean_register, tmp_path):
    clean_register["retention"][0].update(duration="P0D", legal_basis="legal_obligation",
                                          legal_reference="Code de commerce, art. L123-22")
    [problem] = problems_of(dump_yaml(clean_register, tmp_path / "r.yaml"))
    assert "zero duration" in problem.message and problem.path == "retention[0]"


@pytest.mark.parametrize("content,message", [
    (b"", "not a mapping"),
    (b"\x00\x01\x02binary", "binary"),
    (b"\xff\xfe not utf8", "UTF-8"),
    (b"- just\n- a list\n", "not a mapping"),
])
def test_unreadable_files_get_a_clear_message(tmp_path, content, message):
    path = tmp_path / "r.yaml"
    path.write_bytes(content)
    with pytest.raises((UnreadableInputError, InvalidInputError)) as caught:
        load_register(path)
    assert message in str(caught.value)


def test_a_missing_file_is_unreadable(tmp_path):
    with pytest.raises(UnreadableInputError, match="no such file"):
        load_register(tmp_path / "nope.yaml")


def test_the_hash_is_the_hash_of_the_text(clean_register, tmp_path):
    import hashlib

    path = dump_yaml(clean_register, tmp_path / "r.yaml")
    assert parse_register(path.read_text()).sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
