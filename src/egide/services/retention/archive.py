"""Intermediate archive (the CNIL's « archivage intermédiaire »): rows whose active period is over
move to an archive database with restricted access, then go when the archive period ends.

The archive is a separate database: the URL in the dataset's ``archive_url_env`` variable, else
an SQLite file beside an SQLite company database (``shop.db`` -> ``shop-archive.db``). Each
archived table gets the source table's columns plus ``egide_rule``, ``egide_archived_at`` and
``egide_purge_after`` (the latest end of the archive periods of the rules covering the row).

A batch is moved in two transactions, archive first: the archive's copy of the batch's keys is
replaced (so a batch moved again after a crash is not doubled), then the rows are deleted from
the company database. Killed in between, the rows are still in the company database and the next
run moves them again, to the same result.
"""

from __future__ import annotations

import os
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import Column, DateTime, Engine, MetaData, String, Table, create_engine, delete, func, inspect, select
from sqlalchemy.engine import make_url

from egide.domain.errors import ConfigurationError
from egide.domain.retention import expires_on
from egide.services.retention.sql import Conditions, primary_key, tuple_in

_ENGINES: dict[str, Engine] = {}


def archive_url(database: Any) -> str:
    dataset = database.dataset
    if dataset.archive_url_env and os.environ.get(dataset.archive_url_env):
        return os.environ[dataset.archive_url_env]
    url = database.engine.url
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        path = Path(url.database)
        return f"sqlite:///{path.with_name(path.stem + '-archive' + (path.suffix or '.db'))}"
    raise ConfigurationError(f"dataset {dataset.name}: rules archive rows but no archive database is set: "
                             f"name a variable in archive_url_env and set it to a SQLAlchemy URL",
                             details={"dataset": dataset.name})


def archive_engine(database: Any) -> Engine:
    url = archive_url(database)
    if url not in _ENGINES:
        _ENGINES[url] = create_engine(url)
    return _ENGINES[url]


def archive_table(engine: Engine, source: Table, *, create: bool) -> Table | None:
    """The archive's copy of ``source`` (created when ``create``), or None when it does not exist yet."""
    metadata = MetaData()
    columns = [Column(c.name, c.type, primary_key=c.primary_key) for c in source.columns]
    table = Table(source.name, metadata, *columns, Column("egide_rule", String(200)),
                  Column("egide_archived_at", DateTime), Column("egide_purge_after", DateTime))
    if create:
        metadata.create_all(engine, checkfirst=True)
    elif not inspect(engine).has_table(source.name):
        return None
    return table


def move_batch(connection: Any, database: Any, conditions: Conditions, name: str, rule: str, condition: Any,
               ordered: list[Any], batch: int) -> tuple[int, list[str], Any]:
    """Copy up to ``batch`` due rows to the archive, then delete them in ``connection``'s transaction."""
    source = conditions.tables[name]
    keys = primary_key(conditions, name)
    compiled = conditions.compiled[name]
    clocks = []
    for i, cover in enumerate(compiled.covers):
        if cover.clock_column is None or cover.total is None:
            continue
        expression, _, _ = conditions.clock(cover, source)
        clocks.append((cover, expression.label(f"egide_clock_{i}")))
    statement = select(source, *[label for _, label in clocks]).where(condition).order_by(*ordered).limit(batch)
    rows = [dict(r._mapping) for r in connection.execute(statement)]
    if not rows:
        return 0, [], None
    engine = archive_engine(database)
    target = archive_table(engine, source, create=True)
    assert target is not None
    now = conditions.at.astimezone(timezone.utc).replace(tzinfo=None)
    records = []
    for row in rows:
        ends = [_naive(expires_on(cover.total, _as_time(row[label.name]), cover.clock)) for cover, label in clocks
                if row[label.name] is not None and (cover.only_where is None or row.get(cover.only_where))]
        record = {c.name: row[c.name] for c in source.columns}
        record.update(egide_rule=rule, egide_archived_at=now, egide_purge_after=max(ends) if ends else now)
        records.append(record)
    key_values = [tuple(r[k] for k in keys) if len(keys) > 1 else r[keys[0]] for r in rows]
    with engine.begin() as archive:
        archive.execute(delete(target).where(tuple_in(target, keys, key_values)))
        archive.execute(target.insert(), records)
    connection.execute(delete(source).where(tuple_in(source, keys, key_values)))
    return len(rows), [_key(r, keys) for r in rows[:3]], rows[-1][keys[0]] if len(keys) == 1 else None


def purge_count(database: Any, source: Table, at: datetime) -> tuple[int, list[str]]:
    engine = _existing_engine(database)
    if engine is None:
        return 0, []
    target = archive_table(engine, source, create=False)
    if target is None:
        return 0, []
    keys = [c.name for c in source.primary_key.columns]
    with engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(target)
                                   .where(target.c.egide_purge_after <= _naive(at))).scalar_one()
        examples = connection.execute(select(*[target.c[k] for k in keys])
                                      .where(target.c.egide_purge_after <= _naive(at)).limit(3)).all()
    return int(count), [",".join(str(v) for v in e) for e in examples]


def purge_batch(database: Any, source: Table, at: datetime, batch: int) -> int:
    """Delete up to ``batch`` archived rows whose archive period is over (its own transaction)."""
    engine = _existing_engine(database)
    target = archive_table(engine, source, create=False) if engine is not None else None
    if target is None:
        return 0
    keys = [c.name for c in source.primary_key.columns]
    with engine.begin() as connection:  # type: ignore[union-attr]
        chosen = [tuple(r) if len(keys) > 1 else r[0] for r in connection.execute(
            select(*[target.c[k] for k in keys]).where(target.c.egide_purge_after <= _naive(at)).limit(batch))]
        if not chosen:
            return 0
        return connection.execute(delete(target).where(tuple_in(target, keys, chosen))).rowcount or 0


def _existing_engine(database: Any) -> Engine | None:
    try:
        url = archive_url(database)
    except ConfigurationError:
        return None
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and not Path(parsed.database).exists():
        return None
    return archive_engine(database)


def _naive(value: date | datetime) -> datetime:
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


def _as_time(value: Any) -> date | datetime:
    """A clock value as the driver returned it (SQLite may return text for a computed column)."""
    if isinstance(value, (date, datetime)):
        return value
    text = str(value)
    return datetime.fromisoformat(text) if len(text) > 10 else date.fromisoformat(text)


def _key(row: dict[str, Any], keys: list[str]) -> str:
    return ",".join(str(row[k]) for k in keys)
