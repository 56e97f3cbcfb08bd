"""The right to rectification (art. 16): the given fields are updated wherever the dataset says
they are, in the person's rows only.

A field is a data category (``user.contact.address.city``: every column holding exactly that
category) or a column (``customers.city``). Columns the dataset keeps as records on erasure
(``erasure: keep``: an issued invoice) are not rewritten; the answer names them. When the
controller disputes the correction, nothing is updated: the person's statement is recorded
(sealed in the store) and goes with later disclosures of that data (access and portability
answers carry it). Each table is one resumable step, children before parents, so a changed
email that finds the person's rows is rewritten last.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable

from sqlalchemy import Engine, update

from egide.datasets.graph import erasure_order
from egide.datasets.model import Dataset, ErasureStrategy
from egide.domain.clock import Clock
from egide.domain.errors import InvalidInputError, Problem
from egide.domain.identity import Identifier
from egide.register.model import Register
from egide.services.execution.locate import Location, company_tables, locate
from egide.services.execution.steps import ExecutionStore, Step, run_key, run_steps


@dataclass(frozen=True)
class Target:
    table: str
    column: str
    field: str  # the key the request gave


@dataclass(frozen=True)
class RectificationResult:
    request_id: str
    disputed: bool
    updated: dict[str, int]  # table -> rows updated
    columns: dict[str, list[str]]  # table -> columns updated
    not_changed: list[str]  # table.column kept as records
    statement_recorded: bool = False


def targets(dataset: Dataset, fields: Iterable[str]) -> tuple[list[Target], list[str]]:
    """The columns each field names, and the ``table.column`` the dataset keeps as records.
    A field that names no column is an input error (nothing is changed)."""
    found, kept, problems = [], [], []
    for field in fields:
        matched = []
        for table in dataset.tables:
            for column in table.columns:
                if field == f"{table.name}.{column.name}" or field in column.data_categories:
                    matched.append((table, column))
        if not matched:
            problems.append(Problem(f"no column of dataset {dataset.name} holds {field!r}", path=field,
                                    hint="give a data category of the dataset or table.column"))
        for table, column in matched:
            if table.erasure_of(column) is ErasureStrategy.keep:
                kept.append(f"{table.name}.{column.name}")
            else:
                found.append(Target(table.name, column.name, field))
    if problems:
        raise InvalidInputError("the rectification names fields the dataset does not hold", problems=problems)
    return found, sorted(set(kept))


def run_rectification(store: ExecutionStore, *, dataset: Dataset, engine: Engine, register: Register,
                      request_id: str, identifiers: Iterable[Identifier], changes: dict[str, Any],
                      disputed: bool = False, statement: str | None = None, clock: Clock | None = None,
                      actor: str = "egide") -> RectificationResult:
    """Update ``changes`` (field -> new value) in the person's rows, or, when ``disputed``, record
    the person's ``statement`` instead. ``register`` is accepted for symmetry with the other rights."""
    del register
    if disputed and not (statement or "").strip():
        raise InvalidInputError("a disputed rectification needs the person's statement")
    found, kept = targets(dataset, changes)
    tables = company_tables(engine, dataset)
    values = {t: _coerced(tables[t.table].c[t.column], changes[t.field], t) for t in found}
    with engine.connect() as connection:
        location = locate(connection, dataset, tables, identifiers)
    if disputed:
        now = (clock or store.clock).now()

        def record(uow: Any) -> dict[str, Any]:
            uow.execution.add_statement(request_id, location.identifiers, sorted(changes), statement or "", now)
            return {"statements": 1}

        run_steps(store, run_key(request_id, dataset), [Step("statement", in_store=record)], request_id=request_id,
                  actor=actor)
        return RectificationResult(request_id, True, {}, {}, kept, statement_recorded=True)
    steps = []
    for name in erasure_order(dataset).tables:
        mine = {t.column: values[t] for t in found if t.table == name}
        if mine and name in location.conditions:
            steps.append(Step(f"rectify:{name}", company=lambda n=name, v=mine: _update(engine, location, n, v)))
    done = run_steps(store, run_key(request_id, dataset), steps, request_id=request_id, actor=actor)
    changed = [s.key for s in steps if done[s.key].counts["updated"]]
    updated = {key.partition(":")[2]: done[key].counts["updated"] for key in changed}
    columns = {key.partition(":")[2]: done[key].counts["columns"] for key in changed}
    return RectificationResult(request_id, False, updated, columns, kept)


def _update(engine: Engine, location: Location, name: str, values: dict[str, Any]) -> dict[str, Any]:
    sql_table = location.tables[name]
    with engine.begin() as connection:
        count = connection.execute(update(sql_table).where(location.condition(name)).values(**values),
                                   location.params).rowcount
    return {"updated": count or 0, "columns": sorted(values)}


def _coerced(column: Any, value: Any, target: Target) -> Any:
    """A value given as text, in the column's type (a date for a DATE column)."""
    if value is None or not isinstance(value, str):
        return value
    try:
        python_type = column.type.python_type
    except NotImplementedError:
        return value
    try:
        if python_type is datetime:
            return datetime.fromisoformat(value)
        if python_type is date:
            return date.fromisoformat(value)
        if python_type is bool:
            return value.strip().lower() in ("1", "true", "yes", "oui")
        if python_type in (int, float, Decimal):
            return python_type(value)
    except (ValueError, InvalidOperation):
        raise InvalidInputError(f"{target.table}.{target.column} holds {python_type.__name__} values, not {value!r}",
                                problems=[Problem("cannot be converted", path=target.field)]) from None
    length = getattr(column.type, "length", None)
    if length and len(value) > length:
        raise InvalidInputError(f"{target.table}.{target.column} holds at most {length} characters",
                                problems=[Problem(f"{len(value)} characters given", path=target.field)])
    return value
