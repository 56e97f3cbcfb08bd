"""A bad dataset file gets errors naming its file, line and field; a good one loads."""

from __future__ import annotations

import pytest

from egide.datasets.loader import load_dataset, parse_dataset
from egide.domain.errors import InvalidInputError, UnreadableInputError
from tests.conftest import dump_yaml
from tests.unit.datasets import line_of, load_dict, small


def problems_of(path):
    with pytest.raises(InvalidInputError) as caught:
        load_dataset(path)
    return caught.value.problems


def test_loads_a_small_dataset_and_keeps_its_text(tmp_path):
    loaded = load_dict(small(), tmp_path)
    assert loaded.dataset.name == "small" and loaded.origin == "egide" and len(loaded.sha256) == 64
    assert loaded.directory == tmp_path.resolve()


def test_an_unknown_field_is_placed_at_its_line_with_a_suggestion(tmp_path):
    data = small()
    data["tables"][1]["columns"][1]["referencess"] = "customers.id"
    path = dump_yaml(data, tmp_path / "d.yaml")
    [problem] = problems_of(path)
    assert problem.path == "tables[1].columns[1].referencess"
    assert problem.hint == "did you mean 'references'?"
    assert "referencess" in line_of(path, problem.line) and problem.file == str(path)


def test_a_wrong_enum_value_lists_what_is_allowed(tmp_path):
    data = small()
    data["tables"][0]["columns"][0]["identity"] = "passport"
    path = dump_yaml(data, tmp_path / "d.yaml")
    [problem] = problems_of(path)
    assert "'passport' is not allowed" in problem.message and "customer_id" in problem.hint
    assert "passport" in line_of(path, problem.line)


def test_a_reference_to_a_table_the_file_does_not_annotate_is_refused_with_a_suggestion(tmp_path):
    data = small()
    data["tables"][1]["columns"][1]["references"] = "customer.id"
    path = dump_yaml(data, tmp_path / "d.yaml")
    [problem] = problems_of(path)
    assert problem.path == "tables[1].columns[1].references"
    assert "no table 'customer'" in problem.message and problem.hint == "did you mean 'customers'?"
    assert "customer.id" in line_of(path, problem.line)


def test_a_reference_to_an_unknown_column_is_refused(tmp_path):
    data = small()
    data["tables"][1]["columns"][1]["references"] = "customers.identifier"
    [problem] = problems_of(dump_yaml(data, tmp_path / "d.yaml"))
    assert "has no column 'identifier'" in problem.message


def test_duplicate_tables_and_columns_and_stray_primary_keys_are_each_reported(tmp_path):
    data = small()
    data["tables"].append({"name": "orders", "columns": [{"name": "id"}, {"name": "id"}], "primary_key": ["uid"]})
    path = dump_yaml(data, tmp_path / "d.yaml")
    messages = sorted(p.message for p in problems_of(path))
    assert messages == ["column 'id' is declared twice", "primary key column 'uid' is not a column of table 'orders'",
                        "table 'orders' is declared twice"]


def test_a_table_or_column_name_the_database_cannot_spell_is_refused(tmp_path):
    data = small()
    data["tables"][0]["columns"][0]["name"] = "2nd id"
    [problem] = problems_of(dump_yaml(data, tmp_path / "d.yaml"))
    assert problem.message == "'2nd id' is not a table or column name"


def test_an_empty_dataset_is_refused(tmp_path):
    [problem] = problems_of(dump_yaml({"name": "empty"}, tmp_path / "d.yaml"))
    assert "no table and no log directory" in problem.message


def test_bad_yaml_names_the_line(tmp_path):
    path = tmp_path / "d.yaml"
    path.write_text("name: shop\ntables:\n  - name: t\n   columns: []\n", encoding="utf-8")
    with pytest.raises(UnreadableInputError) as caught:
        load_dataset(path)
    assert f"{path}:4:" in caught.value.message and "not valid YAML" in caught.value.message


def test_a_duplicate_key_is_refused_at_its_line(tmp_path):
    with pytest.raises(InvalidInputError) as caught:
        parse_dataset("name: shop\nname: other\n", "d.yaml")
    [problem] = caught.value.problems
    assert problem.line == 2 and "duplicate key 'name'" in problem.message


@pytest.mark.parametrize("content,message", [
    (None, "no such file"),
    (b"\x00\x01binary", "binary file"),
    (b"name: caf\xe9\n", "not UTF-8"),
])
def test_unreadable_files_say_why(tmp_path, content, message):
    path = tmp_path / "d.yaml"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(UnreadableInputError, match=message):
        load_dataset(path)


def test_a_directory_is_not_a_dataset(tmp_path):
    with pytest.raises(UnreadableInputError, match="is a directory"):
        load_dataset(tmp_path)


def test_a_list_is_not_a_dataset():
    with pytest.raises(InvalidInputError, match="a dataset is a YAML mapping"):
        parse_dataset("- a\n- b\n", "d.yaml")
