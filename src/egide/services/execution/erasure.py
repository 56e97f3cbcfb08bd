"""The right to erasure (art. 17) on the company's databases and log files.

The plan is a pure function of the dataset and the keep rules: for each table, children before
parents along the references, whether its rows go (``delete_row``, or a table kept only while a
register rule keeps it), which columns are masked on the rows that stay (``null``, ``redact``,
``keyed_hash``) and which personal columns are kept (``keep``), with the register rules that keep
them. Executing it is a list of resumable steps (:mod:`.steps`): the suppression list first, so a
later import or signup cannot bring the person back for marketing, then the log files, then one
step per table. The log files' and the tables' steps run as one group, the tables in one
transaction on the company's database, and are recorded together. The erasure is logged without
the erased data (keyed hashes of the person's identifiers, tables and counts), so :func:`egide.services.execution.replay.replay_erasures` can
run it again after a backup is restored.

The answer lists what was erased, what was kept, until when, and the article and register rule
that kept it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterable

from sqlalchemy import Connection, Engine

from egide.datasets.graph import erasure_order
from egide.datasets.model import Dataset, ErasureStrategy
from egide.domain.audit import AuditEvent
from egide.domain.clock import Clock
from egide.domain.execution import StepRecord
from egide.domain.identity import Identifier, IdentifierKind
from egide.register.model import OpenEvent, Register
from egide.services.execution.keep import KeepPlan, KeepRule, keep_rules
from egide.services.execution.locate import Location, company_children, company_tables, locate
from egide.services.execution.logs import erase_lines, unsearched
from egide.services.execution.masking import HASH_PREFIX, erase_tables
from egide.services.execution.memo import IdentityCache
from egide.services.execution.steps import (
    ExecutionStore,
    ExecutionUnitOfWork,
    StepGroup,
    record_step,
    resumed,
    run_key,
    run_steps,
)

_MASKS = (ErasureStrategy.null, ErasureStrategy.keyed_hash, ErasureStrategy.redact)
_PLANS = IdentityCache(64)  # keep rules and table plans, per dataset and register objects


@dataclass(frozen=True)
class Masking:
    column: str
    strategy: ErasureStrategy
    identity: IdentifierKind | None = None


@dataclass(frozen=True)
class TablePlan:
    """What the erasure does to the person's rows of ``table``."""

    table: str
    delete: bool
    masks: tuple[Masking, ...]
    kept_columns: tuple[str, ...]  # personal columns the dataset keeps (erasure: keep)
    keep: tuple[KeepRule, ...]

    @property
    def unjustified(self) -> bool:
        """The dataset keeps personal columns, but no rule of the register says why."""
        return bool(self.kept_columns) and not self.keep


def plan_erasure(dataset: Dataset, keep: KeepPlan) -> tuple[TablePlan, ...]:
    """One plan per table that holds or leads to the person's data, children before parents."""
    plans = []
    for name in erasure_order(dataset).tables:
        table = dataset.table(name)
        assert table is not None
        rules = keep.for_table(name)
        strategies = {c.name: table.erasure_of(c) for c in table.columns}
        delete = table.erasure is ErasureStrategy.delete_row or ErasureStrategy.delete_row in strategies.values() \
            or (table.erasure is ErasureStrategy.keep and bool(rules))
        masks = tuple(Masking(c.name, strategies[c.name], c.identity) for c in table.columns
                      if strategies[c.name] in _MASKS)
        kept = tuple(c.name for c in table.columns if c.is_personal and strategies[c.name] is ErasureStrategy.keep
                     and c.name not in table.primary_key)
        if delete or masks or kept or rules:
            plans.append(TablePlan(name, delete, masks, kept, rules))
    return tuple(plans)


@dataclass(frozen=True)
class TableErasure:
    table: str
    deleted: int
    masked: int
    masked_columns: tuple[str, ...]


@dataclass(frozen=True)
class KeptRows:
    """Rows of ``table`` that stay, and why: a register ``rule`` (with its article and legal
    reference, until a date), rows of other tables still pointing at them (``referenced``: their
    personal columns are masked), the dataset's ``keep`` annotation with no register rule behind
    it (``dataset``: the personal ``columns`` stay), or a table whose rows are never deleted, only
    pseudonymised (``masked``)."""

    table: str
    rows: int
    reason: str
    rule: str | None = None
    article: str | None = None
    legal_reference: str | None = None
    until: str | None = None
    kept_for: str | None = None
    columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class ErasureResult:
    request_id: str
    found: bool
    erased: tuple[TableErasure, ...]
    kept: tuple[KeptRows, ...]
    logs: dict[str, dict[str, int]]
    suppressed: int
    notes: tuple[str, ...] = ()
    steps: int = 0
    skipped_steps: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ErasureRun:
    """What the steps share: the person's location, the plan, the clock."""

    dataset: Dataset
    engine: Engine
    location: Location
    plans: tuple[TablePlan, ...]
    children: dict[str, list[tuple[str, str, str]]]
    now: datetime
    keyring: Any
    log_root: Path | None
    connection: Connection  # on the company's database: locates, then erases in one transaction
    notes: list[str] = field(default_factory=list)


def run_erasure(store: ExecutionStore, *, dataset: Dataset, engine: Engine, register: Register, request_id: str,
                identifiers: Iterable[Identifier], log_root: Path | None = None,
                open_events: Iterable[OpenEvent] = (), clock: Clock | None = None, actor: str = "egide",
                run: str | None = None, on_step: Callable[[StepRecord], None] | None = None) -> ErasureResult:
    """Erase the person's data; resumable: a second call with the same ``request_id`` skips the
    steps already done. ``open_events``: disputes or proceedings open for this person (their
    register rules then keep the data). ``run`` names the steps' run (default: ``request/dataset``;
    a replay gives its own, and then neither logs the erasure again nor adds to the suppression list).

    Two store transactions: the first logs the erasure and puts the identifiers on the suppression
    list (step ``suppression``); the second records the log files' and the tables' steps, done
    together (:class:`StepGroup`), and the erasure's result."""
    now = (clock or store.clock).now()
    events = frozenset(open_events)
    keep = _PLANS.get((dataset, register), (events,), lambda: keep_rules(dataset, register, events))
    with engine.connect() as connection:  # the rows are located, then erased, on one connection
        prepared = prepare_run(store, dataset, engine, keep, identifiers, now, log_root, connection)
        return _run(store, prepared, request_id, run, actor, on_step)


def _run(store: ExecutionStore, prepared: ErasureRun, request_id: str, run: str | None, actor: str,
         on_step: Callable[[StepRecord], None] | None) -> ErasureResult:
    dataset, now = prepared.dataset, prepared.now
    replay, run = run is not None, run or run_key(request_id, dataset)
    group = erasure_group(prepared)
    keys = ([] if replay else ["suppression"]) + list(group.keys)
    with store.unit_of_work() as uow:
        if not replay:
            uow.execution.start_erasure(request_id, dataset.name, prepared.location.identifiers, now)
        done = uow.execution.steps(run)
        before = set(done)
        if before and any(k not in before for k in keys):
            resumed(uow, run, before, request_id=request_id, actor=actor)
        if not replay and "suppression" not in done:
            done["suppression"] = record_step(uow, store.clock, run, "suppression", _suppress(uow, prepared),
                                              request_id=request_id, actor=actor)
    if on_step is not None and "suppression" in done and "suppression" not in before:
        on_step(done["suppression"])
    outcome: list[ErasureResult] = []

    def finish(uow: ExecutionUnitOfWork, finished: dict[str, StepRecord]) -> None:
        result = erasure_result(request_id, prepared, finished, keys, len(before))
        if not replay:
            uow.execution.finish_erasure(request_id, dataset.name, _summary(result), now)
        uow.audit.record(AuditEvent("request.erasure_executed", actor, "request", request_id, {
            "run": run, "dataset": dataset.name, "deleted": sum(t.deleted for t in result.erased),
            "masked": sum(t.masked for t in result.erased), "kept": sum(k.rows for k in result.kept),
            "log_lines": sum(d["lines"] for d in result.logs.values())}))
        outcome.append(result)

    run_steps(store, run, [group], request_id=request_id, actor=actor, on_step=on_step, done=done, finish=finish,
              note_resumption=False)
    return outcome[0]


def prepare_run(store: ExecutionStore, dataset: Dataset, engine: Engine, keep: KeepPlan,
                identifiers: Iterable[Identifier], now: datetime, log_root: Path | None,
                connection: Connection) -> ErasureRun:
    tables = company_tables(engine, dataset)
    keyring = store.keyring
    # rows pseudonymised by a killed run of this erasure are found too, by their keyed hash
    location = locate(connection, dataset, tables, identifiers,
                      keyed=lambda identifier: HASH_PREFIX + keyring.lookup_hash(identifier))
    plans = _PLANS.get((dataset, keep), ("tables",), lambda: plan_erasure(dataset, keep))
    run = ErasureRun(dataset, engine, location, plans, company_children(engine, tables), now,
                     store.keyring, log_root, connection)
    run.notes.extend(keep.notes)
    run.notes.extend(location.left_out)
    run.notes.extend(unsearched(dataset, log_root))
    return run


def erasure_group(run: ErasureRun) -> StepGroup:
    """The log files, then the tables (children before parents) in one transaction."""
    keys = [f"logs:{d.name}" for d in run.dataset.log_directories] + [f"erase:{p.table}" for p in run.plans]
    return StepGroup(tuple(keys), company=lambda pending: _erase(run, pending))


def _erase(run: ErasureRun, pending: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    counts: dict[str, dict[str, Any]] = {}
    for directory in run.dataset.log_directories:
        if f"logs:{directory.name}" in pending:
            counts[f"logs:{directory.name}"] = erase_lines(directory, run.log_root, run.location.identifiers)
    plans = [p for p in run.plans if f"erase:{p.table}" in pending]
    if plans:  # one transaction: it commits all the tables or none
        try:
            erased = erase_tables(run.connection, plans, run.location, run.children, run.keyring, run.now)
            run.connection.commit()
        except BaseException:
            run.connection.rollback()
            raise
        counts.update({f"erase:{table}": c for table, c in erased.items()})
    return counts


def _suppress(uow: ExecutionUnitOfWork, run: ErasureRun) -> dict[str, Any]:
    added = uow.lists.add_all("suppression", run.location.identifiers, "all", run.now, "erasure")
    return {"suppressed": len(run.location.identifiers), "added": added}


def erasure_result(request_id: str, run: ErasureRun, done: dict[str, StepRecord], keys: list[str],
                   skipped: int) -> ErasureResult:
    erased, kept, logs = [], [], {}
    for key in keys:
        counts = done[key].counts
        kind, _, name = key.partition(":")
        if kind == "logs":
            logs[name] = {"files": counts.get("files", 0), "lines": counts.get("lines", 0)}
        elif kind == "erase":
            erased.append(TableErasure(name, counts["deleted"], counts["masked"], tuple(counts["masked_columns"])))
            kept.extend(KeptRows(table=name, rows=k["rows"], reason=k["reason"], rule=k.get("rule"),
                                 article=k.get("article"), legal_reference=k.get("legal_reference"),
                                 until=k.get("until"), kept_for=k.get("kept_for"), columns=tuple(k.get("columns", ())))
                        for k in counts["kept"])
    notes = list(run.notes)
    notes += [f"{p.table}: the dataset keeps {', '.join(p.kept_columns)} but no rule of the register says why"
              for p in run.plans if p.unjustified and any(k.table == p.table for k in kept)]
    found = any(t.deleted or t.masked for t in erased) or bool(kept) or any(d["lines"] for d in logs.values())
    suppressed = done["suppression"].counts.get("suppressed", 0) if "suppression" in done else 0
    return ErasureResult(request_id, found, tuple(erased), tuple(kept), logs, suppressed, tuple(notes),
                         len(keys), skipped)


def _summary(result: ErasureResult) -> dict[str, dict[str, Any]]:
    tables: dict[str, dict[str, Any]] = {t.table: {"deleted": t.deleted, "masked": t.masked, "kept": 0}
                                         for t in result.erased}
    for k in result.kept:
        tables.setdefault(k.table, {"deleted": 0, "masked": 0, "kept": 0})["kept"] += k.rows
    for name, counts in result.logs.items():
        tables[f"logs:{name}"] = {"deleted": counts["lines"], "masked": 0, "kept": 0}
    return tables


_WORDS = {
    "fr": {"erased": "{table} : {deleted} ligne(s) supprimée(s), {masked} masquée(s)",
           "rule": "{table} : {rows} ligne(s) conservée(s) jusqu'au {until} — règle « {rule} » du registre, {law}",
           "held": "{table} : {rows} ligne(s) conservée(s) tant que dure le litige — règle « {rule} » du registre, {law}",
           "undated": "{table} : {rows} ligne(s) conservée(s), sans date de départ — règle « {rule} » du registre, {law}",
           "referenced": "{table} : {rows} ligne(s) conservée(s), données personnelles masquées, car des lignes "
                         "conservées y renvoient",
           "masked": "{table} : {rows} ligne(s) conservée(s) sous forme pseudonymisée",
           "dataset": "{table} : {rows} ligne(s) conservée(s) ({columns}) sans règle du registre qui le justifie",
           "logs": "journal {name} : {lines} ligne(s) supprimée(s) dans {files} fichier(s)",
           "article": "RGPD"},
    "en": {"erased": "{table}: {deleted} row(s) deleted, {masked} masked",
           "rule": "{table}: {rows} row(s) kept until {until} — register rule “{rule}”, {law}",
           "held": "{table}: {rows} row(s) kept while the dispute lasts — register rule “{rule}”, {law}",
           "undated": "{table}: {rows} row(s) kept, with no starting date — register rule “{rule}”, {law}",
           "referenced": "{table}: {rows} row(s) kept with their personal data masked, as kept rows point at them",
           "masked": "{table}: {rows} row(s) kept in pseudonymised form",
           "dataset": "{table}: {rows} row(s) kept ({columns}) with no register rule behind it",
           "logs": "log {name}: {lines} line(s) removed from {files} file(s)",
           "article": "GDPR"},
}


def describe_erasure(result: ErasureResult, lang: str = "fr") -> list[str]:
    """The answer in words: what was erased, what was kept, until when, and why."""
    words = _WORDS["fr" if lang == "fr" else "en"]
    lines = [words["erased"].format(table=t.table, deleted=t.deleted, masked=t.masked)
             for t in result.erased if t.deleted or t.masked]
    for k in result.kept:
        law = "; ".join(x for x in (k.legal_reference, f"{k.article} {words['article']}" if k.article else None) if x)
        key = k.reason
        if k.reason == "rule" and k.until is None:
            key = "held" if (k.kept_for or "").startswith("while") else "undated"
        lines.append(words[key].format(table=k.table, rows=k.rows, until=k.until, rule=k.rule, law=law,
                                       columns=", ".join(k.columns)))
    lines += [words["logs"].format(name=name, **counts) for name, counts in result.logs.items() if counts["lines"]]
    return lines
