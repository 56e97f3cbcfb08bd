"""The sample shop database: a fictional French web shop's own tables, for the demo and the tests
of data-subject requests and retention.

Fictional people only (Faker ``fr_FR``, seeded): emails on example.com, phone numbers in the
ranges ARCEP reserves for fiction (01 99 00 .. .., 06 39 98 .. ..), card numbers never stored
(a brand and the last four digits), IP addresses in the documentation ranges. Timestamps spread
over the twelve years before ``now``, so retention rules (3 years after the last contact,
13 months after the debit date...) find rows on both sides of their limit.

The same generator fills SQLite (a file path) and PostgreSQL or MariaDB (a URL or an Engine),
with set-based inserts in one transaction. ``examples/datasets/shop.yaml`` annotates it.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
)
from sqlalchemy.engine import Engine

from egide.demo.weblogs import write_access_logs

METADATA = MetaData()

CUSTOMERS = Table(
    "customers", METADATA,
    Column("id", Integer, primary_key=True),
    Column("email", String(254), nullable=False, unique=True),
    Column("first_name", String(100), nullable=False),
    Column("last_name", String(100), nullable=False),
    Column("phone", String(32)),
    Column("street_address", String(200)),
    Column("postal_code", String(10)),
    Column("city", String(100)),
    Column("birth_date", Date),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_login_at", DateTime(timezone=True)),
    Column("closed_at", DateTime(timezone=True)),
)
ORDERS = Table(
    "orders", METADATA,
    Column("id", Integer, primary_key=True),
    Column("customer_id", Integer, ForeignKey("customers.id"), nullable=False),
    Column("ordered_at", DateTime(timezone=True), nullable=False),
    Column("status", String(20), nullable=False),
    Column("total_cents", Integer, nullable=False),
    Column("shipping_address", String(300)),
    Column("delivered_at", DateTime(timezone=True)),
)
ORDER_ITEMS = Table(
    "order_items", METADATA,
    Column("id", Integer, primary_key=True),
    Column("order_id", Integer, ForeignKey("orders.id"), nullable=False),
    Column("product_label", String(200), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("unit_price_cents", Integer, nullable=False),
)
INVOICES = Table(
    "invoices", METADATA,
    Column("id", Integer, primary_key=True),
    Column("order_id", Integer, ForeignKey("orders.id"), nullable=False, unique=True),
    Column("number", String(20), nullable=False, unique=True),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("billing_name", String(200), nullable=False),
    Column("billing_address", String(300), nullable=False),
    Column("amount_cents", Integer, nullable=False),
)
CARD_PAYMENT_PROOFS = Table(
    "card_payment_proofs", METADATA,
    Column("id", Integer, primary_key=True),
    Column("order_id", Integer, ForeignKey("orders.id"), nullable=False),
    Column("card_brand", String(20), nullable=False),
    Column("card_last4", String(4), nullable=False),
    Column("card_expiry", String(5), nullable=False),
    Column("deferred_debit", Boolean, nullable=False),
    Column("authorization_code", String(12), nullable=False),
    Column("debit_date", Date, nullable=False),
)
NEWSLETTER_SUBSCRIBERS = Table(
    "newsletter_subscribers", METADATA,
    Column("id", Integer, primary_key=True),
    Column("email", String(254), nullable=False, unique=True),
    Column("customer_id", Integer, ForeignKey("customers.id")),
    Column("first_name", String(100)),
    Column("source", String(30), nullable=False),
    Column("subscribed_at", DateTime(timezone=True), nullable=False),
    Column("unsubscribed_at", DateTime(timezone=True)),
)
SUPPORT_TICKETS = Table(
    "support_tickets", METADATA,
    Column("id", Integer, primary_key=True),
    Column("customer_id", Integer, ForeignKey("customers.id"), nullable=False),
    Column("channel", String(10), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("message", Text, nullable=False),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("resolved_at", DateTime(timezone=True)),
)
CALL_RECORDINGS = Table(
    "call_recordings", METADATA,
    Column("id", Integer, primary_key=True),
    Column("ticket_id", Integer, ForeignKey("support_tickets.id"), nullable=False),
    Column("caller_phone", String(32), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("duration_seconds", Integer, nullable=False),
    Column("recording_uri", String(200), nullable=False),
    Column("agent", String(100), nullable=False),
)
PROSPECTS = Table(
    "prospects", METADATA,
    Column("id", Integer, primary_key=True),
    Column("email", String(254), nullable=False, unique=True),
    Column("first_name", String(100)),
    Column("last_name", String(100)),
    Column("company", String(200)),
    Column("phone", String(32)),
    Column("source", String(30), nullable=False),
    Column("collected_at", DateTime(timezone=True), nullable=False),
    Column("last_contact_at", DateTime(timezone=True), nullable=False),
)

PRODUCTS = [("Carnet de notes A5", 890), ("Stylo plume acier", 2450), ("Sac en toile bio", 1590),
            ("Tasse en grès", 1290), ("Lot de 10 enveloppes kraft", 490), ("Agenda 2026", 1990),
            ("Lampe de bureau", 4900), ("Coffret de thé", 2290), ("Affiche 50x70", 1790), ("Trousse en cuir", 3490)]
STATUSES = ["delivered"] * 8 + ["cancelled", "refunded"]
SOURCES = ["checkout", "footer_form", "salon", "jeu_concours"]
SUBJECTS = ["Colis non reçu", "Article abîmé", "Demande de remboursement", "Changement d'adresse",
            "Question sur une facture", "Problème de connexion"]
YEARS = 12


@dataclass(frozen=True)
class ShopInfo:
    """What was built: where, with which seed and reference time, how many rows per table."""

    database: str  # the URL, password hidden
    seed: int
    now: datetime
    rows: dict[str, int]
    log_directory: Path | None = None
    log_files: int = 0
    log_lines: int = 0
    customer_ids: list[int] = field(default_factory=list, repr=False)


def build_shop(target: Path | str | Engine, customers: int = 200, seed: int = 7, *, now: datetime | None = None,
               log_directory: Path | None = None, log_days: int = 30) -> ShopInfo:
    """(Re)build the shop's tables in ``target`` (an SQLite file path, an SQLAlchemy URL or an
    Engine) and fill them. The same ``seed`` and ``now`` give the same rows. Web server access
    logs go to ``log_directory`` (default for an SQLite path: ``logs/`` beside the file)."""
    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(microsecond=0)
    engine, owned = _engine(target)
    if log_directory is None and isinstance(target, (Path, str)) and "://" not in str(target):
        log_directory = Path(target).parent / "logs"
    try:
        rows = _generate(customers, seed, now)
        with engine.begin() as connection:
            METADATA.drop_all(connection, checkfirst=True)
            METADATA.create_all(connection)
            for table in METADATA.sorted_tables:
                if rows[table.name]:
                    connection.execute(table.insert(), rows[table.name])
        shown = engine.url.render_as_string(hide_password=True)
    finally:
        if owned:
            engine.dispose()
    open_ids = [c["id"] for c in rows["customers"] if c["closed_at"] is None]
    files = lines = 0
    if log_directory is not None:
        files, lines = write_access_logs(Path(log_directory), open_ids, seed, now, days=log_days)
    return ShopInfo(shown, seed, now, {name: len(r) for name, r in rows.items()}, log_directory, files, lines,
                    [c["id"] for c in rows["customers"]])


def _engine(target: Path | str | Engine) -> tuple[Engine, bool]:
    if isinstance(target, Engine):
        return target, False
    if isinstance(target, str) and "://" in target:
        return create_engine(target), True
    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    return create_engine(f"sqlite:///{path}"), True


class _People:
    """Fictional French people, reproducible from a seed."""

    def __init__(self, seed: int) -> None:
        from faker import Faker

        self.fake = Faker("fr_FR")
        self.fake.seed_instance(seed)
        self.rng = random.Random(seed)

    def person(self, number: int) -> dict[str, Any]:
        first, last = self.fake.first_name(), self.fake.last_name()
        return {"first_name": first, "last_name": last, "email": f"{_ascii(first)}.{_ascii(last)}.{number}@example.com",
                "phone": self.phone()}

    def phone(self) -> str:
        prefix = self.rng.choice(["06 39 98", "01 99 00"])  # ARCEP's numbers for fiction
        return f"{prefix} {self.rng.randint(0, 99):02d} {self.rng.randint(0, 99):02d}"

    def moment(self, start: datetime, end: datetime) -> datetime:
        span = max(int((end - start).total_seconds()), 1)
        return start + timedelta(seconds=self.rng.randrange(span))


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "".join(ch for ch in plain.lower() if ch.isalnum()) or "x"


def _generate(count: int, seed: int, now: datetime) -> dict[str, list[dict[str, Any]]]:
    people = _People(seed)
    start = now - timedelta(days=365 * YEARS + 3)
    rows: dict[str, list[dict[str, Any]]] = {t.name: [] for t in METADATA.sorted_tables}
    for number in range(1, count + 1):
        rows["customers"].append(_customer(people, number, start, now))
    for customer in rows["customers"]:
        _orders_of(people, customer, now, rows)
        _tickets_of(people, customer, now, rows)
    _subscribers(people, rows, start, now)
    _prospects(people, rows, count, start, now)
    return rows


def _customer(people: _People, number: int, start: datetime, now: datetime) -> dict[str, Any]:
    fake, rng = people.fake, people.rng
    created = people.moment(start, now - timedelta(days=3))
    closed = people.moment(created + timedelta(days=30), now) if rng.random() < 0.25 and \
        created < now - timedelta(days=60) else None
    last_login = people.moment(created, closed or now)
    born = date(rng.randint(1950, 2004), rng.randint(1, 12), rng.randint(1, 28)) if rng.random() < 0.4 else None
    return {"id": number, **people.person(number), "street_address": fake.street_address(),
            "postal_code": fake.postcode(), "city": fake.city(), "birth_date": born, "created_at": created,
            "last_login_at": last_login, "closed_at": closed}


def _orders_of(people: _People, customer: dict[str, Any], now: datetime, rows: dict[str, list[dict[str, Any]]]) -> None:
    rng = people.rng
    end = customer["closed_at"] or now
    for _ in range(min(int(rng.expovariate(1 / 3.0)), 12)):
        order_id = len(rows["orders"]) + 1
        ordered = people.moment(customer["created_at"], end)
        status = rng.choice(STATUSES)
        items = [(rng.choice(PRODUCTS), rng.randint(1, 3)) for _ in range(rng.randint(1, 4))]
        total = sum(price * quantity for (_, price), quantity in items)
        address = f"{customer['street_address']}, {customer['postal_code']} {customer['city']}"
        delivered = ordered + timedelta(days=rng.randint(2, 6)) if status == "delivered" else None
        rows["orders"].append({"id": order_id, "customer_id": customer["id"], "ordered_at": ordered, "status": status,
                               "total_cents": total, "shipping_address": address,
                               "delivered_at": delivered if delivered and delivered < now else None})
        for (label, price), quantity in items:
            rows["order_items"].append({"id": len(rows["order_items"]) + 1, "order_id": order_id,
                                        "product_label": label, "quantity": quantity, "unit_price_cents": price})
        if status == "cancelled":
            continue
        rows["invoices"].append({"id": len(rows["invoices"]) + 1, "order_id": order_id,
                                 "number": f"F{ordered:%Y}-{order_id:06d}", "issued_at": ordered + timedelta(minutes=5),
                                 "billing_name": f"{customer['first_name']} {customer['last_name']}",
                                 "billing_address": address, "amount_cents": total})
        if rng.random() < 0.85:
            deferred = rng.random() < 0.2
            debit = (ordered + timedelta(days=rng.randint(25, 40) if deferred else rng.randint(0, 2))).date()
            rows["card_payment_proofs"].append({
                "id": len(rows["card_payment_proofs"]) + 1, "order_id": order_id,
                "card_brand": rng.choice(["CB", "Visa", "Mastercard"]), "card_last4": f"{rng.randint(0, 9999):04d}",
                "card_expiry": f"{rng.randint(1, 12):02d}/{(ordered.year + rng.randint(1, 4)) % 100:02d}",
                "deferred_debit": deferred, "authorization_code": f"{rng.randrange(16 ** 6):06X}",
                "debit_date": debit})


def _tickets_of(people: _People, customer: dict[str, Any], now: datetime, rows: dict[str, list[dict[str, Any]]]) -> None:
    rng, fake = people.rng, people.fake
    end = customer["closed_at"] or now
    for _ in range(rng.choice([0, 0, 0, 1, 1, 2])):
        ticket_id = len(rows["support_tickets"]) + 1
        opened = people.moment(customer["created_at"], end)
        resolved = opened + timedelta(hours=rng.randint(1, 240))
        channel = rng.choice(["email", "phone", "form"])
        rows["support_tickets"].append({
            "id": ticket_id, "customer_id": customer["id"], "channel": channel, "subject": rng.choice(SUBJECTS),
            "message": fake.paragraph(nb_sentences=3), "opened_at": opened,
            "resolved_at": resolved if resolved < now and rng.random() < 0.9 else None})
        if channel == "phone":
            caller = customer["phone"] if rng.random() < 0.8 else people.phone()
            rows["call_recordings"].append({
                "id": len(rows["call_recordings"]) + 1, "ticket_id": ticket_id, "caller_phone": caller,
                "started_at": opened, "duration_seconds": rng.randint(40, 1500),
                "recording_uri": f"recordings/{opened:%Y/%m}/call-{ticket_id:06d}.ogg",
                "agent": fake.first_name()})


def _subscribers(people: _People, rows: dict[str, list[dict[str, Any]]], start: datetime, now: datetime) -> None:
    rng = people.rng
    for customer in rows["customers"]:
        if rng.random() < 0.45:
            _subscriber(people, rows, customer["email"], customer["id"], customer["first_name"],
                        customer["created_at"], now)
    for number in range(len(rows["customers"]) // 2):
        person = people.person(100_000 + number)
        _subscriber(people, rows, person["email"], None, person["first_name"] if rng.random() < 0.6 else None,
                    start, now)


def _subscriber(people: _People, rows: dict[str, list[dict[str, Any]]], email: str, customer_id: int | None,
                first_name: str | None, start: datetime, now: datetime) -> None:
    subscribed = people.moment(start, now)
    left = people.moment(subscribed, now) if people.rng.random() < 0.3 else None
    rows["newsletter_subscribers"].append({
        "id": len(rows["newsletter_subscribers"]) + 1, "email": email, "customer_id": customer_id,
        "first_name": first_name, "source": people.rng.choice(SOURCES), "subscribed_at": subscribed,
        "unsubscribed_at": left})


def _prospects(people: _People, rows: dict[str, list[dict[str, Any]]], count: int, start: datetime,
               now: datetime) -> None:
    rng, fake = people.rng, people.fake
    for number in range(max(count // 2, 1)):
        person = people.person(200_000 + number)
        collected = people.moment(start, now)
        rows["prospects"].append({
            "id": number + 1, "email": person["email"], "first_name": person["first_name"],
            "last_name": person["last_name"], "company": fake.company() if rng.random() < 0.5 else None,
            "phone": person["phone"] if rng.random() < 0.6 else None, "source": rng.choice(["salon", "contact_form", "webinaire"]),
            "collected_at": collected, "last_contact_at": people.moment(collected, now)})
