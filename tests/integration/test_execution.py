"""Rights executed on the sample shop, on SQLite and on PostgreSQL: access, erasure (with what
the register keeps), replay after a restored backup, rectification and portability."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date, timedelta
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import Engine, select, text

from egide.bootstrap import App, build_app, initialise
from egide.demo import shop
from egide.domain.clock import FixedClock
from egide.domain.identity import Identifier
from egide.services.execution import (
    replay_erasures,
    run_access,
    run_erasure,
    run_portability,
    run_rectification,
)
from egide.settings import Settings
from tests.integration.execution_shop import (
    ALICE,
    ALICE_EMAIL,
    BRUNO_EMAIL,
    CHLOE_EMAIL,
    NOW,
    SHARED_PHONE,
    alice,
    build,
    company_engine,
    others,
    snapshot,
)
from tests.unit.execution import okasio, okasio_with_invoices, shop_dataset


@pytest.fixture
def store(tmp_path: Path) -> Iterator[App]:
    settings = Settings(data_dir=tmp_path / "data", database_url=f"sqlite:///{tmp_path / 'egide.db'}", actor="test")
    initialise(settings)
    app = build_app(settings, clock=FixedClock(NOW))
    yield app
    app.close()


@pytest.fixture(params=["sqlite", "postgres", "mariadb"])
def company(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """The company's database: SQLite, PostgreSQL and MariaDB (any SQLAlchemy URL)."""
    target = (str(tmp_path / "shop.db") if request.param == "sqlite"
              else request.getfixturevalue(f"{request.param}_url"))
    engine = company_engine(target)
    build(engine, tmp_path)
    yield engine
    engine.dispose()


def _erase(store: App, company: Engine, tmp_path: Path, request_id: str = "req-erase", **kwargs):
    return run_erasure(store.store, dataset=shop_dataset(), engine=company, register=okasio_with_invoices(),
                       request_id=request_id, identifiers=kwargs.pop("identifiers", alice()), log_root=tmp_path,
                       **kwargs)


# --- access -------------------------------------------------------------------------------------


def test_access_returns_exactly_the_persons_rows_and_not_those_of_people_sharing_her_phone(store, company, tmp_path):
    result = run_access(store.store, dataset=shop_dataset(), engine=company, register=okasio(),
                        request_id="req-access", identifiers=alice(), output_dir=tmp_path / "out", log_root=tmp_path)
    data = json.loads(result.json_path.read_text(encoding="utf-8"))
    ids = {name: sorted(r["id"] for r in table["rows"]) for name, table in data["tables"].items()}
    assert ids == {"customers": [ALICE], "orders": [90001, 90002, 90003], "order_items": [90001, 90002, 90003],
                   "invoices": [90001, 90002, 90003], "card_payment_proofs": [90001, 90002, 90003],
                   "newsletter_subscribers": [90001], "support_tickets": [90001], "call_recordings": [90001]}
    assert [line["text"].split('"')[1] for line in data["logs"]["web-access"]["rows"]] == \
        ["GET /api/customers/9001 HTTP/1.1"] * 2
    everything = result.json_path.read_text(encoding="utf-8") + result.html_path.read_text(encoding="utf-8")
    assert BRUNO_EMAIL not in everything and CHLOE_EMAIL not in everything and "Bruno" not in everything
    assert data["found"] is True and result.rows["orders"] == 3


def test_the_access_answer_carries_the_register_information_for_the_activities_found(store, company, tmp_path):
    result = run_access(store.store, dataset=shop_dataset(), engine=company, register=okasio(),
                        request_id="req-info", identifiers=alice(), output_dir=tmp_path, lang="en", log_root=tmp_path)
    info = json.loads(result.json_path.read_text(encoding="utf-8"))["information"]
    activities = {p["activity"] for p in info["purposes"]}
    assert activities == {"services-and-accounts", "customer-management", "payment", "support-and-improvement",
                          "prospecting", "objection-list"}
    assert {r["key"] for r in info["recipients"]} >= {"stripe", "internal-teams"}
    assert "google-analytics" not in {r["key"] for r in info["recipients"]}  # cookies: not in these tables
    assert info["complaint"]["authority"].startswith("Commission Nationale")
    assert any(r["rule"] == "card-proof-archive" for r in info["retention"])
    html = result.html_path.read_text(encoding="utf-8")
    assert "<h2>2. What we do with it</h2>" in html and "STRIPE" in html


def test_a_phone_number_shared_by_several_people_finds_none_of_them_and_says_so(store, company, tmp_path):
    result = run_access(store.store, dataset=shop_dataset(), engine=company, register=okasio(),
                        request_id="req-phone", identifiers=[Identifier.of("phone", SHARED_PHONE)],
                        output_dir=tmp_path, log_root=tmp_path)
    data = json.loads(result.json_path.read_text(encoding="utf-8"))
    assert data["found"] is False and data["tables"] == {}
    assert any("several people" in note for note in data["notes"])


def test_a_person_found_nowhere_still_gets_an_answer(store, company, tmp_path):
    nobody = [Identifier.of("email", "nobody@example.com")]
    access = run_access(store.store, dataset=shop_dataset(), engine=company, register=okasio(),
                        request_id="req-nobody", identifiers=nobody, output_dir=tmp_path, log_root=tmp_path)
    assert access.found is False
    assert "<strong>Non.</strong>" in access.html_path.read_text(encoding="utf-8")
    before = snapshot(company)
    erasure = _erase(store, company, tmp_path, "req-nobody-erase", identifiers=nobody)
    assert erasure.found is False and not erasure.kept
    assert all(t.deleted == 0 and t.masked == 0 for t in erasure.erased)
    assert snapshot(company) == before


def test_running_access_again_returns_the_answer_already_written(store, company, tmp_path):
    first = run_access(store.store, dataset=shop_dataset(), engine=company, register=okasio(),
                       request_id="req-twice", identifiers=alice(), output_dir=tmp_path, log_root=tmp_path)
    written = first.json_path.stat().st_mtime_ns
    again = run_access(store.store, dataset=shop_dataset(), engine=company, register=okasio(),
                       request_id="req-twice", identifiers=alice(), output_dir=tmp_path, log_root=tmp_path)
    assert again.rows == first.rows and again.json_path.stat().st_mtime_ns == written


# --- erasure -------------------------------------------------------------------------------------


def test_erasure_deletes_and_masks_the_persons_rows_and_keeps_what_the_register_keeps(store, company, tmp_path):
    before = snapshot(company)
    result = _erase(store, company, tmp_path)
    assert others(snapshot(company)) == others(before)  # nobody else's row changed
    with company.connect() as c:
        customer = c.execute(select(shop.CUSTOMERS).where(shop.CUSTOMERS.c.id == ALICE)).one()
        orders = dict(c.execute(select(shop.ORDERS.c.id, shop.ORDERS.c.shipping_address)
                                .where(shop.ORDERS.c.customer_id == ALICE)).all())
        proofs = c.execute(select(shop.CARD_PAYMENT_PROOFS.c.id).where(
            shop.CARD_PAYMENT_PROOFS.c.order_id.in_([90001, 90002, 90003]))).scalars().all()
        gone = [c.execute(select(t.c.id).where(t.c.id == 90001)).first()
                for t in (shop.NEWSLETTER_SUBSCRIBERS, shop.SUPPORT_TICKETS, shop.CALL_RECORDINGS)]
    assert customer.email.startswith("h$") and customer.first_name == "[erased]" and customer.phone is None
    assert orders == {90001: "[erased]", 90003: "[erased]"}  # the eleven-year-old order is gone
    assert sorted(proofs) == [90001, 90003] and gone == [None, None, None]
    kept = {(k.table, k.rule): k for k in result.kept}
    invoice = kept[("invoices", "proof-of-contract")]
    assert (invoice.rows, invoice.article, invoice.legal_reference) == (2, "art. 17(3)(b)",
                                                                        "Code de commerce, art. L123-22")
    assert invoice.until == (NOW - timedelta(days=20)).date().replace(year=2036).isoformat()
    proof = kept[("card_payment_proofs", "card-proof-archive")]
    assert proof.rows == 1 and proof.until == "2027-02-12"  # debit 2026-01-12 + 13 months
    assert kept[("card_payment_proofs", "card-proof-deferred-debit")].rows == 1
    assert kept[("customers", None)].reason == "masked"


def test_erasure_drops_the_persons_log_lines_and_only_hers(store, company, tmp_path):
    result = _erase(store, company, tmp_path)
    assert result.logs["web-access"] == {"files": 1, "lines": 2}
    text_left = (tmp_path / "logs" / "access-people.log").read_text(encoding="utf-8")
    assert "/api/customers/9002 " in text_left and "/api/customers/90010 " in text_left
    assert "/api/customers/9001 " not in text_left


def test_erasure_runs_children_before_parents_under_enforced_foreign_keys(store, company, tmp_path):
    with company.connect() as c:  # the foreign keys are really enforced
        with pytest.raises(Exception):
            c.execute(text("DELETE FROM customers WHERE id = 9002"))
    result = run_erasure(store.store, dataset=shop_dataset(), engine=company, register=okasio(),
                         request_id="req-fk", identifiers=[Identifier.of("email", BRUNO_EMAIL)], log_root=tmp_path)
    order = [t.table for t in result.erased]
    assert order.index("card_payment_proofs") < order.index("orders") < order.index("customers")
    assert sum(t.deleted for t in result.erased) > 0


def test_an_erasure_leaves_hashes_only_on_the_suppression_list_in_the_log_and_in_the_audit(store, company, tmp_path):
    _erase(store, company, tmp_path)
    with store.store.unit_of_work(read_only=True) as uow:
        lists = uow.lists.lists_holding([Identifier.of("email", ALICE_EMAIL)], "email")
        entry = uow.execution.erasure("req-erase", "shop")
        events = list(uow.audit.events())
    assert lists == {"suppression"}
    assert entry is not None and entry.finished_at is not None and entry.tables["customers"]["masked"] == 1
    stored = json.dumps([h.hash for h in entry.hashes]) + json.dumps([e.payload for e in events])
    assert ALICE_EMAIL not in stored and "Martin" not in stored and "06 39" not in stored
    assert {e.action for e in events} >= {"request.step_done", "request.erasure_executed"}


def test_a_second_erasure_of_the_same_request_skips_every_step_and_changes_nothing(store, company, tmp_path):
    first = _erase(store, company, tmp_path)
    after = snapshot(company)
    again = _erase(store, company, tmp_path)
    assert again.skipped_steps == again.steps == first.steps
    assert snapshot(company) == after and again.kept == first.kept


def test_an_open_dispute_keeps_what_its_register_rule_names(store, company, tmp_path):
    from egide.register.model import OpenEvent
    from tests.unit.execution import okasio_with_invoices as base

    register = base().model_copy(update={"retention": [
        *base().retention,
        base().retention[0].model_copy(update={"key": "dispute-hold", "activities": ["support-and-improvement"],
                                               "duration": None, "clock": None, "while_open": OpenEvent.dispute,
                                               "data_subjects": []})]})
    result = run_erasure(store.store, dataset=shop_dataset(), engine=company, register=register,
                         request_id="req-dispute", identifiers=alice(), log_root=tmp_path,
                         open_events=[OpenEvent.dispute])
    held = [k for k in result.kept if k.rule == "dispute-hold"]
    assert {k.table for k in held} == {"support_tickets", "call_recordings"} and all(k.until is None for k in held)


# --- replay after a restored backup ------------------------------------------------------------------


def test_replaying_erasures_after_restoring_a_backup_erases_the_person_again(store, company, tmp_path):
    _erase(store, company, tmp_path)
    erased = snapshot(company)
    build(company, tmp_path)  # the backup of the day before, restored: Alice is back
    assert snapshot(company) != erased
    results = replay_erasures(store.store, dataset=shop_dataset(), engine=company, register=okasio_with_invoices(),
                              since=date(2026, 1, 1), log_root=tmp_path)
    assert [(r.request_id, r.identifiers_found) for r in results] == [("req-erase", 3)]
    assert snapshot(company) == erased
    nothing = replay_erasures(store.store, dataset=shop_dataset(), engine=company, register=okasio_with_invoices(),
                              since=date(2026, 2, 1), log_root=tmp_path)
    assert nothing == []


# --- rectification and portability -------------------------------------------------------------------


def test_rectification_updates_the_field_wherever_the_dataset_holds_it_for_this_person_only(store, company, tmp_path):
    result = run_rectification(store.store, dataset=shop_dataset(), engine=company, register=okasio(),
                               request_id="req-rectify", identifiers=alice(),
                               changes={"user.name.first": "Alicia", "customers.city": "Roubaix"})
    assert result.updated == {"newsletter_subscribers": 1, "customers": 1}
    assert "invoices.billing_name" not in result.not_changed  # user.name is not user.name.first
    with company.connect() as c:
        names = dict(c.execute(select(shop.CUSTOMERS.c.id, shop.CUSTOMERS.c.first_name)
                               .where(shop.CUSTOMERS.c.id.in_([9001, 9002]))).all())
        city = c.execute(select(shop.CUSTOMERS.c.city).where(shop.CUSTOMERS.c.id == ALICE)).scalar_one()
    assert names == {9001: "Alicia", 9002: "Bruno"} and city == "Roubaix"


def test_a_disputed_rectification_records_the_statement_and_it_goes_with_later_answers(store, company, tmp_path):
    before = snapshot(company)
    result = run_rectification(store.store, dataset=shop_dataset(), engine=company, register=okasio(),
                               request_id="req-dispute-16", identifiers=alice(), changes={"customers.city": "Paris"},
                               disputed=True, statement="J'habite Paris depuis 2024.")
    assert result.statement_recorded and snapshot(company) == before
    access = run_access(store.store, dataset=shop_dataset(), engine=company, register=okasio(),
                        request_id="req-after", identifiers=alice(), output_dir=tmp_path, log_root=tmp_path)
    data = json.loads(access.json_path.read_text(encoding="utf-8"))
    assert [s["statement"] for s in data["statements"]] == ["J'habite Paris depuis 2024."]
    assert "J&#39;habite Paris depuis 2024." in access.html_path.read_text(encoding="utf-8")


def test_portability_exports_what_the_person_provided_as_json_and_csv_in_a_zip(store, company, tmp_path):
    result = run_portability(store.store, dataset=shop_dataset(), engine=company, register=okasio(),
                             request_id="req-port", identifiers=alice(), output_dir=tmp_path)
    with zipfile.ZipFile(result.zip_path) as archive:
        names = set(archive.namelist())
        customers = json.loads(archive.read("customers.json"))
        rows = list(csv.reader(io.StringIO(archive.read("orders.csv").decode("utf-8"))))
        manifest = json.loads(archive.read("manifest.json"))
    assert {"customers.json", "customers.csv", "orders.json", "manifest.json"} <= names
    assert customers == [{c: customers[0][c] for c in result.columns["customers"]}]
    assert customers[0]["email"] == ALICE_EMAIL and "birth_date" in customers[0]
    assert "id" not in customers[0] and "created_at" not in customers[0]
    assert rows[0] == ["shipping_address"] and len(rows) == 4
    assert manifest["tables"]["card_payment_proofs"]["columns"] == ["card_brand", "card_last4", "card_expiry",
                                                                    "deferred_debit"]  # not the bank's code
    assert manifest["tables"]["call_recordings"]["columns"] == ["caller_phone", "recording_uri"]  # not the agent
    assert "newsletter_subscribers" not in manifest["tables"]  # legitimate interests: art. 20 does not apply


def test_one_request_on_two_databases_erases_and_logs_each_of_them(store, company, tmp_path):
    archive_root = tmp_path / "archive"
    archive_root.mkdir()
    archive = company_engine(str(archive_root / "archive.db"))
    build(archive, archive_root)
    archived = shop_dataset().model_copy(update={"name": "archive"})
    first = _erase(store, company, tmp_path, "req-two")
    second = run_erasure(store.store, dataset=archived, engine=archive, register=okasio_with_invoices(),
                         request_id="req-two", identifiers=alice(), log_root=archive_root)
    assert second.skipped_steps == 0 and second.erased == first.erased
    with store.store.unit_of_work(read_only=True) as uow:
        assert {e.dataset for e in uow.execution.erasures_since(NOW - timedelta(days=1))} == {"shop", "archive"}
    archive.dispose()
