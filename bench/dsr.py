"""Data-subject requests at scale: Egide's access and erasure against hand-written SQL.

One command: `.venv/bin/python bench/dsr.py [--customers 1000000] [--people 20] [--keep] [--schema NAME]`

Builds the sample shop (src/egide/demo/shop.py: same tables, annotated by
examples/datasets/shop.yaml) in a fresh PostgreSQL schema, filled with set-based
``INSERT ... SELECT ... FROM generate_series(...)`` (1M customers: about 12M rows), indexes the
references and the identity columns, then for random customers who have orders and tickets:

- access: Egide's ``run_access`` (finds the person from their email, writes the JSON and HTML
  report, records the step) against hand-written SQL that selects the same rows (each table,
  joined up the references) and writes them as JSON;
- erasure: Egide's ``run_erasure`` with the register of seed 002 (invoices kept ten years, card
  proofs 13/15 months) against hand-written set-based SQL doing the same deletes and updates,
  children before parents, in one transaction. Each erasure is on a different person.

``--keep`` keeps the schema; ``--schema NAME`` measures again on a kept one without building it
(the people erased before have no support ticket left, so other people are chosen).

Medians in milliseconds. PostgreSQL: EGIDE_BENCH_POSTGRES_URL or
postgresql+psycopg://postgres@127.0.0.1:5432/test. Ends with:
RESULT customers=N erasure_ratio=X access_ratio=Y erasure_ms=A access_ms=B
(ratios: Egide's time over the hand-written SQL's).
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from sqlalchemy import Engine, create_engine, text  # noqa: E402

from egide.bootstrap import build_app, initialise  # noqa: E402
from egide.datasets.loader import load_dataset  # noqa: E402
from egide.demo.shop import METADATA  # noqa: E402
from egide.domain.identity import Identifier  # noqa: E402
from egide.register.loader import load_register  # noqa: E402
from egide.services.execution import run_access, run_erasure  # noqa: E402
from egide.settings import Settings  # noqa: E402

DATASET = ROOT / "examples" / "datasets" / "shop.yaml"
REGISTER = ROOT / "examples" / "registers" / "002-okasio.yaml"
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"

# --- the shop, set-based --------------------------------------------------------------------------

_FILL = [
    """INSERT INTO customers (id, email, first_name, last_name, phone, street_address, postal_code, city,
                              birth_date, created_at, last_login_at, closed_at)
       SELECT i, 'client' || i || '@example.com',
              (ARRAY['Camille','Louis','Emma','Hugo','Léa','Jules','Chloé','Nathan'])[1 + i % 8],
              (ARRAY['Martin','Bernard','Dubois','Thomas','Robert','Petit','Durand','Leroy','Moreau'])[1 + i % 9],
              (CASE WHEN i % 2 = 0 THEN '06 39 98 ' ELSE '01 99 00 ' END)
                  || lpad((i % 100)::text, 2, '0') || ' ' || lpad(((i / 100) % 100)::text, 2, '0'),
              (1 + i % 200) || ' rue de la Paix', lpad((10000 + i % 85000)::text, 5, '0'), 'Lille',
              CASE WHEN random() < 0.4 THEN DATE '1950-01-01' + (random() * 19000)::int END,
              created, created + (:now - created) * random(),
              CASE WHEN random() < 0.25 THEN created + (:now - created) * random() END
       FROM (SELECT i, :now - random() * interval '4380 days' AS created
             FROM generate_series(1, :n) AS i) AS s""",
    """INSERT INTO orders (id, customer_id, ordered_at, status, total_cents, shipping_address, delivered_at)
       SELECT i, c, at, st, 500 + (random() * 20000)::int, 'adresse ' || c || ', 59000 Lille',
              CASE WHEN st = 'delivered' THEN at + interval '3 days' END
       FROM (SELECT i, 1 + floor(random() * :n)::int AS c, :now - random() * interval '4380 days' AS at,
                    CASE WHEN random() < 0.1 THEN 'cancelled' WHEN random() < 0.1 THEN 'refunded'
                         ELSE 'delivered' END AS st
             FROM generate_series(1, 2 * :n) AS i) AS s""",
    """INSERT INTO order_items (id, order_id, product_label, quantity, unit_price_cents)
       SELECT i, (i + 1) / 2, (ARRAY['Carnet de notes A5','Stylo plume acier','Tasse en grès'])[1 + i % 3],
              1 + i % 3, 490 + i % 4000
       FROM generate_series(1, 4 * :n) AS i""",
    """INSERT INTO invoices (id, order_id, number, issued_at, billing_name, billing_address, amount_cents)
       SELECT o.id, o.id, 'F' || o.id, o.ordered_at + interval '5 minutes',
              c.first_name || ' ' || c.last_name, o.shipping_address, o.total_cents
       FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.status <> 'cancelled'""",
    """INSERT INTO card_payment_proofs (id, order_id, card_brand, card_last4, card_expiry, deferred_debit,
                                        authorization_code, debit_date)
       SELECT i.id, i.order_id, 'CB', lpad((i.id % 10000)::text, 4, '0'), '12/29', i.id % 5 = 0,
              upper(to_hex(i.id)), (i.issued_at + CASE WHEN i.id % 5 = 0 THEN interval '30 days'
                                                       ELSE interval '1 day' END)::date
       FROM invoices i WHERE random() < 0.85""",
    """INSERT INTO support_tickets (id, customer_id, channel, subject, message, opened_at, resolved_at)
       SELECT i, 1 + floor(random() * :n)::int, (ARRAY['email','phone','form'])[1 + i % 3],
              'Colis non reçu', 'Bonjour, mon colis n''est pas arrivé. Merci de votre aide.', at,
              at + interval '2 days'
       FROM (SELECT i, :now - random() * interval '4380 days' AS at
             FROM generate_series(1, (2 * :n) / 3) AS i) AS s""",
    """INSERT INTO call_recordings (id, ticket_id, caller_phone, started_at, duration_seconds, recording_uri, agent)
       SELECT t.id, t.id, c.phone, t.opened_at, 60 + t.id % 900, 'recordings/call-' || t.id || '.ogg', 'Sophie'
       FROM support_tickets t JOIN customers c ON c.id = t.customer_id WHERE t.channel = 'phone'""",
    """INSERT INTO newsletter_subscribers (id, email, customer_id, first_name, source, subscribed_at, unsubscribed_at)
       SELECT row_number() OVER (), email, customer_id, first_name, 'checkout', at,
              CASE WHEN random() < 0.3 THEN at + interval '200 days' END
       FROM (SELECT email, id AS customer_id, first_name, created_at AS at FROM customers WHERE random() < 0.45
             UNION ALL
             SELECT 'abonne' || i || '@example.com', NULL, NULL, :now - random() * interval '4380 days'
             FROM generate_series(1, :n / 2) AS i) AS s""",
    """INSERT INTO prospects (id, email, first_name, last_name, company, phone, source, collected_at, last_contact_at)
       SELECT i, 'prospect' || i || '@example.com', 'Alex', 'Girard', NULL, NULL, 'salon', at, at + interval '30 days'
       FROM (SELECT i, :now - random() * interval '4380 days' AS at
             FROM generate_series(1, :n / 2) AS i) AS s""",
]

# Indexes on every reference, and on the identity columns the way each side searches them: the
# hand-written SQL compares emails as stored (the unique indexes of the schema), Egide compares
# lower(trim(email)), which needs an expression index to avoid a sequential scan.
_INDEXES = [
    "CREATE INDEX ON orders (customer_id)", "CREATE INDEX ON order_items (order_id)",
    "CREATE INDEX ON card_payment_proofs (order_id)", "CREATE INDEX ON support_tickets (customer_id)",
    "CREATE INDEX ON call_recordings (ticket_id)", "CREATE INDEX ON newsletter_subscribers (customer_id)",
    "CREATE INDEX ON customers (lower(trim(email)))", "CREATE INDEX ON newsletter_subscribers (lower(trim(email)))",
    "CREATE INDEX ON prospects (lower(trim(email)))",
]


def build(engine: Engine, customers: int, now: datetime) -> dict[str, int]:
    with engine.begin() as c:
        METADATA.create_all(c)
        c.execute(text("SET LOCAL session_replication_role = replica"))  # rows are consistent by construction
        c.execute(text("SELECT setseed(0.42)"))
        for statement in _FILL:
            c.execute(text(statement), {"n": customers, "now": now})
    with engine.begin() as c:
        for statement in _INDEXES:
            c.execute(text(statement))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.execute(text("VACUUM ANALYZE"))
        return {t.name: c.execute(text(f"SELECT count(*) FROM {t.name}")).scalar_one() for t in METADATA.sorted_tables}


def existing(engine: Engine) -> dict[str, int]:
    with engine.connect() as c:
        return {t.name: c.execute(text(f"SELECT count(*) FROM {t.name}")).scalar_one() for t in METADATA.sorted_tables}


def people(engine: Engine, count: int) -> list[tuple[int, str]]:
    """Random customers who have orders and support tickets."""
    with engine.connect() as c:
        c.execute(text("SELECT setseed(0.7)"))
        return [tuple(r) for r in c.execute(text(
            "SELECT id, email FROM customers c WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id) "
            "AND EXISTS (SELECT 1 FROM support_tickets t WHERE t.customer_id = c.id) ORDER BY random() LIMIT :k"),
            {"k": count})]


# --- the hand-written side ------------------------------------------------------------------------

_ACCESS = {
    "customers": "SELECT * FROM customers WHERE id = :cid",
    "orders": "SELECT * FROM orders WHERE customer_id = :cid",
    "order_items": "SELECT oi.* FROM order_items oi JOIN orders o ON o.id = oi.order_id WHERE o.customer_id = :cid",
    "invoices": "SELECT i.* FROM invoices i JOIN orders o ON o.id = i.order_id WHERE o.customer_id = :cid",
    "card_payment_proofs": "SELECT p.* FROM card_payment_proofs p JOIN orders o ON o.id = p.order_id "
                           "WHERE o.customer_id = :cid",
    "newsletter_subscribers": "SELECT * FROM newsletter_subscribers WHERE customer_id = :cid OR email = :email",
    "support_tickets": "SELECT * FROM support_tickets WHERE customer_id = :cid",
    "call_recordings": "SELECT r.* FROM call_recordings r JOIN support_tickets t ON t.id = r.ticket_id "
                       "WHERE t.customer_id = :cid",
    "prospects": "SELECT * FROM prospects WHERE email = :email",
}

_ERASE = [
    ("call_recordings", "DELETE FROM call_recordings r USING support_tickets t "
                        "WHERE r.ticket_id = t.id AND t.customer_id = :cid"),
    ("support_tickets", "DELETE FROM support_tickets WHERE customer_id = :cid"),
    ("newsletter_subscribers", "DELETE FROM newsletter_subscribers WHERE customer_id = :cid OR email = :email"),
    ("prospects", "DELETE FROM prospects WHERE email = :email"),
    ("card_payment_proofs", "DELETE FROM card_payment_proofs p USING orders o WHERE p.order_id = o.id "
                            "AND o.customer_id = :cid AND p.debit_date < CASE WHEN p.deferred_debit "
                            "THEN (:now - interval '15 months')::date ELSE (:now - interval '13 months')::date END"),
    ("invoices", "DELETE FROM invoices i USING orders o WHERE i.order_id = o.id AND o.customer_id = :cid "
                 "AND i.issued_at < :now - interval '10 years'"),
    ("order_items", "DELETE FROM order_items oi USING orders o WHERE oi.order_id = o.id AND o.customer_id = :cid "
                    "AND o.ordered_at < :now - interval '10 years'"),
    ("orders", "DELETE FROM orders o WHERE o.customer_id = :cid AND o.ordered_at < :now - interval '10 years' "
               "AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.order_id = o.id) "
               "AND NOT EXISTS (SELECT 1 FROM order_items oi WHERE oi.order_id = o.id) "
               "AND NOT EXISTS (SELECT 1 FROM card_payment_proofs p WHERE p.order_id = o.id)"),
    ("orders", "UPDATE orders SET shipping_address = '[erased]' WHERE customer_id = :cid"),
    ("customers", "UPDATE customers SET email = :hashed, first_name = '[erased]', last_name = '[erased]', "
                  "phone = NULL, street_address = NULL, postal_code = NULL, city = NULL, birth_date = NULL, "
                  "last_login_at = NULL WHERE id = :cid"),
]


def hand_access(engine: Engine, email: str, out: Path) -> int:
    with engine.connect() as c:
        cid = c.execute(text("SELECT id FROM customers WHERE email = :email"), {"email": email}).scalar_one()
        found = {name: [dict(r._mapping) for r in c.execute(text(sql), {"cid": cid, "email": email})]
                 for name, sql in _ACCESS.items()}
    out.write_text(json.dumps({"email": email, "tables": found}, default=str, ensure_ascii=False, indent=2))
    return sum(len(rows) for rows in found.values())


def hand_erasure(engine: Engine, email: str, key: bytes, now: datetime) -> dict[str, int]:
    hashed = "h$" + hmac.new(key, email.encode(), hashlib.sha256).hexdigest()
    counts: dict[str, int] = {}
    with engine.begin() as c:
        cid = c.execute(text("SELECT id FROM customers WHERE email = :email"), {"email": email}).scalar_one()
        for table, sql in _ERASE:
            done = c.execute(text(sql), {"cid": cid, "email": email, "now": now, "hashed": hashed}).rowcount
            counts[table] = counts.get(table, 0) + (done or 0)
    return counts


# --- measuring ------------------------------------------------------------------------------------

CPU: dict[str, list[float]] = {}  # this process's CPU time per request, in ms (the database's is not counted)


def timed(action: Callable[[], Any], name: str | None = None) -> tuple[float, Any]:
    start, cpu = time.perf_counter(), time.process_time()
    answer = action()
    if name is not None:
        CPU.setdefault(name, []).append((time.process_time() - cpu) * 1000)
    return (time.perf_counter() - start) * 1000, answer


def measure(app: Any, engine: Engine, chosen: list[tuple[int, str]], k: int, work: Path) -> dict[str, Any]:
    dataset = load_dataset(DATASET).dataset
    register = load_register(REGISTER).register
    logs = work / "logs"
    logs.mkdir()
    key, now = secrets.token_bytes(32), datetime.now(timezone.utc)
    runs = 0

    def egide_access(email: str) -> Any:
        nonlocal runs
        runs += 1
        return run_access(app.store, dataset=dataset, engine=engine, register=register, request_id=f"a{runs}",
                          identifiers=[Identifier.of("email", email)], output_dir=work / "egide", log_root=logs)

    def egide_erasure(email: str) -> Any:
        nonlocal runs
        runs += 1
        return run_erasure(app.store, dataset=dataset, engine=engine, register=register, request_id=f"e{runs}",
                           identifiers=[Identifier.of("email", email)], log_root=logs)

    (work / "hand").mkdir()
    # warm-up (not counted): one of each, on the two spare people
    egide_access(chosen[-1][1])
    hand_access(engine, chosen[-1][1], work / "hand" / "warm.json")
    times: dict[str, list[float]] = {"egide_access": [], "hand_access": [], "egide_erasure": [], "hand_erasure": []}
    rows: dict[str, list[int]] = {name: [] for name in times}

    def record(name: str, action: Callable[[], Any], count: Callable[[Any], int]) -> None:
        ms, answer = timed(action, name)
        times[name].append(ms)
        rows[name].append(count(answer))

    def access_by_egide(email: str) -> None:
        record("egide_access", partial(egide_access, email), lambda a: sum(a.rows.values()))

    def access_by_hand(email: str, number: int) -> None:
        record("hand_access", partial(hand_access, engine, email, work / "hand" / f"{number}.json"), int)

    for number, (_, email) in enumerate(chosen[:2 * k]):  # access: both sides, same people, order alternated
        if number % 2:
            access_by_hand(email, number)
            access_by_egide(email)
        else:
            access_by_egide(email)
            access_by_hand(email, number)
    egide_erasure(chosen[-2][1])
    hand_erasure(engine, chosen[-3][1], key, now)
    for number in range(k):  # erasure: a different person each time, alternating sides
        record("egide_erasure", partial(egide_erasure, chosen[2 * number][1]),
               lambda e: sum(t.deleted + t.masked for t in e.erased))
        record("hand_erasure", partial(hand_erasure, engine, chosen[2 * number + 1][1], key, now),
               lambda counts: sum(counts.values()))
    return {"times": times, "rows": rows}


def admin_url(base: str, schema: str) -> str:
    return f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--people", type=int, default=20, help="requests timed per side and per right")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL schema afterwards")
    parser.add_argument("--schema", help="measure on this kept schema (built by an earlier --keep run)")
    args = parser.parse_args()

    base = os.environ.get("EGIDE_BENCH_POSTGRES_URL", DEFAULT_URL)
    schema = args.schema or f"egide_dsr_{uuid.uuid4().hex[:8]}"
    args.keep = args.keep or bool(args.schema)
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    if not args.schema:
        with admin.connect() as c:
            c.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = create_engine(admin_url(base, schema))
    work = Path(tempfile.mkdtemp(prefix="egide-dsr-"))
    settings = Settings(data_dir=work / "data", database_url=None)
    initialise(settings)
    app = build_app(settings)
    try:
        now = datetime.now(timezone.utc)
        if args.schema:
            counts = existing(engine)
            args.customers = counts["customers"]
            print(f"shop in schema {schema} (kept): {sum(counts.values()):,} rows")
        else:
            seconds, counts = timed(lambda: build(engine, args.customers, now))
            print(f"shop in schema {schema}: {sum(counts.values()):,} rows in {seconds / 1000:.0f}s")
        print("  " + ", ".join(f"{name} {n:,}" for name, n in counts.items()))
        chosen = people(engine, 2 * args.people + 3)
        if len(chosen) < 2 * args.people + 3:
            raise SystemExit(f"only {len(chosen)} customers with orders and tickets: use more --customers")
        result = measure(app, engine, chosen, args.people, work)
    finally:
        app.close()
        engine.dispose()
        if not args.keep:
            with admin.connect() as c:
                c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    report(args.customers, args.people, result, schema if args.keep else None)


def report(customers: int, k: int, result: dict[str, Any], kept_schema: str | None) -> None:
    times, rows = result["times"], result["rows"]
    med = {name: statistics.median(values) for name, values in times.items()}
    print(f"\n{k} people per side, medians (max) in ms; rows: median rows read (same people on both sides) "
          "or deleted and updated (different people)")
    print(f"{'':10} {'Egide':>16} {'hand SQL':>16} {'ratio':>7} {'rows Egide/hand':>17}")
    for right in ("access", "erasure"):
        e, h = f"egide_{right}", f"hand_{right}"
        print(f"{right:10} {med[e]:>8.1f} ({max(times[e]):>6.1f}) {med[h]:>8.1f} ({max(times[h]):>6.1f}) "
              f"{med[e] / med[h]:>7.2f} {statistics.median(rows[e]):>8.0f}/{statistics.median(rows[h]):<8.0f}")
    print("CPU time of this process per request, medians in ms (Python, drivers; not the database's): "
          + ", ".join(f"{name} {statistics.median(values):.1f}" for name, values in sorted(CPU.items())))
    if kept_schema:
        print(f"schema {kept_schema} kept")
    print(f"RESULT customers={customers} erasure_ratio={med['egide_erasure'] / med['hand_erasure']:.2f} "
          f"access_ratio={med['egide_access'] / med['hand_access']:.2f} erasure_ms={med['egide_erasure']:.1f} "
          f"access_ms={med['egide_access']:.1f}")


if __name__ == "__main__":
    main()
