"""The demo shop for retention tests: a small shop built at NOW, then a few fictional people whose
clocks the tests set, and registers made of the seeds' retention rules mapped onto the shop's
activities (the shop's dataset is annotated for seed 002's activities)."""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select

from egide.datasets.loader import load_dataset
from egide.datasets.model import Dataset
from egide.demo import shop
from egide.register.loader import load_register
from egide.register.model import Register, RetentionRule
from egide.services.request_runner import CompanyDatabase
from tests.conftest import EXAMPLES, ROOT
from tests.integration.execution_shop import company_engine

NOW = datetime(2026, 1, 31, 9, 30, tzinfo=timezone.utc)
SHOP_DATASET = ROOT / "examples" / "datasets" / "shop.yaml"
PERSON = 9501  # ids of the tests' own rows start here, apart from the shop's


def dataset() -> Dataset:
    return load_dataset(SHOP_DATASET).dataset


def okasio() -> Register:
    return load_register(EXAMPLES / "002-okasio.yaml").register


def without_recontact(register: Register) -> Register:
    """The register with no re-contact before deletion (a re-contact keeps its rows until the person
    was asked: tests/integration/test_recontact_retention.py), for tests of other holds."""
    return register.model_copy(update={"retention": [r.model_copy(update={"recontact": None})
                                                     for r in register.retention]})


def seed_rules(seed: str, keys: list[str], activities: list[str], **changes: Any) -> list[RetentionRule]:
    """Rules of a seed register, as written, but serving the shop's ``activities``."""
    register = load_register(EXAMPLES / seed).register
    rules = {r.key: r for r in register.retention}
    return [rules[k].model_copy(update={"activities": activities, **changes}) for k in keys]


def with_rules(rules: list[RetentionRule]) -> Register:
    """Seed 002 (the shop's register) with only ``rules`` as its retention."""
    return okasio().model_copy(update={"retention": rules})


def build(target: str, root: Path) -> Engine:
    """A small shop at NOW in ``target`` (an SQLite path or a URL), foreign keys enforced."""
    engine = company_engine(target)
    shop.build_shop(engine, customers=30, seed=11, now=NOW, log_directory=root / "logs", log_days=20)
    return engine


def database(engine: Engine, root: Path, ds: Dataset | None = None) -> CompanyDatabase:
    return CompanyDatabase(ds or dataset(), engine, root)


def add_customer(engine: Engine, number: int, *, closed_at: datetime | None, created_at: datetime,
                 last_login_at: datetime | None = None, email: str | None = None) -> None:
    with engine.begin() as connection:
        connection.execute(shop.CUSTOMERS.insert(), {
            "id": number, "email": email or f"client.{number}@example.com", "first_name": "Camille",
            "last_name": "Test", "phone": f"06 00 00 {number % 100:02d} {number % 97:02d}",
            "street_address": "3 rue de l'Exemple", "postal_code": "59000", "city": "Lille",
            "birth_date": date(1980, 6, 15), "created_at": created_at, "last_login_at": last_login_at,
            "closed_at": closed_at})


def add_order(engine: Engine, number: int, customer: int, at: datetime, total: int = 1000,
              status: str = "delivered", items: bool = True, invoice: bool = True) -> None:
    with engine.begin() as connection:
        connection.execute(shop.ORDERS.insert(), {
            "id": number, "customer_id": customer, "ordered_at": at, "status": status, "total_cents": total,
            "shipping_address": "3 rue de l'Exemple, 59000 Lille", "delivered_at": None})
        if items:
            connection.execute(shop.ORDER_ITEMS.insert(), {"id": number, "order_id": number,
                                                           "product_label": "Théière", "quantity": 1,
                                                           "unit_price_cents": total})
        if invoice:
            connection.execute(shop.INVOICES.insert(), {
                "id": number, "order_id": number, "number": f"F-{number}", "issued_at": at,
                "billing_name": "Camille Test", "billing_address": "3 rue de l'Exemple, 59000 Lille",
                "amount_cents": total})


def add_proof(engine: Engine, number: int, order: int, debit: date, deferred: bool) -> None:
    with engine.begin() as connection:
        connection.execute(shop.CARD_PAYMENT_PROOFS.insert(), {
            "id": number, "order_id": order, "card_brand": "VISA", "card_last4": "4242", "card_expiry": "12/29",
            "deferred_debit": deferred, "authorization_code": "A1B2C3", "debit_date": debit})


def add_prospect(engine: Engine, number: int, last_contact: datetime) -> None:
    with engine.begin() as connection:
        connection.execute(shop.PROSPECTS.insert(), {
            "id": number, "email": f"prospect.{number}@example.com", "first_name": "Dominique", "last_name": "Essai",
            "company": None, "phone": None, "source": "salon", "collected_at": last_contact,
            "last_contact_at": last_contact})


def row(engine: Engine, table: Any, key: int) -> dict[str, Any] | None:
    with engine.connect() as connection:
        found = connection.execute(select(table).where(table.c.id == key)).first()
    return dict(found._mapping) if found else None


def rows(engine: Engine, table: Any) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


def counts(result: Any) -> dict[tuple[str, str], int]:
    """{(table, action): rows} of a plan or a run, without the zeros."""
    found: dict[tuple[str, str], int] = {}
    for c in result.counts:
        if c.rows:
            found[(c.table, c.action.value)] = found.get((c.table, c.action.value), 0) + c.rows
    return found
