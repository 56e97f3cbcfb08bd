"""Fides dataset files come in: identities, references, primary keys and masking carry over;
what cannot is reported as a note at its line in the Fides file."""

from __future__ import annotations

import pytest

from egide.datasets.loader import load_dataset
from egide.datasets.model import ErasureStrategy
from egide.domain.errors import InvalidInputError
from egide.domain.identity import IdentifierKind
from egide.register.loader import load_register
from tests.unit.datasets import FIDES_SHOP, OKASIO, line_of

EXOTIC = """\
dataset:
  - fides_key: crm
    fides_meta:
      namespace: {database_name: crm, schema: public}
    collections:
      - name: users
        fides_meta:
          after: [crm.accounts]
        fields:
          - name: id
            fides_meta: {primary_key: true, identity: user_id}
          - name: email
            data_categories: [user.contact.email]
            fides_meta:
              identity: email
              masking_strategy_override: {strategy: aes_encrypt}
          - name: profile
            fields:
              - name: nickname
                data_categories: [user.name]
          - name: legacy_email
            data_categories: [user.contact.email]
            fides_meta: {read_only: true}
      - name: accounts
        fields:
          - name: user_id
            fides_meta:
              references:
                - {dataset: crm, field: users.id, direction: from}
                - {dataset: billing, field: customers.id, direction: to}
"""


def write(tmp_path, text, name="fides.yml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_example_fides_file_maps_identities_keys_references_and_masking():
    loaded = load_dataset(FIDES_SHOP)
    dataset = loaded.dataset
    assert loaded.origin == "fides" and dataset.name == "shop_postgres"
    customers, orders, subscribers = dataset.tables
    assert customers.column("email").identity is IdentifierKind.email
    assert customers.column("phone").identity is IdentifierKind.phone
    assert customers.primary_key == ["id"] and orders.primary_key == ["id"]
    assert orders.column("customer_id").references == "customers.id"
    assert orders.erasure is ErasureStrategy.delete_row
    assert orders.column("shipping_address").erasure is ErasureStrategy.null
    assert subscribers.column("customer_id").referenced() == ("customers", "id")


def test_data_uses_become_the_activities_of_a_register_preferring_the_same_key():
    register = load_register(OKASIO).register
    loaded = load_dataset(FIDES_SHOP, register=register)
    assert [t.activities for t in loaded.dataset.tables] == [["services-and-accounts"], ["customer-management"],
                                                            ["prospecting"]]
    assert loaded.notes == ()


def test_without_a_register_data_uses_are_noted_not_guessed():
    loaded = load_dataset(FIDES_SHOP)
    assert all(not t.activities for t in loaded.dataset.tables)
    assert [n.message for n in loaded.notes] == [
        "data uses essential.service are not mapped to activities", "data uses sales are not mapped to activities",
        "data uses marketing.communications.email are not mapped to activities"]
    assert "name: customers" in line_of(FIDES_SHOP, loaded.notes[0].line)


def test_what_does_not_map_is_noted_at_its_line_in_the_fides_file(tmp_path):
    path = write(tmp_path, EXOTIC)
    loaded = load_dataset(path)
    notes = {n.message: n for n in loaded.notes}
    assert set(notes) == {
        "the namespace (database, schema or project) is not kept",
        "collection after is not kept",
        "identity 'user_id' is read as customer_id",
        "masking strategy 'aes_encrypt' has no Egide equivalent",
        "nested field 'profile' is not kept: Egide annotates SQL columns",
        "reference to billing.customers.id (another dataset) is not kept",
    }
    assert "namespace" in line_of(path, notes["the namespace (database, schema or project) is not kept"].line)
    assert "user_id" in line_of(path, notes["identity 'user_id' is read as customer_id"].line)
    assert "profile" in line_of(path, notes["nested field 'profile' is not kept: Egide annotates SQL columns"].line)
    users, accounts = loaded.dataset.tables
    assert [c.name for c in users.columns] == ["id", "email", "legacy_email"]
    assert users.column("id").identity is IdentifierKind.customer_id
    assert users.column("legacy_email").erasure is ErasureStrategy.keep
    assert accounts.column("user_id").references == "users.id"


def test_a_problem_of_the_converted_dataset_is_placed_in_the_fides_file(tmp_path):
    text = EXOTIC.replace("field: users.id", "field: user.id")
    path = write(tmp_path, text)
    with pytest.raises(InvalidInputError) as caught:
        load_dataset(path)
    [problem] = caught.value.problems
    assert "no table 'user'" in problem.message and problem.hint == "did you mean 'users'?"
    assert "references" in line_of(path, problem.line)


def test_fides_own_validation_refuses_a_dataset_without_a_key(tmp_path):
    path = write(tmp_path, "dataset:\n  - name: x\n    collections: []\n")
    with pytest.raises(InvalidInputError) as caught:
        load_dataset(path)
    assert any(p.message == "Fides: required field 'fides_key' is missing" and p.line == 2
               for p in caught.value.problems)


def test_a_file_with_several_datasets_needs_the_one_to_import(tmp_path):
    second = EXOTIC.replace("dataset:\n", "").replace("fides_key: crm", "fides_key: crm_copy")
    path = write(tmp_path, EXOTIC + second)
    with pytest.raises(InvalidInputError, match=r"holds 2 datasets \(crm, crm_copy\): pick one"):
        load_dataset(path)
    assert load_dataset(path, fides_dataset="crm_copy").dataset.name == "crm_copy"
    with pytest.raises(InvalidInputError, match="no Fides dataset 'nope'"):
        load_dataset(path, fides_dataset="nope")
