"""`egide breach ...` and `egide audit purge` through the CLI runner, on SQLite."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from egide.adapters.cli.main import app
from tests.conftest import EXAMPLES

runner = CliRunner()


@pytest.fixture
def cli(tmp_path):
    data_dir = tmp_path / "egide"

    def run(*args):
        return runner.invoke(app, ["--data-dir", str(data_dir), *[str(a) for a in args]], catch_exceptions=False)

    assert run("init").exit_code == 0
    assert run("register", "activate", EXAMPLES / "004-bureau24.yaml").exit_code == 0
    return run


RECORD = ("breach", "record", "--nature", "confidentiality", "--origin", "external_malicious",
          "--description", "Injection SQL sur le portail", "--data-category", "civil_status",
          "--data-category", "economic_financial", "--subject-category", "customers", "--people", "250",
          "--records", "300", "--consequences", "Fraude possible", "--measures", "Faille corrigée")


def _reference(output: str) -> str:
    return output.split()[0]


def test_a_breach_recorded_holds_the_logs_and_its_export_names_the_cnil_fields(cli):
    result = cli(*RECORD, "--hold-logs")
    assert result.exit_code == 0, result.output
    reference = _reference(result.stdout)
    assert reference.startswith("BR-") and "notify the authority by" in result.stdout
    assert "the people must be told" in result.stdout and "logs held" in result.stdout
    assert "security_incident" in cli("retention", "hold", "list").stdout
    exported = json.loads(cli("breach", "export", reference).stdout)
    fields = {f["field"]: f["value"] for f in exported["fields"]}
    assert fields["Nombre approximatif de personnes concernées"] == 250
    assert fields["Nature de la violation"] == ["Perte de confidentialité"]
    assert fields["Responsable de traitement"] and exported["tell_people"] is True
    rows = list(csv.DictReader(io.StringIO(cli("breach", "export", reference, "--format", "csv").stdout)))
    assert {"section", "champ", "key", "valeur"} == set(rows[0])
    assert next(r for r in rows if r["key"] == "data_categories")["valeur"] == "civil_status | economic_financial"
    assert "authority notified" in cli("breach", "notify", reference, "--authority-reference", "N-1").stdout
    assert "people told" in cli("breach", "told", reference, "--how", "email").stdout
    assert cli("breach", "resolve", reference).exit_code == 0
    assert "no open breach" in cli("breach", "list").stdout and reference in cli("breach", "list", "--all").stdout
    assert "no legal hold in force" in cli("retention", "hold", "list").stdout
    assert cli("audit", "verify").exit_code == 0


def test_an_unknown_nature_is_refused_naming_the_field(cli):
    result = cli("breach", "record", *RECORD[2:4], "--nature", "leak", *RECORD[4:])
    assert result.exit_code == 2 and "natures" in result.output
    assert "no breach" in cli("breach", "list", "--all").stdout


def test_audit_purge_refuses_a_retention_outside_six_to_twelve_months(cli):
    result = cli("audit", "purge", "--months", "24")
    assert result.exit_code == 2 and "audit_retention_months" in result.output
    assert "nothing to purge" in cli("audit", "purge").stdout
    assert cli("audit", "verify").exit_code == 0
