"""Retention rules without a database: calendar cutoffs, the rule that decides, legal holds that
hold together, and seed 002 compiled onto the shop's dataset."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from egide.datasets.loader import load_dataset
from egide.domain.durations import Duration
from egide.domain.errors import InvalidInputError
from egide.domain.retention import Action, Cover, Hold, HoldScope, check_hold, cutoff, deciding_rule, expires_on
from egide.register.loader import load_register
from egide.services.retention.compile import compile_dataset
from tests.conftest import EXAMPLES, ROOT

AT = datetime(2026, 3, 31, 12, 0, tzinfo=timezone.utc)


def test_a_month_after_the_31st_of_january_ends_on_the_last_day_of_february():
    assert expires_on(Duration.parse("P1M"), date(2026, 1, 31)) == date(2026, 2, 28)
    assert cutoff(Duration.parse("P1M"), AT) == datetime(2026, 2, 28, 12, 0, tzinfo=timezone.utc)


def test_a_clock_at_the_cutoff_has_expired_and_a_second_later_has_not():
    limit = cutoff(Duration.parse("P3Y"), AT)
    assert expires_on(Duration.parse("P3Y"), limit) <= AT
    assert expires_on(Duration.parse("P3Y"), limit + timedelta(seconds=1)) > AT


def test_three_years_from_the_end_of_the_collection_year_start_on_the_31st_of_december():
    assert expires_on(Duration.parse("P3Y"), date(2022, 3, 1), "end_of_collection_year") == date(2025, 12, 31)
    limit = cutoff(Duration.parse("P3Y"), datetime(2026, 1, 5, tzinfo=timezone.utc), "end_of_collection_year")
    assert limit.year == 2022  # data collected in 2022 is over, 2023's is not


def _cover(rule: str, period: str, columns: tuple[str, ...] | None = None, archive: str | None = None) -> Cover:
    return Cover(rule, "t", Action.archive if archive else Action.delete, Duration.parse(period), "collection",
                 ("t", "c"), columns=columns, archive_for=Duration.parse(archive) if archive else None)


def test_the_longest_rule_decides_archive_period_included():
    assert deciding_rule([_cover("a", "P3Y"), _cover("b", "P10Y", ("x",)), _cover("c", "P1Y")]).rule == "b"
    assert deciding_rule([_cover("a", "P13M"), _cover("b", "P0D", archive="P15M")]).rule == "b"


def test_an_undated_rule_never_decides():
    undated = Cover("u", "t", Action.delete, Duration.parse("P99Y"), "contract_end", None)
    assert deciding_rule([undated, _cover("a", "P1Y")]).rule == "a"


def test_a_hold_without_reason_or_owner_or_ending_before_it_starts_is_refused_with_every_problem():
    hold = Hold(None, HoldScope.table, " ", "", AT, AT - timedelta(days=1), dataset="shop")
    with pytest.raises(InvalidInputError) as caught:
        check_hold(hold)
    assert {p.path for p in caught.value.problems} == {"reason", "owner", "ends_at", "table"}


def test_a_hold_is_in_force_from_its_start_until_its_end_or_until_it_is_ended():
    hold = Hold(1, HoldScope.dataset, "audit", "DPO", AT, AT + timedelta(days=2), dataset="shop")
    assert not hold.active(AT - timedelta(seconds=1)) and hold.active(AT)
    assert not hold.active(AT + timedelta(days=2))
    ended = Hold(1, HoldScope.dataset, "audit", "DPO", AT, None, dataset="shop", ended_at=AT + timedelta(hours=1))
    assert ended.active(AT) and not ended.active(AT + timedelta(hours=1))


@pytest.fixture(scope="module")
def okasio_on_the_shop():  # type: ignore[no-untyped-def]
    compiled = compile_dataset(load_dataset(ROOT / "examples" / "datasets" / "shop.yaml").dataset,
                               load_register(EXAMPLES / "002-okasio.yaml").register)
    return {c.table: c for c in compiled}


def test_seed_002_on_the_shop_invoices_are_decided_by_the_ten_years_of_proof(okasio_on_the_shop):
    invoices = okasio_on_the_shop["invoices"]
    assert invoices.deciding.rule == "proof-of-contract" and invoices.action is Action.delete
    relationship = next(c for c in invoices.covers if c.rule == "client-relationship")
    assert relationship.clock_column == ("customers", "closed_at") and len(relationship.via) == 2


def test_seed_002_on_the_shop_a_customer_is_dated_by_the_latest_of_their_orders(okasio_on_the_shop):
    proof = next(c for c in okasio_on_the_shop["customers"].covers if c.rule == "proof-of-contract")
    assert proof.derived == "latest_child" and proof.clock_column == ("orders", "ordered_at")
    assert set(proof.columns or ()) == {"first_name", "last_name", "street_address", "postal_code", "city"}


def test_seed_002_on_the_shop_deferred_debit_proofs_are_archived_fifteen_months(okasio_on_the_shop):
    proofs = okasio_on_the_shop["card_payment_proofs"]
    deferred = next(c for c in proofs.covers if c.rule == "card-proof-deferred-debit")
    assert proofs.action is Action.archive and deferred.only_where == "deferred_debit"
    assert proofs.deciding.rule == "card-proof-deferred-debit"


def test_seed_002_on_the_shop_the_objection_list_covers_only_people_who_objected(okasio_on_the_shop):
    objection = next(c for c in okasio_on_the_shop["newsletter_subscribers"].covers if c.rule == "objection-list")
    assert objection.optional_clock and objection.clock_column == ("newsletter_subscribers", "unsubscribed_at")
    assert "support_tickets" not in okasio_on_the_shop  # no rule of seed 002 covers support
