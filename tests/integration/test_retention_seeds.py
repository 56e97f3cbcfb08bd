"""Each seed's retention promises on the demo shop database, the clock moved forward: the right
rows go at the right date and not a day before; on SQLite and PostgreSQL (store and shop)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import Engine, select

from egide.demo import shop
from egide.domain.durations import Duration
from egide.register.model import RetentionAction
from egide.services.retention import plan_retention, run_retention
from egide.services.retention.archive import archive_engine, archive_table
from egide.services.retention.recontact import record_contacts
from tests.integration.execution_shop import snapshot
from tests.integration.retention_shop import (
    NOW,
    PERSON,
    add_customer,
    add_order,
    add_proof,
    add_prospect,
    build,
    counts,
    database,
    okasio,
    row,
    seed_rules,
    with_rules,
)


@pytest.fixture
def company(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    target = str(tmp_path / "shop.db") if database_url.startswith("sqlite") else database_url
    monkeypatch.setenv("SHOP_ARCHIVE_URL", f"sqlite:///{tmp_path / 'archive.db'}")
    engine = build(target, tmp_path)
    yield engine
    engine.dispose()


def at(moment, **delta):  # type: ignore[no-untyped-def]
    return moment + timedelta(**delta)


def test_the_plan_changes_nothing_and_the_run_does_what_it_announced(app, company, tmp_path):
    db = database(company, tmp_path)
    before = snapshot(company)
    plan = plan_retention(app.store, okasio(), [db], NOW)
    assert snapshot(company) == before
    assert counts(plan), "the shop has expired data under seed 002"
    run = run_retention(app.store, okasio(), [db], NOW, batch_size=7, report_dir=tmp_path / "reports")
    assert counts(run) == counts(plan)
    assert counts(plan_retention(app.store, okasio(), [db], NOW)) == {}
    assert sorted(p.suffix for p in run.reports) == [".html", ".json"]


def test_002_a_prospect_goes_three_years_after_the_last_contact_once_asked_and_not_a_day_before(
        app, company, tmp_path):
    """Kept three years from the last contact, then asked whether to go on (« nous pourrons reprendre
    contact »): the row goes when the answer period (one month) has run out without an answer."""
    contact = NOW - timedelta(days=30)
    add_prospect(company, PERSON, contact)
    expiry = Duration.parse("P3Y").add_to(contact)
    db = database(company, tmp_path)
    run_retention(app.store, okasio(), [db], expiry - timedelta(days=1))
    assert row(company, shop.PROSPECTS, PERSON) is not None
    run = run_retention(app.store, okasio(), [db], expiry)
    assert row(company, shop.PROSPECTS, PERSON) is not None  # due, but not asked yet
    assert any("prospects" in note and "wait to be contacted" in note for note in run.notes)
    app.store.clock.advance(expiry - app.store.clock.now())
    record_contacts(_desk(app, tmp_path), okasio(), [db])
    unanswered = Duration.parse("P1M").add_to(expiry)
    run_retention(app.store, okasio(), [db], unanswered - timedelta(days=1))
    assert row(company, shop.PROSPECTS, PERSON) is not None
    run = run_retention(app.store, okasio(), [db], unanswered)
    assert row(company, shop.PROSPECTS, PERSON) is None
    assert any(c.table == "prospects" and c.rule == "prospect-data" and c.rows for c in run.counts)


def _desk(app, tmp_path):  # type: ignore[no-untyped-def]
    from egide.adapters.notifications import NoticeTemplates, OutboxNotifier
    from egide.domain.requests import RequestPolicy
    from egide.services.request_desk import RequestDesk

    return RequestDesk(store=app.store, renderer=NoticeTemplates(), code_hash=app.store.keyring.code_hash,
                       notifier=OutboxNotifier(tmp_path / "outbox", "privacy@example.com"),
                       policy=RequestPolicy(controller_name="OKASIO", language="fr",
                                            contact_email="privacy@example.com"), actor="test")


def test_002_card_proofs_are_archived_then_purged_after_13_or_15_months(app, company, tmp_path):
    add_customer(company, PERSON, closed_at=None, created_at=NOW - timedelta(days=400))
    add_order(company, PERSON, PERSON, NOW - timedelta(days=2))
    add_order(company, PERSON + 1, PERSON, NOW - timedelta(days=2))
    debit = date(2026, 1, 29)
    add_proof(company, PERSON, PERSON, debit, deferred=False)
    add_proof(company, PERSON + 1, PERSON + 1, debit, deferred=True)
    db = database(company, tmp_path)
    run_retention(app.store, okasio(), [db], NOW)
    assert row(company, shop.CARD_PAYMENT_PROOFS, PERSON) is None  # out of active use, into the archive
    assert _archived(db) >= {PERSON, PERSON + 1}

    def purge_at(months: int, minus_days: int = 0):  # type: ignore[no-untyped-def]
        debit_day = NOW.replace(day=29, hour=0, minute=0)
        return Duration(months=months).add_to(debit_day) - timedelta(days=minus_days)

    run_retention(app.store, okasio(), [db], purge_at(13, minus_days=1))
    assert {PERSON, PERSON + 1} <= _archived(db)
    run_retention(app.store, okasio(), [db], purge_at(13))
    assert PERSON not in _archived(db) and PERSON + 1 in _archived(db)  # deferred debit: 15 months
    run_retention(app.store, okasio(), [db], purge_at(15))
    assert PERSON + 1 not in _archived(db)


def _archived(db) -> set[int]:  # type: ignore[no-untyped-def]
    engine = archive_engine(db)
    table = archive_table(engine, shop.CARD_PAYMENT_PROOFS, create=False)
    assert table is not None
    with engine.connect() as connection:
        return {r for (r,) in connection.execute(select(table.c.id))}


def test_002_a_closed_customer_keeps_names_for_ten_years_of_invoices_and_loses_the_rest_at_once(app, company,
                                                                                                   tmp_path):
    closed = NOW - timedelta(days=10)
    add_customer(company, PERSON, closed_at=closed, created_at=NOW - timedelta(days=900),
                 last_login_at=NOW - timedelta(days=20))
    add_order(company, PERSON, PERSON, NOW - timedelta(days=40))
    db = database(company, tmp_path)
    run_retention(app.store, okasio(), [db], NOW)
    customer = row(company, shop.CUSTOMERS, PERSON)
    assert customer is not None and customer["last_name"] == "Test"  # proof of contract: 10 years
    assert customer["email"].startswith("h$") and customer["phone"] is None  # client relationship over
    assert customer["birth_date"] == date(1980, 1, 1)  # the dataset generalizes it to its year
    invoice = row(company, shop.INVOICES, PERSON)
    assert invoice is not None and invoice["billing_name"] == "Camille Test"
    ten_years = Duration.parse("P10Y").add_to(NOW - timedelta(days=40))
    run_retention(app.store, okasio(), [db], ten_years - timedelta(days=1))
    assert row(company, shop.INVOICES, PERSON) is not None
    run_retention(app.store, okasio(), [db], ten_years)
    assert row(company, shop.INVOICES, PERSON) is None and row(company, shop.ORDERS, PERSON) is None
    assert row(company, shop.CUSTOMERS, PERSON) is None


def test_001_order_data_goes_five_years_after_the_persons_last_order(app, company, tmp_path):
    register = with_rules(seed_rules("001-ozio.yaml", ["order-data"], ["customer-management"]))
    add_customer(company, PERSON, closed_at=None, created_at=NOW - timedelta(days=3000))
    add_order(company, PERSON, PERSON, NOW - timedelta(days=2 * 365), invoice=False)
    add_order(company, PERSON + 1, PERSON, NOW - timedelta(days=10), invoice=False)
    last = Duration.parse("P5Y").add_to(NOW - timedelta(days=10))
    db = database(company, tmp_path)
    plan = plan_retention(app.store, register, [db], last - timedelta(days=1))
    assert ("customers", "delete") not in counts(plan)
    run_retention(app.store, register, [db], last - timedelta(days=1))
    first = row(company, shop.ORDERS, PERSON)
    assert first is not None and first["shipping_address"].startswith("3 rue")  # 7 years old, last order 5 - 1 day
    run_retention(app.store, register, [db], last)
    for number in (PERSON, PERSON + 1):  # order items (not order data) still point at the orders
        order = row(company, shop.ORDERS, number)
        assert order is not None and order["shipping_address"] == "adresse supprimée"
    customer = row(company, shop.CUSTOMERS, PERSON)
    assert customer is not None and customer["last_name"] == "[erased]" and customer["email"].startswith("h$")


def test_003_the_longest_rule_wins_and_the_plan_names_it(app, company, tmp_path):
    register = with_rules(seed_rules("003-myonlinestore.yaml", ["account-data", "tax-retention"],
                                     ["services-and-accounts", "customer-management"]))
    closed = NOW - timedelta(days=5)
    add_customer(company, PERSON, closed_at=closed, created_at=NOW - timedelta(days=900))
    db = database(company, tmp_path)
    plan = plan_retention(app.store, register, [db], NOW + timedelta(days=200))
    assert plan.deciding["shop/customers"]["rule"] == "tax-retention"
    run_retention(app.store, register, [db], Duration.parse("P3M").add_to(closed) + timedelta(days=1))
    assert row(company, shop.CUSTOMERS, PERSON) is not None  # three months after deletion, but ten years of tax records
    ten_years = Duration.parse("P10Y").add_to(closed)
    run_retention(app.store, register, [db], ten_years - timedelta(days=1))
    assert row(company, shop.CUSTOMERS, PERSON) is not None
    run_retention(app.store, register, [db], ten_years)
    assert row(company, shop.CUSTOMERS, PERSON) is None


def test_000_orders_are_aggregated_before_they_go_seven_years_after_termination(app, company, tmp_path):
    register = with_rules(seed_rules("000-crossops.yaml", ["customer-data-after-termination"],
                                     ["customer-management", "services-and-accounts", "payment"]))
    closed = NOW - timedelta(days=1)
    add_customer(company, PERSON, closed_at=closed, created_at=NOW - timedelta(days=900))
    add_order(company, PERSON, PERSON, NOW - timedelta(days=3), total=1500)
    add_order(company, PERSON + 1, PERSON, NOW - timedelta(days=2), total=2500)
    with company.connect() as connection:
        closed_ids = [i for (i,) in connection.execute(select(shop.CUSTOMERS.c.id)
                                                       .where(shop.CUSTOMERS.c.closed_at <= closed))]
        expected = connection.execute(select(shop.ORDERS.c.total_cents)
                                      .where(shop.ORDERS.c.customer_id.in_(closed_ids))).scalars().all()
    seven = Duration.parse("P7Y").add_to(closed)
    db = database(company, tmp_path)
    run_retention(app.store, register, [db], seven - timedelta(days=1))
    assert row(company, shop.ORDERS, PERSON) is not None
    run_retention(app.store, register, [db], seven)
    assert row(company, shop.ORDERS, PERSON) is None and row(company, shop.CUSTOMERS, PERSON) is None
    from egide.services.retention.batches import summary_table

    summary = summary_table(db.dataset.table("orders").summary)
    with company.connect() as connection:
        got = connection.execute(select(summary.c.rows, summary.c.total_cents_sum)).all()
        month = connection.execute(select(summary.c.ordered_at, summary.c.rows)
                                   .where(summary.c.ordered_at == NOW.strftime("%Y-%m"))).all()
    assert sum(r for r, _ in got) == len(expected) and sum(t for _, t in got) == sum(expected)
    assert sum(r for _, r in month) >= 2  # this month's two orders of the person, counted, not named


def test_004_inactive_accounts_are_anonymized_once_and_only_once(app, company, tmp_path):
    register = with_rules(seed_rules("004-bureau24.yaml", ["portal_inactive_5_years"], ["services-and-accounts"],
                                     action=RetentionAction.anonymize))
    add_customer(company, PERSON, closed_at=NOW - timedelta(days=100), created_at=NOW - timedelta(days=3000),
                 last_login_at=NOW - timedelta(days=100))
    five = Duration.parse("P5Y").add_to(NOW - timedelta(days=100))
    db = database(company, tmp_path)
    run_retention(app.store, register, [db], five - timedelta(days=1))
    assert row(company, shop.CUSTOMERS, PERSON)["last_name"] == "Test"  # type: ignore[index]
    first = run_retention(app.store, register, [db], five)
    customer = row(company, shop.CUSTOMERS, PERSON)
    assert customer is not None
    assert customer["email"].startswith("h$") and customer["postal_code"] == "00000"
    assert customer["birth_date"] == date(1980, 1, 1) and customer["last_name"] == "[erased]"
    assert str(customer["created_at"])[8:10] == "01"  # generalized to its month
    assert counts(first)[("customers", "anonymize")] >= 1
    again = run_retention(app.store, register, [db], five)
    assert counts(again).get(("customers", "anonymize"), 0) == 0
    assert row(company, shop.CUSTOMERS, PERSON) == customer


def test_a_rule_that_cannot_date_a_table_keeps_its_rows_and_the_plan_says_why(app, company, tmp_path):
    register = with_rules(seed_rules("002-okasio.yaml", ["prospect-data"], ["prospecting"]) +
                          seed_rules("004-bureau24.yaml", ["contact_request_resolved"], ["prospecting"]))
    add_prospect(company, PERSON, NOW - timedelta(days=4 * 365))
    plan = plan_retention(app.store, register, [database(company, tmp_path)], NOW)
    assert plan.deciding["shop/prospects"]["undated"] == ["contact_request_resolved"]
    assert any("contact_request_resolved covers prospects" in n for n in plan.notes)
    run_retention(app.store, register, [database(company, tmp_path)], NOW)
    assert row(company, shop.PROSPECTS, PERSON) is not None


def test_a_minimum_period_is_never_an_end(app, company, tmp_path):
    rules = seed_rules("002-okasio.yaml", ["prospect-data"], ["prospecting"])
    register = with_rules([rules[0].model_copy(update={"minimum": True})])
    add_prospect(company, PERSON, NOW - timedelta(days=10 * 365))
    run_retention(app.store, register, [database(company, tmp_path)], NOW)
    assert row(company, shop.PROSPECTS, PERSON) is not None
