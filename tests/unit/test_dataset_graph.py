"""The reference graph: children are erased before parents, loops are named, and every table
finds its shortest way to the person."""

from __future__ import annotations

from egide.datasets.graph import erasure_order, identity_paths, references
from egide.datasets.loader import load_dataset
from egide.datasets.model import Dataset
from tests.unit.datasets import SHOP_DATASET


def dataset(*tables: tuple[str, dict[str, str]], identities: dict[str, str] | None = None) -> Dataset:
    """tables: (name, {column: referenced table.column}); identities: {table: identity column}."""
    identities = identities or {}
    return Dataset.model_validate({"name": "t", "tables": [
        {"name": name, "columns": [{"name": "id"},
                                   *({"name": col, "references": ref} for col, ref in refs.items()),
                                   *([{"name": identities[name], "identity": "email"}] if name in identities else [])]}
        for name, refs in tables]})


def test_the_shop_is_erased_children_first():
    order = erasure_order(load_dataset(SHOP_DATASET).dataset)
    assert order.cycles == ()
    position = {name: i for i, name in enumerate(order.tables)}
    for ref in references(load_dataset(SHOP_DATASET).dataset):
        assert position[ref.child] < position[ref.parent], str(ref)
    assert order.tables[-2:] == ("customers", "prospects")


def test_ties_keep_the_files_order():
    order = erasure_order(dataset(("b", {}), ("a", {}), ("c", {"a_id": "a.id"})))
    assert order.tables == ("b", "c", "a")


def test_a_table_pointing_at_itself_is_a_cycle():
    order = erasure_order(dataset(("employees", {"manager_id": "employees.id"}), ("badges", {"e": "employees.id"})))
    assert order.cycles == (("employees",),)
    assert order.tables == ("badges", "employees")


def test_two_tables_pointing_at_each_other_are_one_cycle_placed_together():
    order = erasure_order(dataset(("a", {"b_id": "b.id"}), ("b", {"a_id": "a.id"}), ("child", {"a_id": "a.id"}),
                                  ("root", {})))
    assert order.cycles == (("a", "b"),)
    assert order.tables.index("child") < order.tables.index("a")
    assert set(order.tables) == {"a", "b", "child", "root"} and len(order.tables) == 4


def test_a_long_chain_does_not_hit_the_recursion_limit():
    chain = [(f"t{i}", {"up": f"t{i + 1}.id"}) for i in range(3000)] + [("t3000", {})]
    order = erasure_order(dataset(*chain))
    assert order.tables[0] == "t0" and order.tables[-1] == "t3000" and order.cycles == ()


def test_each_table_reaches_the_identity_by_the_shortest_path_and_says_how_to_join():
    paths = identity_paths(load_dataset(SHOP_DATASET).dataset)
    [by_email] = [p for p in paths["order_items"] if (p.identity_table, p.identity_column) == ("customers", "email")]
    assert [j.sql() for j in by_email.joins] == ["order_items.order_id = orders.id", "orders.customer_id = customers.id"]
    assert all(j.upward for j in by_email.joins)
    assert paths["order_items"][0].identity_table == "customers"  # the shortest first
    own = [p for p in paths["prospects"] if p.identity_column == "email"]
    assert own[0].joins == () and own[0].identity_table == "prospects"


def test_a_parent_table_reaches_the_person_through_its_child():
    data = dataset(("customers", {"address_id": "addresses.id"}), ("addresses", {}), identities={"customers": "email"})
    [path] = identity_paths(data)["addresses"]
    assert [j.sql() for j in path.joins] == ["addresses.id = customers.address_id"]
    assert not path.joins[0].upward


def test_a_table_with_no_reference_to_a_person_has_no_path():
    data = dataset(("customers", {}), ("products", {}), identities={"customers": "email"})
    assert set(identity_paths(data)) == {"customers"}
