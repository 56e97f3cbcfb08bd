"""`egide retention plan|run|report|hold` on the sample shop database, through the CLI runner."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone

import pytest
from typer.testing import CliRunner

from egide.adapters.cli.main import app
from egide.demo.shop import build_shop
from tests.conftest import EXAMPLES, ROOT

runner = CliRunner()
SHOP_DATASET = ROOT / "examples" / "datasets" / "shop.yaml"
NOW = datetime(2026, 1, 31, 9, 30, tzinfo=timezone.utc)


@pytest.fixture
def shop(tmp_path, monkeypatch):
    db = tmp_path / "shop" / "shop.db"
    build_shop(db, customers=40, now=NOW)
    monkeypatch.setenv("SHOP_DATABASE_URL", f"sqlite:///{db}")
    monkeypatch.delenv("SHOP_ARCHIVE_URL", raising=False)
    data_dir = tmp_path / "egide"

    def cli(*args):
        return runner.invoke(app, ["--data-dir", str(data_dir), *[str(a) for a in args]], catch_exceptions=False)

    assert cli("init").exit_code == 0
    assert cli("register", "activate", EXAMPLES / "002-okasio.yaml").exit_code == 0
    return cli, db, data_dir


def _count(db, table):
    with sqlite3.connect(db) as c:
        return c.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_the_plan_shows_each_rules_effect_and_changes_nothing(shop):
    cli, db, _ = shop
    prospects = _count(db, "prospects")
    result = cli("retention", "plan", "--dataset", SHOP_DATASET, "--at", "2026-01-31")
    assert result.exit_code == 0, result.output
    assert "decided by proof-of-contract" in result.stdout and "prospect-data" in result.stdout
    plan = json.loads(cli("retention", "plan", "--dataset", SHOP_DATASET, "--at", "2026-01-31",
                          "--format", "json").stdout)
    due = next(c for c in plan["counts"] if c["table"] == "prospects" and c["action"] == "delete")
    assert due["held"] > 0 and len(due["examples"]) <= 3  # past three years, but asked first (re-contact)
    assert any(n.startswith("shop/prospects:") and "wait to be contacted" in n for n in plan["notes"])
    assert _count(db, "prospects") == prospects


def test_a_run_applies_the_plan_writes_its_report_and_lists_it(shop):
    cli, db, data_dir = shop
    plan = json.loads(cli("retention", "plan", "--dataset", SHOP_DATASET, "--at", "2026-01-31",
                          "--format", "json").stdout)
    due = next(c for c in plan["counts"] if c["table"] == "prospects" and c["action"] == "delete")["rows"]
    before = _count(db, "prospects")
    result = cli("retention", "run", "--dataset", SHOP_DATASET, "--at", "2026-01-31", "--batch-size", "3", "--quiet")
    assert result.exit_code == 0, result.output
    assert _count(db, "prospects") == before - due
    assert (db.parent / "shop-archive.db").exists()  # card proofs, archived beside the shop
    run_id = result.stdout.split()[2]
    assert (data_dir / "retention" / f"{run_id}.html").read_text().count("<tr>") > 3
    listed = cli("retention", "report")
    assert run_id in listed.stdout and "done" in listed.stdout
    shown = json.loads(cli("retention", "report", run_id, "--format", "json").stdout)
    assert shown["status"] == "done" and len(shown["batches"]) >= due // 3
    assert "intact" in cli("audit", "verify").stdout


def test_holds_are_added_listed_ended_and_bad_ones_refused(shop):
    cli, _, _ = shop
    added = cli("retention", "hold", "add", "--on-dataset", "shop", "--table", "prospects", "--reason", "contrôle",
                "--owner", "DPO", "--dataset", SHOP_DATASET)
    assert added.exit_code == 0, added.output and "hold #1" in added.stdout
    assert "prospects" in cli("retention", "hold", "list").stdout
    bad = cli("retention", "hold", "add", "--on-dataset", "shop", "--reason", "x", "--owner", "DPO",
              "--starts", "2026-02-01", "--ends", "2026-01-01")
    assert bad.exit_code == 2 and "before it starts" in bad.output
    unknown = cli("retention", "hold", "add", "--on-dataset", "shop", "--table", "clients", "--reason", "x",
                  "--owner", "DPO", "--dataset", SHOP_DATASET)
    assert unknown.exit_code == 2 and "clients" in unknown.output
    assert cli("retention", "hold", "end", "1").exit_code == 0
    assert "no legal hold in force" in cli("retention", "hold", "list").stdout
    assert cli("retention", "hold", "end", "7").exit_code != 0
