"""The dataset format: what a column and a table may say, and the shorthands it accepts."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from egide.datasets.loader import load_dataset
from egide.datasets.model import (
    AnonymizationStrategy,
    Column,
    Dataset,
    ErasureStrategy,
    LogDirectory,
    Table,
)
from egide.domain.identity import IdentifierKind
from egide.register.model import RetentionClock
from tests.unit.datasets import SHOP_DATASET, small


def test_the_example_shop_dataset_loads_with_its_nine_tables_and_log_directory():
    dataset = load_dataset(SHOP_DATASET).dataset
    assert [t.name for t in dataset.tables] == [
        "customers", "orders", "order_items", "invoices", "card_payment_proofs", "newsletter_subscribers",
        "support_tickets", "call_recordings", "prospects"]
    assert [d.name for d in dataset.log_directories] == ["web-access"]
    kinds = {(t.name, c.name): c.identity for t, c in dataset.identity_columns()}
    assert kinds[("customers", "email")] is IdentifierKind.email
    assert kinds[("call_recordings", "caller_phone")] is IdentifierKind.phone


def test_a_column_without_its_own_erasure_takes_the_tables_for_personal_columns_only():
    table = Table.model_validate({"name": "orders", "erasure": "keep", "columns": [
        {"name": "id"}, {"name": "address", "data_categories": ["user.contact.address"]},
        {"name": "email", "data_categories": ["user.contact.email"], "erasure": "keyed_hash"}]})
    assert table.erasure_of(table.columns[0]) is None
    assert table.erasure_of(table.columns[1]) is ErasureStrategy.keep
    assert table.erasure_of(table.columns[2]) is ErasureStrategy.keyed_hash


def test_an_anonymization_may_be_written_as_its_strategy_alone():
    column = Column.model_validate({"name": "birth_date", "anonymization": "generalize_year"})
    assert column.anonymization is not None
    assert column.anonymization.strategy is AnonymizationStrategy.generalize_year


def test_the_constant_strategy_needs_its_value_and_only_it_takes_one():
    with pytest.raises(ValidationError, match="needs a value"):
        Column.model_validate({"name": "city", "anonymization": "constant"})
    with pytest.raises(ValidationError, match="only meaningful with the constant"):
        Column.model_validate({"name": "city", "anonymization": {"strategy": "null", "value": "x"}})
    kept = Column.model_validate({"name": "city", "anonymization": {"strategy": "constant", "value": "Paris"}})
    assert kept.anonymization is not None and kept.anonymization.value == "Paris"


def test_a_single_clock_and_a_single_primary_key_column_may_be_written_without_a_list():
    table = Table.model_validate({"name": "t", "primary_key": "id",
                                  "columns": [{"name": "id"}, {"name": "at", "clocks": "last_contact"}]})
    assert table.primary_key == ["id"] and table.columns[1].clocks == [RetentionClock.last_contact]


def test_a_reference_is_split_into_table_and_column():
    column = Column.model_validate({"name": "customer_id", "references": "customers.id"})
    assert column.referenced() == ("customers", "id")
    with pytest.raises(ValidationError):
        Column.model_validate({"name": "customer_id", "references": "customers"})


def test_only_user_categories_make_a_column_personal():
    assert not Column.model_validate({"name": "x", "data_categories": ["system.operations"]}).is_personal
    assert Column.model_validate({"name": "x", "data_categories": ["user.name"]}).is_personal
    assert Column.model_validate({"name": "x", "identity": "phone"}).is_personal


def test_log_patterns_must_compile_and_name_their_group():
    base = {"name": "web", "path": "logs/*.log", "timestamp": {"pattern": r"\[(?P<timestamp>[^\]]+)\]",
                                                               "format": "%d/%b/%Y:%H:%M:%S %z"}}
    assert LogDirectory.model_validate(base).erasure.value == "delete_line"
    with pytest.raises(ValidationError, match="named group"):
        LogDirectory.model_validate({**base, "identifiers": [{"kind": "email", "pattern": r"\S+@\S+"}]})
    with pytest.raises(ValidationError, match="not a valid regular expression"):
        LogDirectory.model_validate({**base, "timestamp": {"pattern": "(?P<timestamp>[", "format": "%Y"}})


def test_unknown_fields_are_refused():
    data = small()
    data["tables"][0]["columns"][0]["identiy"] = "email"
    with pytest.raises(ValidationError, match="identiy"):
        Dataset.model_validate(data)


def test_every_field_of_the_format_is_documented():
    from egide.datasets import model
    from tests.conftest import ROOT

    doc = (ROOT / "docs" / "datasets.md").read_text(encoding="utf-8")
    fields = {name for obj in vars(model).values() if isinstance(obj, type) and issubclass(obj, model._Model)
              for name in obj.model_fields}
    assert sorted(f for f in fields if f"`{f}`" not in doc) == []
