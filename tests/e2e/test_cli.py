"""The `egide` command as a person runs it: exit codes, JSON output, the demo."""

from __future__ import annotations

import json
import sqlite3

import pytest
from typer.testing import CliRunner

from egide.adapters.cli.main import app
from tests.conftest import EXAMPLES, dump_yaml

runner = CliRunner()


def run(*args, **kwargs):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False, **kwargs)


def test_check_validates_all_five_seed_registers_as_json():
    files = sorted(EXAMPLES.glob("*.yaml"))
    assert len(files) == 5
    result = run("register", "check", *files, "--format", "json")
    report = json.loads(result.stdout)
    assert [r["valid"] for r in report["registers"]] == [True] * 5
    assert result.exit_code == 1 == report["exit_code"]  # the seeds have error-level gaps
    for r in report["registers"]:
        for f in r["findings"]:
            assert f["line"] and f["article"] and f["fix"] and f["file"].endswith(".yaml")


def test_check_exits_0_on_a_clean_register(clean_register, tmp_path):
    result = run("register", "check", dump_yaml(clean_register, tmp_path / "r.yaml"))
    assert result.exit_code == 0, result.stdout


@pytest.mark.parametrize("mutate,needle", [
    (lambda r: r["retention"][0].update(duration="P13X"), "retention[0].duration"),
    (lambda r: r["activities"][0]["data_categories"].append({"key": "user.contact.emial"}), "did you mean 'user.contact.email'"),
    (lambda r: r["activities"][1].update(key="customers"), "duplicate key 'customers'"),
])
def test_check_exits_2_naming_file_line_and_field(clean_register, tmp_path, mutate, needle):
    mutate(clean_register)
    path = dump_yaml(clean_register, tmp_path / "bad.yaml")
    result = run("register", "check", path)
    assert result.exit_code == 2
    assert needle in result.stdout and f"{path}:" in result.stdout


def test_check_exits_2_on_bad_indentation(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("policy:\n  version: '1'\n   effective_date: 2020-01-01\n")
    result = run("register", "check", path, "--format", "json")
    assert result.exit_code == 2
    assert f"{path}:3:" in json.loads(result.stdout)["registers"][0]["error"]


def test_schema_prints_a_valid_json_schema():
    from jsonschema import Draft202012Validator
    from ruamel.yaml import YAML

    result = run("register", "schema")
    schema = json.loads(result.stdout)
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)
    for path in EXAMPLES.glob("*.yaml"):
        data = json.loads(json.dumps(YAML(typ="safe").load(path.read_text()), default=str))
        assert list(validator.iter_errors(data)) == [], path


def test_diff_flags_a_major_change(clean_register, tmp_path):
    old = dump_yaml(clean_register, tmp_path / "old.yaml")
    clean_register["retention"][0]["duration"] = "P10Y"
    new = dump_yaml(clean_register, tmp_path / "new.yaml")
    result = run("register", "diff", old, new, "--format", "json")
    assert result.exit_code == 1 and json.loads(result.stdout)["major"] is True
    assert run("register", "diff", old, old).exit_code == 0


def test_activate_refuses_an_invalid_register_and_leaves_the_store_unchanged(clean_register, tmp_path):
    data_dir = tmp_path / "data"
    assert run("--data-dir", data_dir, "init").exit_code == 0
    good = dump_yaml(clean_register, tmp_path / "good.yaml")
    assert run("--data-dir", data_dir, "register", "activate", good).exit_code == 0
    db = data_dir / "egide.db"
    before = sqlite3.connect(db).execute("SELECT count(*) FROM audit_events").fetchone()
    clean_register["retention"][0]["duration"] = "P13X"
    result = run("--data-dir", data_dir, "register", "activate", dump_yaml(clean_register, tmp_path / "bad.yaml"))
    assert result.exit_code == 2 and "retention[0].duration" in result.stderr
    assert sqlite3.connect(db).execute("SELECT count(*) FROM audit_events").fetchone() == before
    assert "Exemple SAS" in run("--data-dir", data_dir, "register", "show").stdout


def test_audit_verify_names_the_event_after_a_raw_sql_edit(clean_register, tmp_path):
    data_dir = tmp_path / "data"
    run("--data-dir", data_dir, "init")
    run("--data-dir", data_dir, "register", "activate", dump_yaml(clean_register, tmp_path / "r.yaml"))
    assert run("--data-dir", data_dir, "audit", "verify").exit_code == 0
    with sqlite3.connect(data_dir / "egide.db") as c:
        c.execute("UPDATE audit_events SET payload = '{}' WHERE seq = 2")
    result = run("--data-dir", data_dir, "audit", "verify", "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["first_break"]["seq"] == 2


def test_commands_on_a_store_that_was_never_initialised_say_what_to_do(tmp_path):
    result = run("--data-dir", tmp_path / "nothing", "audit", "verify")
    assert result.exit_code == 5 and "egide init" in result.stderr


def test_demo_runs_the_tour_and_exits(tmp_path):
    result = run("demo", "--no-serve", "--data-dir", tmp_path / "demo")
    assert result.exit_code == 0, result.stdout
    out = result.stdout
    assert "OKASIO" in out and "statement.contradicted_by_transfer" in out and "intact" in out
    assert "(access)" in out and "report: " in out and ".html" in out
    assert "invoices" in out and "proof-of-contract" in out and "L123-22" in out  # the kept invoice and why
    again = run("demo", "--no-serve", "--data-dir", tmp_path / "demo")
    assert again.exit_code == 0 and "already active" in again.stdout


def test_history_lists_versions_with_who_activated_them(clean_register, tmp_path):
    data_dir = tmp_path / "data"
    run("--data-dir", data_dir, "init")
    run("--data-dir", data_dir, "register", "activate", dump_yaml(clean_register, tmp_path / "v1.yaml"))
    clean_register["policy"]["version"] = "2026-02"
    run("--data-dir", data_dir, "register", "activate", dump_yaml(clean_register, tmp_path / "v2.yaml"))
    versions = json.loads(run("--data-dir", data_dir, "register", "history", "--format", "json").stdout)
    assert [(v["label"], v["active"]) for v in versions] == [("2026-01", False), ("2026-02", True)]
    assert all(v["activated_by"] and v["sha256"] for v in versions)
