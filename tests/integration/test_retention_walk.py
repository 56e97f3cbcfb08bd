"""Batches that walk a clock's index, ``(clock, key) > (last)``, process exactly the rows the
set-based statements would, ties of the clock included, on SQLite and PostgreSQL; without an
index on the clock they walk the primary key, with the same result."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import (BigInteger, Column, Date, DateTime, Engine, Index, MetaData, String, Table, create_engine,
                        select, text)

from egide.datasets.loader import load_dataset
from egide.domain.durations import Duration
from egide.domain.retention import cutoff
from egide.register.loader import load_register
from egide.services.request_runner import CompanyDatabase
from egide.services.retention import run_retention
from egide.services.retention.work import database_work

BENCH = Path(__file__).resolve().parents[2] / "bench"
AT = datetime(2026, 1, 31, 9, 30, tzinfo=timezone.utc)


def _tables(indexed: bool) -> tuple[MetaData, Table, Table]:
    metadata = MetaData()
    accounts = Table("accounts", metadata, Column("id", BigInteger, primary_key=True),
                     Column("email", String(254), nullable=False), Column("full_name", String(200)),
                     Column("birth_date", Date), Column("city", String(100)),
                     Column("created_at", DateTime(timezone=True), nullable=False),
                     Column("closed_at", DateTime(timezone=True)))
    views = Table("page_views", metadata, Column("id", BigInteger, primary_key=True), Column("account_id", BigInteger),
                  Column("ip", String(45)), Column("path", String(200)),
                  Column("viewed_at", DateTime(timezone=True), nullable=False))
    if indexed:
        Index("accounts_closed_at", accounts.c.closed_at)
        Index("page_views_viewed_at", views.c.viewed_at)
    return metadata, accounts, views


def _build(engine: Engine, indexed: bool) -> None:
    """120 accounts (every third closed long ago, five closing instants shared: ties), 400 page
    views (every fourth older than 13 months, seven instants shared), keys not in clock order."""
    metadata, accounts, views = _tables(indexed)
    metadata.create_all(engine)
    old = AT - timedelta(days=6 * 366)
    with engine.begin() as c:
        c.execute(accounts.insert(), [
            {"id": 1000 - i, "email": f"client.{i}@example.com", "full_name": f"Client {i}",
             "birth_date": date(1970 + i % 30, 5, 17), "city": "Lyon", "created_at": old - timedelta(days=400),
             "closed_at": old + timedelta(minutes=i % 5) if i % 3 == 0 else (AT - timedelta(days=30) if i % 3 == 1
                                                                            else None)}
            for i in range(120)])
        c.execute(views.insert(), [
            {"id": (i * 37) % 1009, "account_id": i % 120, "ip": "198.51.100.7", "path": f"/produits/{i}",
             "viewed_at": AT - timedelta(days=500, seconds=i % 7) if i % 4 == 0 else AT - timedelta(days=i % 300)}
            for i in range(400)])


def _state(engine: Engine) -> tuple[list[int], list[tuple]]:
    _, accounts, views = _tables(False)
    with engine.connect() as c:
        kept = sorted(c.execute(select(views.c.id)).scalars())
        anonymized = sorted(tuple(r) for r in c.execute(select(accounts.c.id, accounts.c.email, accounts.c.full_name,
                                                               accounts.c.birth_date, accounts.c.city)))
    return kept, anonymized


@pytest.fixture
def company(database_url: str, tmp_path: Path) -> Iterator[Engine]:
    """The company's database: a SQLite file, or a schema of its own beside the store's (whose
    staff ``accounts`` table has the same name)."""
    if database_url.startswith("sqlite"):
        engine = create_engine(f"sqlite:///{tmp_path / 'bench.db'}")
        yield engine
        engine.dispose()
        return
    store = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with store.connect() as c:
        schema = f"{c.execute(text('SELECT current_schema()')).scalar_one()}_co"
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = create_engine(database_url, connect_args={"options": f"-csearch_path={schema}"})
    yield engine
    engine.dispose()
    with store.connect() as c:
        c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    store.dispose()


@pytest.mark.parametrize("indexed", [True, False], ids=["clock-walk", "key-walk"])
def test_batches_process_exactly_the_expired_rows_whichever_index_they_walk(app, company, indexed):
    _build(company, indexed)
    register = load_register(BENCH / "retention_register.yaml").register
    dataset = load_dataset(BENCH / "retention_dataset.yaml", register=register).dataset
    db = CompanyDatabase(dataset, company, None)
    with company.connect() as c:
        walks = {w.table: w.clock for w in database_work(c, db, register, AT, [], []).works}
    assert walks == ({"accounts": "closed_at", "page_views": "viewed_at"} if indexed
                     else {"accounts": None, "page_views": None})
    run = run_retention(app.store, register, [db], AT, batch_size=4)
    kept, accounts = _state(company)
    views_cutoff, accounts_cutoff = cutoff(Duration.parse("P13M"), AT), cutoff(Duration.parse("P5Y"), AT)
    assert views_cutoff > AT - timedelta(days=500) and accounts_cutoff > AT - timedelta(days=6 * 366, minutes=-5)
    assert kept == sorted((i * 37) % 1009 for i in range(400) if i % 4 != 0)
    anonymized = {1000 - i for i in range(120) if i % 3 == 0}
    assert [a for a in accounts if a[0] in anonymized] == \
        [(a[0], "anonyme@example.invalid", "Client anonymisé", date(a[3].year, 1, 1), None)
         for a in accounts if a[0] in anonymized]
    assert all(a[1].startswith("client.") and a[4] == "Lyon" for a in accounts if a[0] not in anonymized)
    assert {(c.table, c.rows) for c in run.counts} == {("page_views", 100), ("accounts", 40)}
    assert run.batches >= 100 // 4 + 40 // 4  # batches of at most 4 rows: the walk resumed after each
