"""`egide dataset` as a person runs it: exit codes, JSON output, the Fides import."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from typer.testing import CliRunner

from egide.adapters.cli.main import app
from egide.datasets.loader import parse_dataset
from egide.demo.shop import build_shop
from tests.conftest import EXAMPLES, ROOT, dump_yaml, load_yaml

SHOP_DATASET = ROOT / "examples" / "datasets" / "shop.yaml"
FIDES_SHOP = ROOT / "examples" / "datasets" / "fides-shop.yml"
OKASIO = EXAMPLES / "002-okasio.yaml"
runner = CliRunner()


def run(*args, **kwargs):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False, **kwargs)


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    directory = tmp_path_factory.mktemp("shop")
    build_shop(directory / "shop.db", customers=40, now=datetime(2026, 1, 31, tzinfo=timezone.utc), log_days=3)
    return directory


def test_check_of_the_example_against_the_register_and_the_live_shop_exits_0(shop):
    result = run("dataset", "check", SHOP_DATASET, "--register", OKASIO, "--database-url",
                 f"sqlite:///{shop / 'shop.db'}", "--log-root", shop, "--format", "json")
    report = json.loads(result.stdout)
    assert result.exit_code == 0 == report["exit_code"]
    assert report["counts"] == {"error": 0, "warning": 3, "info": 1}  # retention.no_clock and two undeclared categories
    assert report["erasure_order"].index("order_items") < report["erasure_order"].index("orders")
    [by_email] = [p for p in report["identity_paths"]["invoices"] if p["identity"] == "customers.email"]
    assert by_email["joins"] == ["invoices.order_id = orders.id", "orders.customer_id = customers.id"]


def test_check_reads_the_database_url_from_the_variable_the_file_names(shop, monkeypatch):
    monkeypatch.setenv("SHOP_DATABASE_URL", f"sqlite:///{shop / 'shop.db'}")
    result = run("dataset", "check", SHOP_DATASET, "--log-root", shop)
    assert result.exit_code == 0, result.stdout
    assert "database sqlite:///" in result.stdout and "no register (--register)" in result.stdout


def test_check_exits_1_on_an_error_finding_and_shows_the_line_and_fix(shop, tmp_path):
    data = load_yaml(SHOP_DATASET)
    data["tables"][0]["columns"][1]["name"] = "e_mail"
    path = dump_yaml(data, tmp_path / "shop.yaml")
    result = run("dataset", "check", path, "--database-url", f"sqlite:///{shop / 'shop.db'}")
    assert result.exit_code == 1
    assert f"{path}:" in result.stdout and "column customers.e_mail is not in the database" in result.stdout
    assert "fix: did you mean 'email'?" in result.stdout


@pytest.mark.parametrize("args,needle", [
    (["--database-url", "sqlite:///{dir}/absent.db"], "no such SQLite database file"),
    (["--register", "{dir}/absent.yaml"], "no such file"),
])
def test_check_exits_2_on_unreadable_input(shop, args, needle):
    result = run("dataset", "check", SHOP_DATASET, *[a.format(dir=shop) for a in args], "--format", "json")
    report = json.loads(result.stdout)
    assert result.exit_code == 2 == report["exit_code"] and needle in report["error"] and not report["valid"]


def test_check_exits_2_on_an_invalid_file_with_its_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("name: shop\ntables:\n  - name: t\n    columns:\n      - name: a\n        clock: collection\n",
                    encoding="utf-8")
    result = run("dataset", "check", path)
    assert result.exit_code == 2
    assert f"{path}:6:9: tables[0].columns[0].clock: unknown field 'clock' (did you mean 'clocks'?)" in result.stdout


def test_import_fides_prints_a_dataset_that_loads_back(tmp_path):
    result = runner.invoke(app, ["dataset", "import-fides", str(FIDES_SHOP), "--register", str(OKASIO)])
    assert result.exit_code == 0, result.output
    loaded = parse_dataset(result.stdout, "imported.yaml")
    assert [t.activities for t in loaded.dataset.tables] == [["services-and-accounts"], ["customer-management"],
                                                            ["prospecting"]]
    assert "references: customers.id" in result.stdout and "identity: email" in result.stdout


def test_import_fides_reports_what_did_not_map_on_stderr(tmp_path):
    result = runner.invoke(app, ["dataset", "import-fides", str(FIDES_SHOP)])
    assert result.exit_code == 0
    assert "note: " in result.stderr and "data uses sales are not mapped to activities" in result.stderr
    assert "note" not in result.stdout
