"""Rules a register must satisfy to be loaded at all: known taxonomy keys, references that
resolve, keys that are unique. (Compliance findings, which do not stop a register from being
used, are in :mod:`egide.register.lint`.)"""

from __future__ import annotations

from collections import Counter
from typing import Iterable, Iterator

from egide.domain.errors import InvalidInputError, Problem
from egide.domain.recipient_notices import contact_channel
from egide.register.model import Register, TaxonomyEntry
from egide.register.taxonomy import Taxonomy, closest, covers, default_taxonomy


def register_taxonomy(register: Register) -> Taxonomy:
    custom = register.taxonomy
    return default_taxonomy().extended(
        {e.key for e in custom.data_categories},
        {e.key for e in custom.data_uses},
        {e.key for e in custom.data_subjects},
    )


def validate_register(register: Register) -> list[Problem]:
    taxonomy = register_taxonomy(register)
    problems: list[Problem] = []
    problems += _custom_taxonomy(register)
    problems += _unique_keys(register)
    problems += _taxonomy_keys(register, taxonomy)
    problems += _references(register, taxonomy)
    problems += _contacts(register)
    return problems


def _contacts(register: Register) -> Iterator[Problem]:
    """A recipient's contact is where art. 19 notices go: an email address or an http(s) webhook URL."""
    for i, recipient in enumerate(register.recipients):
        try:
            contact_channel(recipient.contact, f"recipients[{i}].contact")
        except InvalidInputError as exc:
            yield from exc.problems


def _custom_taxonomy(register: Register) -> Iterator[Problem]:
    base = default_taxonomy()
    sections: list[tuple[str, list[TaxonomyEntry], frozenset[str]]] = [
        ("data_categories", register.taxonomy.data_categories, base.data_categories),
        ("data_uses", register.taxonomy.data_uses, base.data_uses),
        ("data_subjects", register.taxonomy.data_subjects, base.data_subjects),
    ]
    for section, entries, known in sections:
        declared = {e.key for e in entries}
        for i, entry in enumerate(entries):
            path = f"taxonomy.{section}[{i}]"
            if entry.key in known:
                yield Problem(f"{entry.key!r} is already a fideslang key: no need to declare it", f"{path}.key")
            if entry.parent not in known and entry.parent not in declared:
                suggestion = closest(entry.parent, known)
                yield Problem(f"parent {entry.parent!r} is not a known key", f"{path}.parent",
                              hint=f"did you mean {suggestion!r}?" if suggestion else None)
            if not entry.key.startswith(entry.parent + "."):
                yield Problem(f"{entry.key!r} must sit under its parent: start it with {entry.parent + '.'!r}",
                              f"{path}.key")


def _duplicates(keys: Iterable[str]) -> set[str]:
    return {k for k, n in Counter(keys).items() if n > 1}


def _unique_keys(register: Register) -> Iterator[Problem]:
    for section, items in (("activities", register.activities), ("recipients", register.recipients),
                           ("retention", register.retention)):
        seen: set[str] = set()
        for i, item in enumerate(items):
            if item.key in seen:
                yield Problem(f"duplicate key {item.key!r}: another entry of {section} already uses it",
                              f"{section}[{i}].key", hint="give each entry its own key")
            seen.add(item.key)
    seen_cookies: set[tuple[str, str]] = set()
    for i, cookie in enumerate(register.cookies):
        ident = (cookie.name, cookie.provider)
        if ident in seen_cookies:
            yield Problem(f"cookie {cookie.name!r} of {cookie.provider!r} is declared twice", f"cookies[{i}].name")
        seen_cookies.add(ident)
    for a, activity in enumerate(register.activities):
        for key in _duplicates(c.key for c in activity.data_categories):
            yield Problem(f"category {key!r} is listed twice", f"activities[{a}].data_categories")
        for key in _duplicates(p.use for p in activity.purposes):
            yield Problem(f"purpose {key!r} is listed twice", f"activities[{a}].purposes")


def _unknown(key: str, known: frozenset[str], what: str, path: str) -> Problem | None:
    if key in known:
        return None
    suggestion = closest(key, known)
    return Problem(
        f"unknown {what} {key!r}",
        path,
        hint=(f"did you mean {suggestion!r}? " if suggestion else "")
        + "custom keys must be declared under taxonomy with a parent",
    )


def _taxonomy_keys(register: Register, taxonomy: Taxonomy) -> Iterator[Problem]:
    checks: list[Problem | None] = []
    for a, activity in enumerate(register.activities):
        base = f"activities[{a}]"
        for s, subject in enumerate(activity.data_subjects):
            checks.append(_unknown(subject, taxonomy.data_subjects, "data subject", f"{base}.data_subjects[{s}]"))
        for p, purpose in enumerate(activity.purposes):
            checks.append(_unknown(purpose.use, taxonomy.data_uses, "data use", f"{base}.purposes[{p}].use"))
        for c, category in enumerate(activity.data_categories):
            checks.append(_unknown(category.key, taxonomy.data_categories, "data category",
                                   f"{base}.data_categories[{c}].key"))
        for t, transfer in enumerate(activity.transfers):
            for c, key in enumerate(transfer.categories):
                checks.append(_unknown(key, taxonomy.data_categories, "data category",
                                       f"{base}.transfers[{t}].categories[{c}]"))
    for r, rule in enumerate(register.retention):
        for c, key in enumerate(rule.categories):
            checks.append(_unknown(key, taxonomy.data_categories, "data category", f"retention[{r}].categories[{c}]"))
        for s, subject in enumerate(rule.data_subjects):
            checks.append(_unknown(subject, taxonomy.data_subjects, "data subject", f"retention[{r}].data_subjects[{s}]"))
    yield from (p for p in checks if p is not None)


def _references(register: Register, taxonomy: Taxonomy) -> Iterator[Problem]:
    activities = {a.key: a for a in register.activities}
    recipients = {r.key for r in register.recipients}
    for a, activity in enumerate(register.activities):
        for r, key in enumerate(activity.recipients):
            if key not in recipients:
                yield _missing_ref(key, recipients, "recipient", f"activities[{a}].recipients[{r}]")
        for t, transfer in enumerate(activity.transfers):
            if transfer.recipient not in recipients:
                yield _missing_ref(transfer.recipient, recipients, "recipient",
                                   f"activities[{a}].transfers[{t}].recipient")
    for r, rule in enumerate(register.retention):
        for i, key in enumerate(rule.activities):
            if key not in activities:
                yield _missing_ref(key, set(activities), "activity", f"retention[{r}].activities[{i}]")
        declared = [c.key for k in rule.activities if k in activities for c in activities[k].data_categories]
        for c, key in enumerate(rule.categories):
            if key in taxonomy.data_categories and not any(covers(key, d) or covers(d, key) for d in declared):
                yield Problem(f"category {key!r} is not processed by the rule's activities "
                              f"({', '.join(rule.activities)})", f"retention[{r}].categories[{c}]",
                              hint="add it to an activity's data_categories or remove it from the rule")
    for s, statement in enumerate(register.statements):
        for i, key in enumerate(statement.activities):
            if key not in activities:
                yield _missing_ref(key, set(activities), "activity", f"statements[{s}].activities[{i}]")
    for c, cookie in enumerate(register.cookies):
        if cookie.activity is not None and cookie.activity not in activities:
            yield _missing_ref(cookie.activity, set(activities), "activity", f"cookies[{c}].activity")


def _missing_ref(key: str, known: set[str], what: str, path: str) -> Problem:
    import difflib

    match = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.6)
    return Problem(f"no {what} with key {key!r} in this register", path,
                   hint=f"did you mean {match[0]!r}?" if match else f"declare it under {what}s first"
                   if what != "activity" else "declare it under activities first")
