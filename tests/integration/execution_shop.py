"""The sample shop, and three fictional people added to it for the tests of executed rights:
Alice (the person who asks), Bruno (who shares Alice's phone number) and Chloé (a prospect with
the same number). Works on SQLite (foreign keys enforced) and PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, select

from egide.demo import shop
from egide.domain.identity import Identifier

NOW = datetime(2026, 1, 31, 9, 30, tzinfo=timezone.utc)
SHARED_PHONE = "06 39 98 00 01"
ALICE, BRUNO = 9001, 9002
ALICE_EMAIL, BRUNO_EMAIL, CHLOE_EMAIL = ("alice.martin.9001@example.com", "bruno.martin.9002@example.com",
                                         "chloe.durand.9003@example.com")


def company_engine(target: str) -> Engine:
    """An engine on the company's database; SQLite enforces foreign keys like PostgreSQL."""
    if "://" not in target:
        engine = create_engine(f"sqlite:///{target}")

        @event.listens_for(engine, "connect")
        def _foreign_keys(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            dbapi_connection.execute("PRAGMA foreign_keys = ON")

        return engine
    return create_engine(target)


def alice() -> list[Identifier]:
    return [Identifier.of("email", ALICE_EMAIL), Identifier.of("phone", SHARED_PHONE)]


@dataclass(frozen=True)
class Ids:
    orders: dict[str, int]
    invoices: dict[str, int]
    proofs: dict[str, int]


def build(engine: Engine, root: Path) -> None:
    """The shop (40 customers), then Alice, Bruno and Chloé, and access-log lines naming them."""
    shop.build_shop(engine, customers=40, seed=7, now=NOW, log_directory=root / "logs", log_days=2)
    rows = _people()
    with engine.begin() as connection:
        for table in shop.METADATA.sorted_tables:
            if rows.get(table.name):
                connection.execute(table.insert(), rows[table.name])
    stamp = (NOW - timedelta(days=1)).strftime("%d/%b/%Y:%H:%M:%S +0000")
    lines = [f'198.51.100.{i} - - [{stamp}] "GET /api/customers/{c} HTTP/1.1" 200 512 "-" "test"\n'
             for i, c in enumerate((ALICE, BRUNO, ALICE, 90010), start=1)]
    (root / "logs" / "access-people.log").write_text("".join(lines), encoding="utf-8")


def _people() -> dict[str, list[dict[str, Any]]]:
    rows: dict[str, list[dict[str, Any]]] = {t.name: [] for t in shop.METADATA.sorted_tables}
    for number, email, first in ((ALICE, ALICE_EMAIL, "Alice"), (BRUNO, BRUNO_EMAIL, "Bruno")):
        rows["customers"].append({
            "id": number, "email": email, "first_name": first, "last_name": "Martin", "phone": SHARED_PHONE,
            "street_address": "1 rue de l'Exemple", "postal_code": "59000", "city": "Lille", "birth_date": None,
            "created_at": NOW - timedelta(days=4500), "last_login_at": NOW - timedelta(days=2), "closed_at": None})
    # Alice: a recent order, an order of eleven years ago, one of fourteen months ago paid by deferred debit.
    _order(rows, 90001, ALICE, NOW - timedelta(days=20), deferred=False)
    _order(rows, 90002, ALICE, NOW - timedelta(days=11 * 365 + 3), deferred=False)
    _order(rows, 90003, ALICE, NOW - timedelta(days=14 * 31), deferred=True)
    _order(rows, 90004, BRUNO, NOW - timedelta(days=10), deferred=False)
    rows["newsletter_subscribers"].append({
        "id": 90001, "email": ALICE_EMAIL, "customer_id": ALICE, "first_name": "Alice", "source": "checkout",
        "subscribed_at": NOW - timedelta(days=400), "unsubscribed_at": None})
    for ticket, customer in ((90001, ALICE), (90002, BRUNO)):
        rows["support_tickets"].append({
            "id": ticket, "customer_id": customer, "channel": "phone", "subject": "Colis non reçu",
            "message": "Bonjour, mon colis n'est pas arrivé.", "opened_at": NOW - timedelta(days=5),
            "resolved_at": None})
        rows["call_recordings"].append({
            "id": ticket, "ticket_id": ticket, "caller_phone": SHARED_PHONE, "started_at": NOW - timedelta(days=5),
            "duration_seconds": 120, "recording_uri": f"recordings/call-{ticket}.ogg", "agent": "Sam"})
    rows["prospects"].append({
        "id": 90001, "email": CHLOE_EMAIL, "first_name": "Chloé", "last_name": "Durand", "company": None,
        "phone": SHARED_PHONE, "source": "salon", "collected_at": NOW - timedelta(days=30),
        "last_contact_at": NOW - timedelta(days=30)})
    return rows


def _order(rows: dict[str, list[dict[str, Any]]], number: int, customer: int, at: datetime, deferred: bool) -> None:
    address = "1 rue de l'Exemple, 59000 Lille"
    rows["orders"].append({"id": number, "customer_id": customer, "ordered_at": at, "status": "delivered",
                           "total_cents": 2450, "shipping_address": address, "delivered_at": at + timedelta(days=2)})
    rows["order_items"].append({"id": number, "order_id": number, "product_label": "Stylo plume acier",
                                "quantity": 1, "unit_price_cents": 2450})
    rows["invoices"].append({"id": number, "order_id": number, "number": f"T{number}", "issued_at": at,
                             "billing_name": "Alice Martin" if customer == ALICE else "Bruno Martin",
                             "billing_address": address, "amount_cents": 2450})
    rows["card_payment_proofs"].append({
        "id": number, "order_id": number, "card_brand": "CB", "card_last4": "4242", "card_expiry": "12/28",
        "deferred_debit": deferred, "authorization_code": "A1B2C3",
        "debit_date": (at + timedelta(days=30 if deferred else 1)).date()})


def snapshot(engine: Engine) -> dict[str, list[tuple[str, ...]]]:
    """Every row of the shop, as text, sorted: two databases in the same state compare equal."""
    with engine.connect() as connection:
        return {t.name: sorted(tuple("" if v is None else str(v) for v in row)
                               for row in connection.execute(select(t)))
                for t in shop.METADATA.sorted_tables}


def others(state: dict[str, list[tuple[str, ...]]]) -> dict[str, list[tuple[str, ...]]]:
    """The rows that are not Alice's (ids of her rows are 9001 and 900xx, kept apart from the shop's)."""
    mine = {"customers": {str(ALICE)}, "orders": {"90001", "90002", "90003"},
            "order_items": {"90001", "90002", "90003"}, "invoices": {"90001", "90002", "90003"},
            "card_payment_proofs": {"90001", "90002", "90003"}, "newsletter_subscribers": {"90001"},
            "support_tickets": {"90001"}, "call_recordings": {"90001"}}
    return {name: [r for r in rows if r[0] not in mine.get(name, set())] for name, rows in state.items()}
