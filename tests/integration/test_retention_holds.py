"""Legal holds respected by plans and runs, bad input refused with nothing stored or touched, and
seed 004's server logs kept while a security incident is open; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import Engine

from egide.datasets.loader import parse_dataset
from egide.demo import shop
from egide.domain.errors import InvalidInputError
from egide.domain.identity import Identifier
from egide.domain.retention import HoldScope
from egide.register.loader import parse_register
from egide.services.retention import add_hold, end_hold, list_holds, plan_retention, run_retention
from tests.conftest import EXAMPLES
from tests.integration.execution_shop import snapshot
from tests.integration.retention_shop import (
    NOW,
    PERSON,
    SHOP_DATASET,
    add_prospect,
    build,
    counts,
    database,
    dataset,
    okasio,
    row,
    seed_rules,
    with_rules,
    without_recontact,
)


@pytest.fixture
def company(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    target = str(tmp_path / "shop.db") if database_url.startswith("sqlite") else database_url
    monkeypatch.setenv("SHOP_ARCHIVE_URL", f"sqlite:///{tmp_path / 'archive.db'}")
    engine = build(target, tmp_path)
    yield engine
    engine.dispose()


def _expired_prospect(company: Engine) -> None:
    add_prospect(company, PERSON, NOW - timedelta(days=4 * 365))


def test_a_held_person_keeps_every_row_until_the_hold_ends(app, company, tmp_path):
    _expired_prospect(company)
    hold = add_hold(app.store, scope=HoldScope.person, reason="litige en cours", owner="DPO",
                    identifier=Identifier.of("email", f"prospect.{PERSON}@example.com"))
    db = database(company, tmp_path)
    plan = plan_retention(app.store, without_recontact(okasio()), [db], NOW)
    prospects = next(c for c in plan.counts if c.table == "prospects" and c.action.value == "delete")
    assert prospects.held == 1 and str(PERSON) not in prospects.examples
    run = run_retention(app.store, without_recontact(okasio()), [db], NOW)
    assert row(company, shop.PROSPECTS, PERSON) is not None
    assert any(c.table == "prospects" and c.held == 1 for c in run.counts)
    assert counts(run)[("prospects", "delete")] >= 1  # the others went
    end_hold(app.store, hold.id)  # type: ignore[arg-type]
    run_retention(app.store, without_recontact(okasio()), [db], NOW)
    assert row(company, shop.PROSPECTS, PERSON) is None


def test_a_table_hold_keeps_the_table_and_a_hold_that_has_ended_keeps_nothing(app, company, tmp_path, clock):
    _expired_prospect(company)
    add_hold(app.store, scope=HoldScope.table, dataset="shop", table="prospects", reason="contrôle CNIL",
             owner="DPO", ends_at=NOW + timedelta(days=10), datasets=[dataset()])
    db = database(company, tmp_path)
    before = snapshot(company)["prospects"]
    run = run_retention(app.store, without_recontact(okasio()), [db], NOW)
    assert snapshot(company)["prospects"] == before
    assert any("prospects: kept by hold" in n for n in run.notes)
    run_retention(app.store, without_recontact(okasio()), [db], NOW + timedelta(days=10))  # the hold's end
    assert row(company, shop.PROSPECTS, PERSON) is None


def test_a_hold_ending_before_it_starts_is_refused_and_nothing_is_stored(app):
    with pytest.raises(InvalidInputError) as caught:
        add_hold(app.store, scope=HoldScope.dataset, dataset="shop", reason="audit", owner="DPO",
                 starts_at=NOW, ends_at=NOW - timedelta(days=1))
    assert caught.value.problems[0].path == "ends_at" and "before it starts" in caught.value.message
    assert list_holds(app.store) == []


def test_a_hold_on_an_unknown_table_is_refused_naming_the_known_ones(app):
    with pytest.raises(InvalidInputError) as caught:
        add_hold(app.store, scope=HoldScope.table, dataset="shop", table="clients", reason="audit", owner="DPO",
                 datasets=[dataset()])
    assert "clients" in caught.value.message and "customers" in caught.value.problems[0].message
    assert list_holds(app.store) == []


def test_a_clock_column_the_database_lacks_is_an_input_error_and_nothing_is_touched(app, company, tmp_path):
    text = SHOP_DATASET.read_text(encoding="utf-8").replace(
        "      - name: last_contact_at\n        clocks: [last_contact]",
        "      - name: last_contacted_on\n        clocks: [last_contact]")
    broken = parse_dataset(text, "shop-broken.yaml").dataset
    before = snapshot(company)
    with pytest.raises(InvalidInputError) as caught:
        run_retention(app.store, okasio(), [database(company, tmp_path, broken)], NOW)
    assert "prospects.last_contacted_on" in caught.value.message
    assert snapshot(company) == before


def test_a_rule_naming_an_unknown_category_is_refused_with_its_place():
    text = (EXAMPLES / "002-okasio.yaml").read_text(encoding="utf-8").replace(
        "categories: [user.name, user.contact.address, user.behavior.purchase_history]",
        "categories: [user.name, user.contact.adress, user.behavior.purchase_history]")
    with pytest.raises(InvalidInputError) as caught:
        parse_register(text, "002.yaml")
    problem = next(p for p in caught.value.problems if "adress" in p.message)
    assert problem.path.startswith("retention[") and problem.line is not None


def test_a_legal_obligation_kept_for_zero_days_is_refused():
    text = (EXAMPLES / "002-okasio.yaml").read_text(encoding="utf-8").replace(
        "  - key: proof-of-contract\n    activities: [customer-management]\n"
        "    categories: [user.name, user.contact.address, user.behavior.purchase_history]\n    duration: P10Y",
        "  - key: proof-of-contract\n    activities: [customer-management]\n"
        "    categories: [user.name, user.contact.address, user.behavior.purchase_history]\n    duration: P0D")
    assert "duration: P0D" in text
    with pytest.raises(InvalidInputError) as caught:
        parse_register(text, "002.yaml")
    assert any("zero duration" in p.message for p in caught.value.problems)


def _log_register():  # type: ignore[no-untyped-def]
    return with_rules(seed_rules("004-bureau24.yaml", ["server_logs_14_days", "server_logs_security_incident"],
                                 ["services-and-accounts"]))


def _log_lines(root: Path) -> list[str]:
    return [line for p in sorted((root / "logs").glob("access-*.log")) for line in p.read_text().splitlines()]


def test_004_server_logs_keep_fourteen_days_and_everything_while_an_incident_is_open(app, company, tmp_path):
    db = database(company, tmp_path)
    before = _log_lines(tmp_path)
    incident = add_hold(app.store, scope=HoldScope.event, event="security_incident", reason="DDoS du 12",
                        owner="RSSI")
    plan = plan_retention(app.store, _log_register(), [db], NOW)
    assert plan.log_directories[0]["held"] and "security_incident" in plan.log_directories[0]["hold"]
    run_retention(app.store, _log_register(), [db], NOW)
    assert _log_lines(tmp_path) == before
    end_hold(app.store, incident.id)  # type: ignore[arg-type]
    run = run_retention(app.store, _log_register(), [db], NOW)
    after = _log_lines(tmp_path)
    cutoff = NOW - timedelta(days=14)
    stamps = [datetime.strptime(line.split("[", 1)[1].split("]", 1)[0], "%d/%b/%Y:%H:%M:%S %z") for line in after]
    assert stamps and min(stamps) > cutoff.astimezone(timezone.utc)
    assert len(after) == len([s for s in before
                              if datetime.strptime(s.split("[", 1)[1].split("]", 1)[0], "%d/%b/%Y:%H:%M:%S %z")
                              > cutoff])
    assert run.logs[0]["lines_deleted"] == len(before) - len(after) > 0


def test_a_dataset_that_archives_without_an_archive_database_is_refused_before_anything_is_touched(
        app, tmp_path, monkeypatch):
    from sqlalchemy import create_engine

    from egide.domain.errors import ConfigurationError
    from egide.services.retention import list_runs

    monkeypatch.delenv("SHOP_ARCHIVE_URL", raising=False)
    engine = create_engine("sqlite://")  # in memory: no file to put an archive beside
    shop.build_shop(engine, customers=10, seed=3, now=NOW, log_directory=tmp_path / "logs", log_days=1)
    before = snapshot(engine)
    with pytest.raises(ConfigurationError) as caught:
        run_retention(app.store, okasio(), [database(engine, tmp_path)], NOW)
    assert "archive_url_env" in caught.value.message
    assert snapshot(engine) == before and list_runs(app.store) == []
