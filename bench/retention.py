"""Retention at scale: Egide's `run_retention` against the same work written by hand in SQL.

One command: `.venv/bin/python bench/retention.py [--rows 10000000] [--batch-size 50000] [--batch-ms 250] [--url URL]
[--keep]`

In a fresh PostgreSQL schema (dropped at the end), builds ``--rows`` rows server-side with
``INSERT ... SELECT ... FROM generate_series(...)`` (no Python loop): a fifth are accounts, of
which a fifth were closed more than five years ago (anonymized under ``accounts-5y``), the rest
page views, of which 7.5 % are older than thirteen months (deleted under ``audience-13m``): 10 % of
the rows expire under a mix of an anonymization and a deletion. The register and the dataset are
bench/retention_register.yaml and bench/retention_dataset.yaml.

The source tables are built once; before each side runs, its working tables are cloned from them
(``CREATE TABLE ... AS``, the same primary keys and clock indexes, ``VACUUM ANALYZE``), so both
sides start from identical data in the same process. Then:

- by hand: the fewest set-based statements, one ``DELETE`` and one ``UPDATE``, in one transaction;
- Egide: ``run_retention`` (bounded batches, each its own transaction, each recorded with its audit
  event in Egide's store, a SQLite file as in the embedded default), at the same instant. The
  batches walk the clocks' indexes, ``(clock, key) > (last)``; each takes at most ``--batch-size``
  rows and is sized to last about ``--batch-ms`` at the pace of the previous one (at most twice its
  rows), which is how the time a batch holds its locks is bounded.

Both end states are fingerprinted (row count and the sum of a hash of every row, per table) and
must be equal. Prints each side's time, the ratio, and the longest any batch of Egide's run held
its locks (each batch's transaction duration, measured by the run). Last line:
RESULT rows=N expired=M speed_ratio=X max_batch_lock_ms=Y   (speed_ratio = hand time / Egide time)

Measured (PostgreSQL 15, 2 cores shared with other work, load average 5-7; docs/retention.md has
the history): 10M rows, 1M expired, 55 batches: hand 13.6 s, Egide 13.3 s,
RESULT rows=10000000 expired=1000000 speed_ratio=1.02 max_batch_lock_ms=724
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from sqlalchemy import Engine, create_engine, text  # noqa: E402

from egide.bootstrap import build_app, initialise  # noqa: E402
from egide.datasets.loader import load_dataset  # noqa: E402
from egide.domain.durations import Duration  # noqa: E402
from egide.domain.retention import cutoff  # noqa: E402
from egide.register.loader import load_register  # noqa: E402
from egide.services.request_runner import CompanyDatabase  # noqa: E402
from egide.services.retention import run_retention  # noqa: E402
from egide.services.retention.run import DEFAULT_BATCH, DEFAULT_BATCH_MS  # noqa: E402
from egide.settings import Settings  # noqa: E402

REGISTER = ROOT / "bench" / "retention_register.yaml"
DATASET = ROOT / "bench" / "retention_dataset.yaml"
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TABLES = ("accounts", "page_views")

# --- the source data, server-side -----------------------------------------------------------------

_SOURCE = [
    """CREATE TABLE src_accounts (id bigint PRIMARY KEY, email varchar(254) NOT NULL, full_name varchar(200),
                                  birth_date date, city varchar(100), created_at timestamptz NOT NULL,
                                  closed_at timestamptz)""",
    """INSERT INTO src_accounts
       SELECT i, 'client' || i || '@example.com', 'Client ' || i, DATE '1950-01-01' + (i % 18000),
              (ARRAY['Lille','Lyon','Nantes','Rennes','Dijon'])[1 + i % 5],
              :now - interval '9 years' + (i % 1000) * interval '1 hour',
              CASE i % 5 WHEN 0 THEN :now - interval '5 years' - interval '1 day' - (i % 1000) * interval '1 minute'
                         WHEN 1 THEN :now - interval '2 years' END
       FROM generate_series(1, :accounts) AS i""",
    """CREATE TABLE src_page_views (id bigint PRIMARY KEY, account_id bigint, ip varchar(45), path varchar(200),
                                    viewed_at timestamptz NOT NULL)""",
    """INSERT INTO src_page_views
       SELECT i, 1 + i % :accounts, '198.51.100.' || (1 + i % 254), '/produits/' || (i % 1000),
              CASE WHEN i % 40 < 3 THEN :now - interval '13 months' - interval '1 day' - (i % 86400) * interval '1 second'
                   ELSE :now - ((i::bigint * 7919) % (380 * 86400)) * interval '1 second' END
       FROM generate_series(1, :views) AS i""",
]

_CLONE = {
    "accounts": ["CREATE TABLE accounts AS SELECT * FROM src_accounts",
                 "ALTER TABLE accounts ADD PRIMARY KEY (id)",
                 "CREATE INDEX ON accounts (closed_at)"],
    "page_views": ["CREATE TABLE page_views AS SELECT * FROM src_page_views",
                   "ALTER TABLE page_views ADD PRIMARY KEY (id)",
                   "CREATE INDEX ON page_views (viewed_at)"],
}

# --- the hand-written side: the same work, the fewest statements -------------------------------------

_HAND = [
    "DELETE FROM page_views WHERE viewed_at <= :views_cutoff",
    """UPDATE accounts SET email = 'anonyme@example.invalid', full_name = 'Client anonymisé',
                           birth_date = date_trunc('year', birth_date)::date, city = NULL
       WHERE closed_at <= :accounts_cutoff""",
]


def build_source(engine: Engine, rows: int, now: datetime) -> dict[str, int]:
    accounts = rows // 5
    with engine.begin() as c:
        for statement in _SOURCE:
            c.execute(text(statement), {"now": now, "accounts": accounts, "views": rows - accounts})
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.execute(text("VACUUM ANALYZE src_accounts"))
        c.execute(text("VACUUM ANALYZE src_page_views"))
        return {"accounts": accounts, "page_views": rows - accounts}


def clone(engine: Engine) -> None:
    with engine.begin() as c:
        for name, statements in _CLONE.items():
            c.execute(text(f"DROP TABLE IF EXISTS {name}"))
            for statement in statements:
                c.execute(text(statement))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        for name in TABLES:
            c.execute(text(f"VACUUM ANALYZE {name}"))


def expired(engine: Engine, cutoffs: dict[str, datetime]) -> int:
    with engine.connect() as c:
        return int(c.execute(text("SELECT (SELECT count(*) FROM src_page_views WHERE viewed_at <= :views_cutoff) "
                                  "+ (SELECT count(*) FROM src_accounts WHERE closed_at <= :accounts_cutoff)"),
                             cutoffs).scalar_one())


def fingerprint(engine: Engine) -> dict[str, tuple[int, int]]:
    """Per table: the row count and the sum of a 64-bit hash of every row (order does not matter)."""
    with engine.connect() as c:
        return {name: tuple(c.execute(text(
            f"SELECT count(*), coalesce(sum(('x' || substr(md5(t::text), 1, 16))::bit(64)::bigint::numeric), 0) "
            f"FROM {name} t")).one()) for name in TABLES}


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    answer = action()
    return time.perf_counter() - start, answer


def hand(engine: Engine, cutoffs: dict[str, datetime]) -> int:
    with engine.begin() as c:
        return sum(c.execute(text(statement), cutoffs).rowcount or 0 for statement in _HAND)


def egide(app: Any, register: Any, dataset: Any, engine: Engine, at: datetime, batch_size: int, batch_ms: int) -> Any:
    return run_retention(app.store, register, [CompanyDatabase(dataset, engine, None)], at, batch_size=batch_size,
                         batch_ms=batch_ms, actor="bench")


def admin_url(base: str, schema: str) -> str:
    return f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000, help="rows in all (a fifth accounts, the rest page views)")
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH, help="the most rows an Egide batch takes")
    parser.add_argument("--batch-ms", type=int, default=DEFAULT_BATCH_MS, help="what an Egide batch aims to last (ms)")
    parser.add_argument("--url", default=os.environ.get("EGIDE_BENCH_POSTGRES_URL", DEFAULT_URL),
                        help="PostgreSQL (default: EGIDE_BENCH_POSTGRES_URL, else the local test database)")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL schema afterwards")
    args = parser.parse_args()

    schema = f"egide_ret_{uuid.uuid4().hex[:8]}"
    admin = create_engine(args.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = create_engine(admin_url(args.url, schema))
    work = Path(tempfile.mkdtemp(prefix="egide-retention-"))
    settings = Settings(data_dir=work / "data", database_url=None)
    initialise(settings)
    app = build_app(settings)
    at = datetime.now(timezone.utc).replace(microsecond=0)
    cutoffs = {"views_cutoff": cutoff(Duration.parse("P13M"), at), "accounts_cutoff": cutoff(Duration.parse("P5Y"), at)}
    register = load_register(REGISTER).register  # read before timing: the hand-written side reads no file
    dataset = load_dataset(DATASET, register=register).dataset
    try:
        seconds, counts = timed(lambda: build_source(engine, args.rows, at))
        due = expired(engine, cutoffs)
        print(f"source in schema {schema}: {sum(counts.values()):,} rows ({counts['accounts']:,} accounts, "
              f"{counts['page_views']:,} page views) in {seconds:.0f}s; {due:,} expired")
        clone(engine)
        hand_s, hand_rows = timed(lambda: hand(engine, cutoffs))
        hand_state = fingerprint(engine)
        print(f"hand-written SQL: {hand_rows:,} rows in {hand_s:.2f}s")
        clone(engine)
        egide_s, run = timed(lambda: egide(app, register, dataset, engine, at, args.batch_size,
                                                  args.batch_ms))
        egide_state = fingerprint(engine)
        egide_rows = sum(c.rows for c in run.counts)
        print(f"Egide run_retention: {egide_rows:,} rows in {egide_s:.2f}s, {run.batches} batches of at most "
              f"{args.batch_size} rows aiming at {args.batch_ms} ms, longest batch {run.max_lock_ms} ms")
    finally:
        app.close()
        engine.dispose()
        shutil.rmtree(work, ignore_errors=True)  # Egide's own store for the run (SQLite) and its keys
        if not args.keep:
            with admin.connect() as c:
                c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    if hand_state != egide_state or hand_rows != due or egide_rows != due:
        print(f"END STATES DIFFER: hand {hand_state} ({hand_rows} rows), Egide {egide_state} ({egide_rows} rows)")
        raise SystemExit(1)
    print(f"end states equal: {', '.join(f'{t} {n:,} rows' for t, (n, _) in egide_state.items())}")
    print(f"RESULT rows={args.rows} expired={due} speed_ratio={hand_s / egide_s:.2f} "
          f"max_batch_lock_ms={run.max_lock_ms}")


if __name__ == "__main__":
    main()
