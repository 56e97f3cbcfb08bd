"""`egide dataset check`: does a dataset file hold against the register and the live database?

Three sources of findings, each placed at the line of the dataset file it is about:

- the file alone (:func:`structure_findings`): every table holding personal data reaches an
  identity column through references; references that loop are reported;
- the register (:func:`register_findings`): activities exist, data categories are fideslang or
  custom keys of the register and are declared by the table's activities, nothing the register
  says is never stored sits in a column, retention rules find a column that starts their clock;
- the live database and log files (:mod:`egide.datasets.live`).

Error findings mean a request or a retention sweep would go wrong; warnings mean the file and
the register disagree in a way a person should look at; notes are for information.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import Generator, Iterator, Mapping, Sequence
from urllib.parse import urlsplit

from egide.datasets.database import DatabaseInfo
from egide.datasets.findings import Finding, Hit
from egide.datasets.graph import IdentityPath, erasure_order, identity_paths
from egide.datasets.live import database_findings, log_findings
from egide.datasets.loader import LoadedDataset
from egide.datasets.model import Dataset, Table, is_personal_category
from egide.domain.signatures import MIN_SECRET_BYTES
from egide.register.lint import Severity
from egide.register.model import Activity, Register, RetentionRule
from egide.register.taxonomy import closest, covers
from egide.register.validation import register_taxonomy

PathParts = Sequence[str | int]
_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def check_dataset(loaded: LoadedDataset, register: Register | None = None, database: DatabaseInfo | None = None,
                  log_root: Path | None = None, environ: Mapping[str, str] | None = None) -> list[Finding]:
    """Every finding about ``loaded``, errors first, then by line."""
    hits = list(structure_findings(loaded.dataset))
    if register is not None:
        hits += register_findings(loaded.dataset, register)
    if database is not None:
        hits += database_findings(loaded.dataset, database)
    hits += log_findings(loaded.dataset, log_root or loaded.directory)
    hits += webhook_findings(loaded.dataset, os.environ if environ is None else environ)
    findings = []
    for hit in hits:
        placed = loaded.problem(hit.parts, hit.message, hit.hint)
        findings.append(Finding(hit.rule, hit.severity, placed.path, hit.message, hit.hint,
                                placed.file, placed.line, placed.column))
    findings += [Finding("fides.not_imported", Severity.info, note.path, note.message, note.hint, note.file,
                         note.line, note.column) for note in loaded.notes]
    order = {Severity.error: 0, Severity.warning: 1, Severity.info: 2}
    return sorted(findings, key=lambda f: (order[f.severity], f.line or 0, f.rule))


# --- the file alone -------------------------------------------------------------------------


def structure_findings(dataset: Dataset) -> Iterator[Hit]:
    if dataset.tables and not dataset.identity_columns():
        yield Hit("identity.none", Severity.error, ("tables",), "no column identifies a person",
                  "mark the email, phone or customer id columns with identity: email|phone|customer_id")
        return
    paths = identity_paths(dataset)
    for t, table in enumerate(dataset.tables):
        if table.name not in paths and table.is_personal:
            yield Hit("identity.unreachable", Severity.error, ("tables", t, "name"),
                      f"table {table.name!r} holds personal data but no reference leads from it to an identity column",
                      "add references from a column to a table that reaches the person, or mark its identity column")
    for cycle in erasure_order(dataset).cycles:
        t = next(i for i, x in enumerate(dataset.tables) if x.name == cycle[0])
        loop = " -> ".join([*cycle, cycle[0]])
        yield Hit("references.cycle", Severity.warning, ("tables", t, "name"), f"references loop: {loop}",
                  "erasure will have to null a referencing column before deleting rows")


def webhook_findings(dataset: Dataset, environ: Mapping[str, str]) -> Iterator[Hit]:
    """A webhook connector's secret is set (long enough to sign); plain http is for test benches only."""
    for w, webhook in enumerate(dataset.webhooks):
        secret = environ.get(webhook.secret_env, "").strip()
        if not secret:
            yield Hit("webhook.secret_missing", Severity.error, ("webhooks", w, "secret_env"),
                      f"webhook {webhook.name!r}: the environment variable {webhook.secret_env} is not set",
                      f"export {webhook.secret_env}=$(openssl rand -hex 32) and share it with the processor")
        elif len(secret.encode("utf-8")) < MIN_SECRET_BYTES:
            yield Hit("webhook.secret_short", Severity.error, ("webhooks", w, "secret_env"),
                      f"webhook {webhook.name!r}: the secret in {webhook.secret_env} is shorter than "
                      f"{MIN_SECRET_BYTES} bytes", "use a long random value, e.g. `openssl rand -hex 32`")
        if urlsplit(webhook.url).scheme == "http" and urlsplit(webhook.url).hostname not in _LOOPBACK:
            yield Hit("webhook.plain_http", Severity.warning, ("webhooks", w, "url"),
                      f"webhook {webhook.name!r} is reached over plain http: the person's identifiers travel "
                      "in clear", "use https")


# --- against the register ------------------------------------------------------------------


def register_findings(dataset: Dataset, register: Register) -> Iterator[Hit]:
    activities = {a.key: a for a in register.activities}
    taxonomy = register_taxonomy(register)
    paths = identity_paths(dataset)
    for t, table in enumerate(dataset.tables):
        base: tuple[str | int, ...] = ("tables", t)
        served = yield from _activities(table.activities, activities, base, f"table {table.name!r}",
                                        table.is_personal or table.name in paths)
        for s, subject in enumerate(table.data_subjects):
            if subject not in taxonomy.data_subjects:
                yield _unknown_key(subject, taxonomy.data_subjects, "data subject", (*base, "data_subjects", s))
        for c, column in enumerate(table.columns):
            for k, key in enumerate(column.data_categories):
                yield from _category(key, served, taxonomy.data_categories, (*base, "columns", c, "data_categories", k),
                                     f"{table.name}.{column.name}")
        yield from _clocks(dataset, t, served, register.retention, paths)
    for w, webhook in enumerate(dataset.webhooks):
        yield from _activities(webhook.activities, activities, ("webhooks", w), f"webhook {webhook.name!r}", True)
    for d, directory in enumerate(dataset.log_directories):
        base = ("log_directories", d)
        served = yield from _activities(directory.activities, activities, base,
                                        f"log directory {directory.name!r}", True)
        for k, key in enumerate(directory.data_categories):
            yield from _category(key, served, taxonomy.data_categories, (*base, "data_categories", k),
                                 f"log directory {directory.name!r}")
    for m, source in enumerate(dataset.manual):
        yield from _activities(source.activities, activities, ("manual", m), f"manual source {source.name!r}", True)


def _activities(keys: list[str], known: dict[str, Activity], base: tuple[str | int, ...], what: str,
                personal: bool) -> Generator[Hit, None, list[Activity]]:
    """Findings about the activities a table serves; returns the ones that exist (``yield from``)."""
    if not keys and personal:
        yield Hit("activity.none", Severity.error, (*base, "name"), f"{what} serves no activity of the register",
                  "list the register activities it serves under activities")
    served = []
    for i, key in enumerate(keys):
        if key in known:
            served.append(known[key])
            continue
        match = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.6)
        yield Hit("activity.unknown", Severity.error, (*base, "activities", i), f"no activity {key!r} in the register",
                  f"did you mean {match[0]!r}?" if match else "declare it under the register's activities")
    return served


def _unknown_key(key: str, known: frozenset[str], what: str, parts: tuple[str | int, ...]) -> Hit:
    suggestion = closest(key, known)
    return Hit("taxonomy.unknown", Severity.error, parts, f"unknown {what} {key!r}",
               (f"did you mean {suggestion!r}? " if suggestion else "")
               + "custom keys must be declared under the register's taxonomy")


def _category(key: str, served: list[Activity], known: frozenset[str], parts: tuple[str | int, ...],
              where: str) -> Iterator[Hit]:
    if key not in known:
        yield _unknown_key(key, known, "data category", parts)
        return
    if not served or not is_personal_category(key):
        return
    declared = [(a, c) for a in served for c in a.data_categories if covers(c.key, key)]
    if not declared:
        names = ", ".join(a.key for a in served)
        yield Hit("category.undeclared", Severity.warning, parts,
                  f"{where} holds {key}, which no activity it serves declares ({names})",
                  "declare the category in the register or correct the column's annotation")
        return
    activity, closest_declared = max(declared, key=lambda pair: len(pair[1].key))  # the most precise declaration
    if not closest_declared.stored:
        yield Hit("category.not_stored", Severity.error, parts,
                  f"{where} stores {key}, which the register says is never stored ({activity.key})",
                  "stop storing it, or correct the register")


def _clocks(dataset: Dataset, t: int, served: list[Activity], rules: list[RetentionRule],
            paths: dict[str, list[IdentityPath]]) -> Iterator[Hit]:
    """A retention rule of the table's activities needs a column starting its clock, in the table
    or in a table on its way to the person (orders follow the contract_end of their customer)."""
    table = dataset.tables[t]
    if not table.is_personal and table.name not in paths:
        return
    reachable = _tables_on_paths(dataset, table, paths)
    available = {clock for other in reachable for c in other.columns for clock in c.clocks}
    keys = {a.key for a in served}
    for rule in rules:
        if rule.clock is None or not keys.intersection(rule.activities) or rule.clock in available:
            continue
        if rule.categories and not any(covers(k, cat) for k in rule.categories for c in table.columns
                                       for cat in c.data_categories):
            continue
        if rule.data_subjects and table.data_subjects and not set(rule.data_subjects) & set(table.data_subjects):
            continue
        yield Hit("retention.no_clock", Severity.warning, ("tables", t, "name"),
                  f"retention rule {rule.key!r} starts on {rule.clock.value}, but no column of {table.name!r} "
                  "or of the tables it reaches the person through starts that clock",
                  f"mark the timestamp column with clocks: [{rule.clock.value}]")


def _tables_on_paths(dataset: Dataset, table: Table, paths: dict[str, list[IdentityPath]]) -> list[Table]:
    names = {table.name}
    for path in paths.get(table.name, []):
        names.update(j.to_table for j in path.joins)
    return [t for t in dataset.tables if t.name in names]
