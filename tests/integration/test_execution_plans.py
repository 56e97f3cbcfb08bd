"""The statements that locate a person are built once per dataset and shape of request, and each
person's values are bound at execution: on SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import Engine, or_, select

from egide.domain.identity import Identifier
from egide.services.execution import locate as locate_module
from egide.services.execution.locate import Location, company_tables, locate
from tests.integration.execution_shop import ALICE, ALICE_EMAIL, BRUNO_EMAIL, build, company_engine
from tests.unit.execution import shop_dataset


@pytest.fixture(params=["sqlite", "postgres"])
def company(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    target = str(tmp_path / "shop.db") if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    engine = company_engine(target)
    build(engine, tmp_path)
    yield engine
    engine.dispose()


def _emails(company: Engine, location: Location) -> list[str]:
    with company.connect() as connection:
        return sorted(connection.execute(location.rows("customers", "email"), location.params).scalars())


def _order_ids(company: Engine, location: Location) -> list[int]:
    with company.connect() as connection:
        return sorted(connection.execute(location.rows("orders", "id"), location.params).scalars())


def _locate(company: Engine, dataset, email: str) -> Location:  # type: ignore[no-untyped-def]
    with company.connect() as connection:
        return locate(connection, dataset, company_tables(company, dataset), [Identifier.of("email", email)])


def test_two_people_asking_with_an_email_share_one_plan_and_each_gets_only_their_rows(company):
    dataset = shop_dataset()
    alice, bruno = _locate(company, dataset, ALICE_EMAIL), _locate(company, dataset, BRUNO_EMAIL)
    assert alice.plan is bruno.plan
    assert alice.conditions["orders"] is bruno.conditions["orders"]
    assert _emails(company, alice) == [ALICE_EMAIL] and _emails(company, bruno) == [BRUNO_EMAIL]
    assert _order_ids(company, alice) and not set(_order_ids(company, alice)) & set(_order_ids(company, bruno))
    assert str(ALICE) in {i.value for i in alice.identifiers}  # her customer number, read from her row


def test_two_peoples_conditions_with_their_values_inside_can_be_combined_in_one_statement(company):
    dataset = shop_dataset()
    alice, bruno = _locate(company, dataset, ALICE_EMAIL), _locate(company, dataset, BRUNO_EMAIL)
    orders = alice.tables["orders"]
    both = select(orders.c.id).where(or_(alice.bound("orders"), bruno.bound("orders")))
    with company.connect() as connection:
        found = sorted(connection.execute(both).scalars())
    assert found == sorted(_order_ids(company, alice) + _order_ids(company, bruno))


def test_keys_past_the_literal_limit_are_read_by_subquery_and_find_the_same_rows(company, monkeypatch):
    dataset = shop_dataset()
    literal = _locate(company, dataset, ALICE_EMAIL)
    monkeypatch.setattr(locate_module, "MAX_LITERAL_KEYS", 0)  # every key read is "too many"
    by_subquery = _locate(company, dataset, ALICE_EMAIL)
    assert by_subquery.plan is not literal.plan and by_subquery.plan is not None
    assert by_subquery.plan.shape.big
    assert _order_ids(company, by_subquery) == _order_ids(company, literal)
    assert _emails(company, by_subquery) == [ALICE_EMAIL]


def test_a_condition_read_by_subquery_keeps_the_persons_values_once_bound(company, monkeypatch):
    dataset = shop_dataset()
    monkeypatch.setattr(locate_module, "MAX_LITERAL_KEYS", 0)
    alice = _locate(company, dataset, ALICE_EMAIL)
    items = alice.tables["order_items"]
    with company.connect() as connection:
        bound = sorted(connection.execute(select(items.c.id).where(alice.bound("order_items"))).scalars())
        with_params = sorted(connection.execute(select(items.c.id).where(alice.condition("order_items")),
                                                alice.params).scalars())
    assert bound and bound == with_params
