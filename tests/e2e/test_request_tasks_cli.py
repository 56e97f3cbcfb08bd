"""`egide task ...` and the people's decisions on a request through the CLI: a manual source the
request waits for, a human review, an objection decided by the DPO, a fee, a restriction lifted
after the person was told. Notices are read from the outbox folder."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import EXAMPLES, dump_yaml, load_yaml
from tests.e2e.test_request_run_cli import SHOP_DATASET, shop, submit_and_verify  # noqa: F401 (fixture)


def outbox_text(data_dir: Path, kind: str) -> str:
    files = sorted((data_dir / "outbox").glob(f"*-{kind}-*.eml"))
    assert files, f"no {kind} notice in the outbox"
    return files[-1].read_text(encoding="utf-8")


def manual_dataset(tmp_path: Path) -> Path:
    data = load_yaml(SHOP_DATASET)
    data["manual"] = [{"name": "paper-archives", "description": "Bons de commande papier archivés à Lyon",
                       "rights": ["access"], "due_in": "P10D"}]
    return dump_yaml(data, tmp_path / "shop-manual.yaml")


def test_a_request_waits_for_its_manual_source_then_running_again_answers_it(shop, tmp_path):
    cli, db, email, data_dir = shop
    dataset = manual_dataset(tmp_path)
    reference = submit_and_verify(cli, "access", email)
    first = cli("request", "run", reference, "--dataset", dataset, "--database-url", f"sqlite:///{db}")
    assert first.exit_code == 0, first.output
    assert "waiting for 1 task(s)" in first.stdout and "not answered yet" in first.stdout
    [task] = json.loads(cli("task", "list", "--format", "json").stdout)
    assert task["reference"] == reference and task["kind"] == "manual_source" and task["status"] == "open"
    shown = cli("task", "show", task["id"][:8])
    assert "Bons de commande papier" in shown.stdout and "egide task done" in shown.stdout
    done = cli("task", "done", task["id"][:8], "--outcome", "Aucun bon de commande à ce nom.")
    assert done.exit_code == 0, done.output
    again = cli("request", "run", reference, "--dataset", dataset, "--database-url", f"sqlite:///{db}")
    assert again.exit_code == 0 and f"{reference}: answered" in again.stdout
    assert "Aucun bon de commande" in outbox_text(data_dir, "answered")
    assert cli("task", "list").stdout.strip() == "no task"
    shown = json.loads(cli("request", "show", reference, "--format", "json").stdout)
    assert [(t["kind"], t["status"], t["outcome"]) for t in shown["tasks"]] == [
        ("manual_source", "done", "Aucun bon de commande à ce nom.")]


def test_a_human_review_is_recorded_and_answered(shop):
    cli, db, email, data_dir = shop
    assert cli("register", "activate", EXAMPLES / "000-crossops.yaml").exit_code == 0
    reference = submit_and_verify(cli, "human_review", email)
    result = cli("request", "run", reference)
    assert result.exit_code == 0 and "human_review" in result.stdout and "waiting for 1 task" in result.stdout
    reviewed = cli("request", "review", reference, "--outcome", "upheld", "--reasons", "Montant inhabituel confirmé.")
    assert reviewed.exit_code == 0, reviewed.output
    assert f"{reference}: answered" in reviewed.stdout
    assert "Montant inhabituel" in outbox_text(data_dir, "answered")


def test_the_dpo_overrides_an_objection_and_the_decision_point_allows_again(shop):
    cli, db, email, data_dir = shop
    assert cli("register", "activate", EXAMPLES / "000-crossops.yaml").exit_code == 0
    reference = submit_and_verify(cli, "objection", email)
    assert cli("request", "run", reference, "--purpose", "personalize.profiling").exit_code == 0
    denied = json.loads(cli("decide", "--email", email, "--purpose", "personalize.profiling", "--json").stdout)
    assert denied["rule"] == "objection"
    bad = cli("request", "decide-objection", reference)
    assert bad.exit_code == 2 and "--uphold" in bad.stderr
    decided = cli("request", "decide-objection", reference, "--override", "--grounds", "Sécurité des comptes.")
    assert decided.exit_code == 0, decided.output
    allowed = json.loads(cli("decide", "--email", email, "--purpose", "personalize.profiling", "--json").stdout)
    assert allowed["allowed"] is True


def test_a_fee_is_charged_then_paid(shop):
    cli, db, email, data_dir = shop
    reference = submit_and_verify(cli, "access", email)
    charged = cli("request", "charge-fee", reference, "--amount", "15", "--currency", "EUR",
                  "--reason", "Troisième copie ce mois-ci")
    assert charged.exit_code == 0 and "awaiting_fee" in charged.stdout, charged.output
    assert "15,00 EUR" in outbox_text(data_dir, "fee")
    refused = cli("request", "run", reference)
    assert refused.exit_code != 0 and "only a verified request runs" in refused.stderr
    paid = cli("request", "fee-paid", reference)
    assert paid.exit_code == 0 and f"{reference}: verified" in paid.stdout
    shown = cli("request", "show", reference)
    assert "fee 15.00 EUR (excessive): charged" in shown.stdout and "paid 2" in shown.stdout
    assert "clock suspended:" in shown.stdout and "(fee:" in shown.stdout
    bad = cli("request", "charge-fee", reference, "--amount", "-1", "--reason", "x")
    assert bad.exit_code == 2 and "must be positive" in bad.stderr


def test_a_restriction_is_lifted_after_the_person_was_told(shop):
    cli, db, email, data_dir = shop
    reference = submit_and_verify(cli, "restriction", email)
    assert cli("request", "run", reference).exit_code == 0
    assert not json.loads(cli("decide", "--email", email, "--purpose", "sales", "--json").stdout)["allowed"]
    lifted = cli("request", "lift-restriction", reference, "--reason", "Exactitude vérifiée.")
    assert lifted.exit_code == 0, lifted.output
    assert "lift announced" in lifted.stdout and "lifted" in lifted.stdout.splitlines()[-1]
    assert "Exactitude vérifiée." in outbox_text(data_dir, "restriction_lifting")
    assert json.loads(cli("decide", "--email", email, "--purpose", "sales", "--json").stdout)["allowed"]
    assert cli("request", "lift-due").stdout.strip() == "no restriction to lift today"


def test_a_contract_started_and_ended_from_the_cli_drives_the_decision(shop):
    cli, db, email, data_dir = shop

    def rule():
        return json.loads(cli("decide", "--email", email, "--purpose", "essential.service", "--json").stdout)["rule"]

    assert rule() == "contract.not_live"
    started = cli("subject", "contract", "start", "--email", email, "--activity", "services-and-accounts")
    assert started.exit_code == 0, started.output
    assert rule() != "contract.not_live"
    contract_id = started.stdout.split()[1]
    assert cli("subject", "contract", "end", contract_id).exit_code == 0
    assert rule() == "contract.not_live"
    assert cli("subject", "contract", "end", contract_id).exit_code != 0
