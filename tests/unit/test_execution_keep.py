"""Which rows an erasure keeps, from the register's retention rules (art. 17(3))."""

from __future__ import annotations

from datetime import date, datetime, timezone

from egide.domain.durations import Duration
from egide.register.loader import load_register
from egide.register.model import OpenEvent
from egide.services.execution.keep import CLAIMS, OBLIGATION, keep_rules, keeping_article, subtract
from tests.conftest import EXAMPLES
from tests.unit.execution import okasio, okasio_with_invoices, shop_dataset

NOW = datetime(2026, 1, 31, 9, 30, tzinfo=timezone.utc)


def _by_table(plan):
    return {(k.table, k.rule): k for k in plan.rules}


def test_seed_002_keeps_card_payment_proof_thirteen_months_after_the_debit_date():
    rules = _by_table(keep_rules(shop_dataset(), okasio()))
    proof = rules[("card_payment_proofs", "card-proof-archive")]
    assert proof.article == CLAIMS
    assert proof.legal_reference == "Code monétaire et financier, art. L133-24"
    assert proof.clock_column == ("card_payment_proofs", "debit_date")
    assert proof.period == Duration(months=13)
    assert proof.until(date(2025, 1, 31)) == date(2026, 2, 28)
    assert proof.only_where is None


def test_the_deferred_debit_extension_keeps_fifteen_months_only_the_rows_of_deferred_debit_cards():
    deferred = _by_table(keep_rules(shop_dataset(), okasio()))[("card_payment_proofs", "card-proof-deferred-debit")]
    assert deferred.period == Duration(months=15)
    assert deferred.only_where == "deferred_debit"


def test_seed_002_keeps_nothing_else_against_an_erasure():
    assert {k.table for k in keep_rules(shop_dataset(), okasio()).rules} == {"card_payment_proofs"}


def test_a_legal_obligation_keeps_invoices_ten_years_after_their_transaction_date():
    rules = _by_table(keep_rules(shop_dataset(), okasio_with_invoices()))
    invoices = rules[("invoices", "proof-of-contract")]
    assert invoices.article == OBLIGATION
    assert invoices.clock_column == ("invoices", "issued_at")
    assert invoices.period == Duration(years=10)
    assert "P10Y after invoices.issued_at (Code de commerce, art. L123-22; art. 17(3)(b))" == invoices.describe()


def test_order_lines_are_dated_by_their_order_up_the_references():
    items = _by_table(keep_rules(shop_dataset(), okasio_with_invoices()))[("order_items", "proof-of-contract")]
    assert items.clock_column == ("orders", "ordered_at")
    assert [(j.table, j.to_table) for j in items.via] == [("order_items", "orders")]


def test_a_table_that_no_column_dates_is_named_in_a_note_and_not_kept_by_the_rule():
    plan = keep_rules(shop_dataset(), okasio_with_invoices())
    assert ("customers", "proof-of-contract") not in _by_table(plan)
    assert any("customers" in note and "transaction_date" in note for note in plan.notes)


def test_a_rule_that_keeps_data_while_a_dispute_is_open_keeps_it_only_when_one_is_open():
    register = load_register(EXAMPLES / "004-bureau24.yaml").register
    rule = next(r for r in register.retention if r.key == "credit_check_evidence_dispute")
    assert keeping_article(rule) is None
    assert keeping_article(rule, frozenset({OpenEvent.dispute})) == CLAIMS


def test_a_rule_without_legal_ground_or_evidence_purpose_keeps_nothing():
    register = okasio()
    prospects = next(r for r in register.retention if r.key == "prospect-data")
    client = next(r for r in register.retention if r.key == "client-relationship")  # mentions proof, but P0D
    assert keeping_article(prospects) is None
    assert keeping_article(client) is None


def test_the_seed_registers_legal_obligations_are_found():
    found = {}
    for name in ("001-ozio", "003-myonlinestore"):
        register = load_register(EXAMPLES / f"{name}.yaml").register
        found[name] = {r.key for r in register.retention if keeping_article(r) == OBLIGATION}
    assert found == {"001-ozio": {"accounting-documents"}, "003-myonlinestore": {"tax-retention"}}


def test_a_row_is_kept_while_its_clock_is_after_now_minus_the_period_in_calendar_months():
    assert subtract(Duration(months=13), NOW) == datetime(2024, 12, 31, 9, 30, tzinfo=timezone.utc)
    assert subtract(Duration(months=1), datetime(2026, 3, 31, tzinfo=timezone.utc)) == \
        datetime(2026, 2, 28, tzinfo=timezone.utc)
    assert subtract(Duration(years=10, days=2), NOW) == datetime(2016, 1, 29, 9, 30, tzinfo=timezone.utc)
