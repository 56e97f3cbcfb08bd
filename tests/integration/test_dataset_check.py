"""The sample shop on SQLite and PostgreSQL: the same generator fills both, and the example
dataset file holds against each live database (and fails where the database differs)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from egide.adapters.connectors.sql import introspect
from egide.datasets.check import check_dataset
from egide.datasets.database import TypeKind
from egide.datasets.loader import load_dataset
from egide.demo.shop import build_shop
from egide.domain.errors import UnreadableInputError
from egide.register.lint import Severity
from egide.register.loader import load_register
from tests.conftest import EXAMPLES, ROOT

SHOP_DATASET = ROOT / "examples" / "datasets" / "shop.yaml"
NOW = datetime(2026, 1, 31, 9, 30, tzinfo=timezone.utc)


@pytest.fixture(params=["sqlite", "postgres"])
def shop_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'shop.db'}" if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    build_shop(url, customers=60, seed=3, now=NOW, log_directory=tmp_path / "logs", log_days=5)
    return url


def test_the_example_dataset_holds_against_the_live_shop(shop_url, tmp_path):
    findings = check_dataset(load_dataset(SHOP_DATASET), load_register(EXAMPLES / "002-okasio.yaml").register,
                             introspect(shop_url), tmp_path)
    assert [f.rule for f in findings if f.severity is Severity.error] == []
    assert [f.rule for f in findings if f.severity is Severity.warning] == ["retention.no_clock"] + ["category.undeclared"] * 2
    assert [f.rule for f in findings if f.severity is Severity.info] == ["logs.ok"]


def test_introspection_reads_types_keys_and_foreign_keys_alike_on_both_databases(shop_url):
    database = introspect(shop_url)
    assert {"customers", "orders", "order_items", "invoices", "card_payment_proofs", "newsletter_subscribers",
            "support_tickets", "call_recordings", "prospects"} <= set(database.tables)
    orders = database.tables["orders"]
    assert orders.columns["ordered_at"].kind is TypeKind.datetime
    assert database.tables["card_payment_proofs"].columns["debit_date"].kind is TypeKind.date
    assert database.tables["card_payment_proofs"].columns["deferred_debit"].kind is TypeKind.boolean
    assert orders.primary_key == ("id",)
    assert [(fk.columns, fk.referred_table, fk.referred_columns) for fk in orders.foreign_keys] == [
        (("customer_id",), "customers", ("id",))]


def test_an_unreachable_database_is_unreadable_input_and_its_password_stays_hidden():
    with pytest.raises(UnreadableInputError) as caught:
        introspect("postgresql+psycopg://shop:s3cret@127.0.0.1:1/shop")
    assert "cannot read the database" in caught.value.message
    assert "s3cret" not in caught.value.message and "***" in caught.value.message


def test_a_missing_sqlite_file_is_not_created_by_the_check(tmp_path):
    with pytest.raises(UnreadableInputError, match="no such SQLite database file"):
        introspect(f"sqlite:///{tmp_path / 'absent.db'}")
    assert not (tmp_path / "absent.db").exists()


def test_a_column_dropped_from_the_database_is_an_error_at_its_line(shop_url):
    engine = create_engine(shop_url)
    with engine.begin() as connection:
        connection.execute(text("ALTER TABLE customers DROP COLUMN birth_date"))
    engine.dispose()
    findings = check_dataset(load_dataset(SHOP_DATASET), database=introspect(shop_url))
    [missing] = [f for f in findings if f.severity is Severity.error]
    assert missing.rule == "database.column_missing" and "customers.birth_date" in missing.message
    assert "birth_date" in SHOP_DATASET.read_text(encoding="utf-8").splitlines()[missing.line - 1]


def test_the_shop_is_the_same_for_the_same_seed_and_differs_for_another(tmp_path):
    first = build_shop(tmp_path / "a.db", customers=30, seed=11, now=NOW)
    second = build_shop(tmp_path / "b.db", customers=30, seed=11, now=NOW)
    third = build_shop(tmp_path / "c.db", customers=30, seed=12, now=NOW)
    assert first.rows == second.rows
    assert _dump(tmp_path / "a.db") == _dump(tmp_path / "b.db") != _dump(tmp_path / "c.db")
    assert third.rows["customers"] == 30


def test_the_shop_holds_fictional_people_over_twelve_years(tmp_path):
    info = build_shop(tmp_path / "shop.db", now=NOW)
    assert info.rows["customers"] == 200 and info.rows["prospects"] == 100
    assert all(info.rows[t] > 0 for t in info.rows)
    engine = create_engine(f"sqlite:///{tmp_path / 'shop.db'}")
    with engine.connect() as c:
        emails = c.execute(text("SELECT email FROM customers UNION ALL SELECT email FROM prospects "
                                "UNION ALL SELECT email FROM newsletter_subscribers")).scalars().all()
        phones = c.execute(text("SELECT phone FROM customers UNION ALL SELECT caller_phone FROM call_recordings"))\
            .scalars().all()
        oldest, newest = c.execute(text("SELECT MIN(ordered_at), MAX(ordered_at) FROM orders")).one()
        old_proofs = c.execute(text("SELECT COUNT(*) FROM card_payment_proofs WHERE debit_date < :limit"),
                               {"limit": (NOW - timedelta(days=400)).date()}).scalar()
        recent_proofs = c.execute(text("SELECT COUNT(*) FROM card_payment_proofs WHERE debit_date >= :limit"),
                                  {"limit": (NOW - timedelta(days=400)).date()}).scalar()
    engine.dispose()
    assert all(e.endswith("@example.com") for e in emails) and len(set(emails)) > 300
    assert all(re.fullmatch(r"(06 39 98|01 99 00) \d\d \d\d", p) for p in phones)
    span = datetime.fromisoformat(str(newest)) - datetime.fromisoformat(str(oldest))
    assert span > timedelta(days=365 * 10)
    assert old_proofs > 0 and recent_proofs > 0  # the 13-month proof rule has rows on both sides


def test_the_access_logs_are_one_file_a_day_in_combined_format_with_documentation_addresses(tmp_path):
    info = build_shop(tmp_path / "shop.db", customers=20, now=NOW, log_days=3)
    files = sorted((tmp_path / "logs").glob("access-*.log"))
    assert [f.name for f in files] == ["access-2026-01-28.log", "access-2026-01-29.log", "access-2026-01-30.log"]
    lines = [line for f in files for line in f.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == info.log_lines and info.log_files == 3
    combined = re.compile(r'^(\S+) - - \[(\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d \+0000)\] "(GET|POST) \S+ HTTP/1\.1" '
                          r'\d{3} \d+ "[^"]*" "[^"]*"$')
    for line in lines:
        match = combined.match(line)
        assert match, line
        assert match.group(1).startswith(("192.0.2.", "198.51.100.", "203.0.113.", "2001:db8:"))
        datetime.strptime(match.group(2), "%d/%b/%Y:%H:%M:%S %z")
    assert any("/api/customers/" in line or "customer_id=" in line for line in lines)


def _dump(path: Path) -> list[tuple]:
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as c:
        rows = [tuple(r) for table in ("customers", "orders", "card_payment_proofs", "call_recordings")
                for r in c.execute(text(f"SELECT * FROM {table} ORDER BY id"))]
    engine.dispose()
    return rows
