"""`egide request run`: a verified request executed on the sample shop database and answered."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from egide.adapters.cli.main import app
from egide.demo.shop import build_shop
from tests.conftest import EXAMPLES, ROOT

runner = CliRunner()
SHOP_DATASET = ROOT / "examples" / "datasets" / "shop.yaml"


@pytest.fixture
def shop(tmp_path):
    db = tmp_path / "shop" / "shop.db"
    build_shop(db, customers=40)
    data_dir = tmp_path / "egide"

    def cli(*args):
        result = runner.invoke(app, ["--data-dir", str(data_dir), *[str(a) for a in args]], catch_exceptions=False)
        return result

    assert cli("init").exit_code == 0
    assert cli("register", "activate", EXAMPLES / "002-okasio.yaml").exit_code == 0
    with sqlite3.connect(db) as c:
        email = c.execute("SELECT c.email FROM customers c JOIN orders o ON o.customer_id = c.id "
                          "JOIN invoices i ON i.order_id = o.id ORDER BY c.id LIMIT 1").fetchone()[0]
    return cli, db, email, data_dir


def submit_and_verify(cli, right, email):
    assert cli("request", "submit", "--right", right, "--email", email).exit_code == 0
    listed = json.loads(cli("request", "list", "--format", "json").stdout)
    reference = [r for r in listed if r["right"] == right][-1]["reference"]
    assert cli("request", "verify", "--reference", reference, "--manual", "--method", "test").exit_code == 0
    return reference


def test_an_erasure_keeps_the_invoice_and_says_why(shop):
    cli, db, email, data_dir = shop
    reference = submit_and_verify(cli, "erasure", email)
    result = cli("request", "run", reference, "--dataset", SHOP_DATASET, "--database-url", f"sqlite:///{db}")
    assert result.exit_code == 0, result.output
    assert "invoices" in result.stdout and "proof-of-contract" in result.stdout and "L123-22" in result.stdout
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT count(*) FROM customers WHERE email = ?", (email,)).fetchone()[0] == 0
    shown = json.loads(cli("request", "show", reference, "--format", "json").stdout)
    assert shown["status"] == "answered"


def test_an_access_writes_the_report_and_answers(shop):
    cli, db, email, data_dir = shop
    reference = submit_and_verify(cli, "access", email)
    result = cli("request", "run", reference, "--dataset", SHOP_DATASET, "--database-url", f"sqlite:///{db}")
    assert result.exit_code == 0, result.output
    files = [line.split("file: ")[1] for line in result.stdout.splitlines() if "file: " in line]
    json_file = Path([f for f in files if f.endswith(".json")][0])
    assert email.encode() not in json_file.read_bytes()  # sealed at rest with the person's key
    assert any(f.endswith(".html") for f in files)
    listed = cli("request", "file", reference)
    assert listed.exit_code == 0 and f"shop/{json_file.name}" in listed.stdout
    opened = cli("request", "file", reference, f"shop/{json_file.name}")
    assert opened.exit_code == 0, opened.output
    assert email in json.dumps(json.loads(opened.stdout))
    copy = data_dir.parent / "report.json"
    assert cli("request", "file", reference, json_file.name, "--output", copy).exit_code == 0
    assert json.loads(copy.read_text(encoding="utf-8")) == json.loads(opened.stdout)
    assert copy.stat().st_mode & 0o777 == 0o600
    erasure = submit_and_verify(cli, "erasure", email)
    assert cli("request", "run", erasure, "--dataset", SHOP_DATASET, "--database-url", f"sqlite:///{db}").exit_code == 0
    gone = cli("request", "file", reference, f"shop/{json_file.name}")
    assert gone.exit_code == 3 and "destroyed" in gone.stderr


def test_an_unverified_request_does_not_run(shop):
    cli, db, email, data_dir = shop
    assert cli("request", "submit", "--right", "erasure", "--email", email).exit_code == 0
    reference = json.loads(cli("request", "list", "--format", "json").stdout)[-1]["reference"]
    result = cli("request", "run", reference, "--dataset", SHOP_DATASET, "--database-url", f"sqlite:///{db}")
    assert result.exit_code != 0 and "only a verified request runs" in result.stderr
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT count(*) FROM customers WHERE email = ?", (email,)).fetchone()[0] == 1


def test_an_objection_puts_the_person_on_the_opposition_list(shop):
    cli, db, email, data_dir = shop
    reference = submit_and_verify(cli, "objection", email)
    assert cli("request", "run", reference).exit_code == 0
    decision = json.loads(cli("decide", "--email", email, "--purpose", "marketing.communications.email",
                              "--json").stdout)
    assert decision["rule"] == "opposition_list"


def test_erasures_are_replayed_after_a_backup_is_restored(shop, tmp_path):
    import shutil

    cli, db, email, data_dir = shop
    backup = tmp_path / "backup.db"
    shutil.copy(db, backup)
    reference = submit_and_verify(cli, "erasure", email)
    assert cli("request", "run", reference, "--dataset", SHOP_DATASET, "--database-url", f"sqlite:///{db}").exit_code == 0
    shutil.copy(backup, db)  # the restore brings the person back
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT count(*) FROM customers WHERE email = ?", (email,)).fetchone()[0] == 1
    result = cli("request", "replay-erasures", "--since", "2000-01-01", "--dataset", SHOP_DATASET,
                 "--database-url", f"sqlite:///{db}")
    assert result.exit_code == 0, result.output
    assert "replayed" in result.stdout
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT count(*) FROM customers WHERE email = ?", (email,)).fetchone()[0] == 0


def test_a_run_put_on_the_queue_is_worked_by_egide_worker_once(shop, monkeypatch):
    cli, db, email, data_dir = shop
    reference = submit_and_verify(cli, "erasure", email)
    queued = cli("request", "run", reference, "--queue", "--dataset", SHOP_DATASET)
    assert queued.exit_code == 0, queued.output
    assert f"{reference}: queued as job" in queued.stdout and "(inprocess)" in queued.stdout
    assert json.loads(cli("request", "show", reference, "--format", "json").stdout)["status"] == "verified"
    monkeypatch.setenv("SHOP_DATABASE_URL", f"sqlite:///{db}")  # the job opens the database by the dataset's variable
    worked = cli("worker", "--once", "--queue", "requests")  # the daily jobs are on "maintenance"
    assert worked.exit_code == 0, worked.output
    assert "1 job(s) succeeded, 0 failed" in worked.stdout
    assert json.loads(cli("request", "show", reference, "--format", "json").stdout)["status"] == "answered"
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT count(*) FROM customers WHERE email = ?", (email,)).fetchone()[0] == 0


def test_a_queued_run_that_fails_is_reported_by_the_worker_and_listed(shop, tmp_path):
    cli, db, email, data_dir = shop
    reference = submit_and_verify(cli, "access", email)
    assert cli("request", "run", reference, "--queue", "--dataset", tmp_path / "missing.yaml").exit_code == 0
    worked = cli("worker", "--once", "--queue", "requests")
    assert worked.exit_code == 1 and "0 job(s) succeeded, 1 failed" in worked.stdout
    assert "missing.yaml" in worked.stderr
    listed = cli("jobs", "list", "--status", "failed")
    assert "request.run" in listed.stdout and "missing.yaml" in listed.stdout


def test_rectification_values_are_not_put_on_the_queue(shop):
    cli, db, email, data_dir = shop
    reference = submit_and_verify(cli, "rectification", email)
    result = cli("request", "run", reference, "--queue", "--set", "first_name=Camille")
    assert result.exit_code == 2 and "cannot go on the queue" in result.stderr
    assert json.loads(cli("jobs", "list", "--format", "json").stdout) == []


def test_with_answers_approved_first_a_run_holds_the_answer_until_request_approve(shop, monkeypatch):
    cli, db, email, data_dir = shop
    monkeypatch.setenv("EGIDE_ANSWER_APPROVAL_REQUIRED", "true")
    reference = submit_and_verify(cli, "erasure", email)
    result = cli("request", "run", reference, "--dataset", SHOP_DATASET, "--database-url", f"sqlite:///{db}")
    assert result.exit_code == 0, result.output
    assert f"{reference}: awaiting_approval (erasure)" in result.stdout and "egide request approve" in result.stdout
    shown = json.loads(cli("request", "show", reference, "--format", "json").stdout)
    assert shown["status"] == "awaiting_approval" and shown["days_left"] is not None
    assert [n for n in shown["notices"] if n["kind"] == "answered"] == []
    rerun = cli("request", "run", reference, "--dataset", SHOP_DATASET, "--database-url", f"sqlite:///{db}")
    assert rerun.exit_code != 0 and "awaits the DPO's approval" in rerun.stderr

    approved = cli("request", "approve", reference)
    assert approved.exit_code == 0, approved.output
    assert f"{reference}: answered (erasure)" in approved.stdout and "approved and sent" in approved.stdout
    shown = json.loads(cli("request", "show", reference, "--format", "json").stdout)
    assert shown["status"] == "answered"
    [answer] = [n for n in shown["notices"] if n["kind"] == "answered"]
    assert answer["sent_at"] is not None
    again = cli("request", "approve", reference)
    assert again.exit_code != 0 and "already approved" in again.stderr
