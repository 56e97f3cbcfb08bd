"""The erasure plan: children before parents, and per table what goes, what is masked, what stays."""

from __future__ import annotations

from egide.datasets.model import ErasureStrategy
from egide.services.execution.erasure import plan_erasure
from egide.services.execution.keep import keep_rules
from egide.services.execution.locate import phone_forms
from tests.unit.execution import okasio, okasio_with_invoices, shop_dataset


def _plans(register):
    return {p.table: p for p in plan_erasure(shop_dataset(), keep_rules(shop_dataset(), register))}


def test_children_come_before_their_parents():
    order = [p.table for p in plan_erasure(shop_dataset(), keep_rules(shop_dataset(), okasio()))]
    for child, parent in [("order_items", "orders"), ("invoices", "orders"), ("card_payment_proofs", "orders"),
                          ("orders", "customers"), ("call_recordings", "support_tickets"),
                          ("support_tickets", "customers"), ("newsletter_subscribers", "customers")]:
        assert order.index(child) < order.index(parent), (child, parent)


def test_rows_marked_delete_row_go_and_customers_are_masked_not_deleted():
    plans = _plans(okasio())
    assert {name for name, p in plans.items() if p.delete} >= {"newsletter_subscribers", "support_tickets",
                                                               "call_recordings", "prospects"}
    customers = plans["customers"]
    assert not customers.delete
    masks = {m.column: m.strategy for m in customers.masks}
    assert masks["email"] is ErasureStrategy.keyed_hash
    assert masks["first_name"] is ErasureStrategy.redact
    assert masks["phone"] is ErasureStrategy.null
    assert "id" not in masks


def test_invoices_kept_without_a_register_rule_are_flagged_and_with_one_they_go_once_it_ends():
    without, with_rule = _plans(okasio())["invoices"], _plans(okasio_with_invoices())["invoices"]
    assert without.unjustified and not without.delete
    assert set(without.kept_columns) == {"billing_name", "billing_address"}
    assert not with_rule.unjustified and with_rule.delete
    assert [k.rule for k in with_rule.keep] == ["proof-of-contract"]


def test_card_proofs_are_deleted_once_their_proof_period_is_over():
    proofs = _plans(okasio())["card_payment_proofs"]
    assert proofs.delete
    assert {k.rule for k in proofs.keep} == {"card-proof-archive", "card-proof-deferred-debit"}


def test_a_kept_order_still_loses_its_shipping_address():
    orders = _plans(okasio_with_invoices())["orders"]
    assert [(m.column, m.strategy) for m in orders.masks] == [("shipping_address", ErasureStrategy.redact)]


def test_a_french_number_is_matched_in_its_international_and_national_spellings():
    assert phone_forms("+33639981234") == ["+33639981234", "0033639981234", "0639981234"]
    assert phone_forms("+4930123456") == ["+4930123456", "004930123456"]
