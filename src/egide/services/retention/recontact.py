"""Re-contact before the data goes: the register's retention rules with ``recontact`` (seed 002:
prospects asked after three years whether to go on; seed 004: after six months).

- :func:`due_for_recontact`: who is due at a date, per rule and table: one set-based query per
  table on the company database (``clock <= at - after``), filtered by the contacts already
  recorded in Egide's store (one query per table): one contact per clock cycle.
- :func:`record_contacts`: record that the people due now are contacted (audited per batch) and,
  when the rule says ``notify: true``, send the notice (fr/en) with a signed keep-me / forget-me
  link and reply instructions.
- :func:`answer_recontact`: the answer feeds back. *keep* restarts the clock at the answer (the
  answer is a contact from the person): recorded at once, and written into the row's clock
  column by :func:`apply_keep_answers` when that column starts no other clock (else the recorded
  answer is the clock: :func:`keep_answers`). *forget* opens an erasure request
  (services/requests.py ``submit_request``), identity taken as verified when the answer came
  through the signed link sent to the address (possession of the mailbox, as with an emailed code),
  unless the register always requires an identity document.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterable

from sqlalchemy import Engine, and_, bindparam, select, update
from sqlalchemy import types as sqltypes

from egide.datasets.model import Table
from egide.domain.audit import AuditEvent
from egide.domain.clock import naive_utc
from egide.domain.durations import Duration
from egide.domain.errors import ConflictError, InvalidInputError, NotFoundError, Problem
from egide.domain.identity import IdentifierKind
from egide.domain.notices import DeliveryError, NoticeKind, OutgoingNotice
from egide.domain.recontact import Answer, Contact, NewContact, effective_clock, is_due
from egide.domain.requests import IdentityProofRule
from egide.domain.retention import cutoff
from egide.register.model import Register, RetentionRule
from egide.services.request_desk import RequestDesk
from egide.services.execution.locate import company_tables
from egide.services.request_runner import CompanyDatabase

BATCH = 500  # contacts recorded per transaction (and per audit event)
OBJECT_TYPE = "recontact_contact"


@dataclass(frozen=True)
class RecontactTarget:
    """A table one re-contact rule covers: where the clock is, the row's key, the address."""

    rule: RetentionRule
    database: CompanyDatabase
    table: Table
    clock_column: str
    key_columns: tuple[str, ...]
    email_column: str | None

    @property
    def moves_clock(self) -> bool:
        """A keep answer may be written into the clock column only if it starts no other clock."""
        column = self.table.column(self.clock_column)
        return column is not None and [c.value for c in column.clocks] == [self.rule.clock.value]  # type: ignore[union-attr]


@dataclass(frozen=True)
class DuePerson:
    rule: str
    dataset: str
    table: str
    row_key: str
    clock_at: datetime  # naive UTC: the clock the period ran from
    due_since: datetime
    email: str | None
    notify: bool
    channel: str

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "dataset": self.dataset, "table": self.table, "key": json.loads(self.row_key),
                "clock": self.clock_at.isoformat(), "due_since": self.due_since.isoformat(), "email": self.email,
                "channel": self.channel, "notify": self.notify}


@dataclass
class RecontactOutcome:
    contacts: list[Contact] = field(default_factory=list)
    notified: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (reference, error)
    without_address: int = 0


# --- who is due -----------------------------------------------------------------------------------

def recontact_rules(register: Register, rule: str | None = None) -> list[RetentionRule]:
    rules = [r for r in register.retention if r.recontact is not None and (rule is None or r.key == rule)]
    if rule is not None and not rules:
        known = ", ".join(r.key for r in register.retention if r.recontact is not None) or "none"
        raise NotFoundError(f"no retention rule {rule!r} with recontact in the register (rules with recontact: {known})")
    return rules


def recontact_targets(register: Register, databases: list[CompanyDatabase], rule: str | None = None) -> list[RecontactTarget]:
    """Each table a re-contact rule covers: it serves one of the rule's activities, holds its data
    subjects (when both say), and has a column starting the rule's clock."""
    targets = []
    for r in recontact_rules(register, rule):
        for database in databases:
            for table in database.dataset.tables:
                if not set(table.activities) & set(r.activities):
                    continue
                if r.data_subjects and table.data_subjects and not set(table.data_subjects) & set(r.data_subjects):
                    continue
                clock = next((c.name for c in table.columns if r.clock in c.clocks), None)
                if clock is None:
                    continue
                email = next((c.name for c in table.columns if c.identity is IdentifierKind.email), None)
                targets.append(RecontactTarget(r, database, table, clock, tuple(table.primary_key), email))
    return targets


def due_for_recontact(desk: RequestDesk, register: Register, databases: list[CompanyDatabase],
                      at: datetime | None = None, rule: str | None = None) -> list[DuePerson]:
    """The people due for re-contact at ``at`` (default: now), each row once per rule."""
    at = at or desk.store.clock.now()
    due: list[DuePerson] = []
    for target in recontact_targets(register, databases, rule):
        due.extend(_due_in(desk, target, at))
    return due


def _due_in(desk: RequestDesk, target: RecontactTarget, at: datetime) -> list[DuePerson]:
    after = Duration.parse(target.rule.recontact.after)  # type: ignore[union-attr]
    limit = naive_utc(cutoff(after, aware(at)))
    return [DuePerson(target.rule.key, target.database.dataset.name, target.table.name, row.key, row.clock,
                      after.add_to(row.clock), row.email, target.rule.recontact.notify,  # type: ignore[union-attr]
                      target.rule.recontact.channel.value)  # type: ignore[union-attr]
            for row in rows_in_cycle(desk.store, target, limit) if is_due(row.clock, limit, row.latest)]


@dataclass(frozen=True)
class PastRow:
    """A row past its re-contact period: its key (JSON), its effective clock (naive UTC: the
    column, or the latest keep answer when later), its address and its latest contact."""

    key: str
    clock: datetime
    email: str | None
    latest: Contact | None


def rows_in_cycle(store: Any, target: RecontactTarget, limit: datetime) -> list[PastRow]:
    """The rows whose clock is at or before ``limit`` (now minus the re-contact period), each with
    its effective clock and latest contact under the rule: one query on the company database, two
    on Egide's store. The re-contact list and the rows a run keeps (:mod:`.awaiting`) read the same."""
    rows = _rows_past(target, limit)
    if not rows:
        return []
    dataset, table = target.database.dataset.name, target.table.name
    with store.unit_of_work(read_only=True) as uow:
        latest = uow.recontacts.latest(target.rule.key, dataset, table)
        answers = uow.recontacts.keep_answers(target.rule.key, dataset, table)
    return [PastRow(key, effective_clock(naive_utc(clock), answers.get(key)), email, latest.get(key))
            for key, clock, email in rows]


def _rows_past(target: RecontactTarget, limit: datetime) -> list[tuple[str, datetime, str | None]]:
    """(row key, clock, email) of the rows whose clock is at or before ``limit``: one query."""
    table = company_tables(target.database.engine, target.database.dataset)[target.table.name]
    keys = key_columns(target, table)
    clock = table.c[target.clock_column]
    columns = [table.c[k] for k in keys] + [clock] + ([table.c[target.email_column]] if target.email_column else [])
    query = select(*columns).where(clock <= _bound(clock.type, limit)).order_by(clock, *[table.c[k] for k in keys])
    with target.database.engine.connect() as connection:
        rows = connection.execute(query).all()
    width = len(keys)
    return [(row_key(row[:width]), _instant(row[width]), row[width + 1] if target.email_column else None)
            for row in rows]


def key_columns(target: RecontactTarget, table: Any) -> tuple[str, ...]:
    """The row's key: the dataset's primary key, else the database's."""
    keys = target.key_columns or tuple(c.name for c in table.primary_key.columns)
    if not keys:
        raise InvalidInputError(f"table {target.table.name} has no primary key: give primary_key in the dataset",
                                problems=[Problem("primary_key needed to record a contact",
                                                  path=f"tables.{target.table.name}.primary_key")])
    return keys


def row_key(values: Iterable[Any]) -> str:
    return json.dumps([str(v) for v in values])


# --- recording and notifying ---------------------------------------------------------------------

def record_contacts(desk: RequestDesk, register: Register, databases: list[CompanyDatabase], *,
                    rule: str | None = None, public_url: str | None = None) -> RecontactOutcome:
    """Record that the people due now are contacted, then send the notices the register asks for."""
    now = desk.now()
    due = due_for_recontact(desk, register, databases, now, rule)
    language = desk.policy.language if desk.policy.language in ("fr", "en") else "fr"
    outcome = RecontactOutcome()
    groups: dict[tuple[str, str, str], list[DuePerson]] = {}
    for person in due:
        groups.setdefault((person.rule, person.dataset, person.table), []).append(person)
    for (rule_key, dataset, table), people in groups.items():
        for start in range(0, len(people), BATCH):
            chunk = people[start:start + BATCH]
            with desk.store.unit_of_work() as uow:
                added = uow.recontacts.add([NewContact(p.rule, p.dataset, p.table, p.row_key, p.clock_at, language,
                                                       p.email) for p in chunk], now)
                uow.audit.record(AuditEvent("retention.recontact_recorded", desk.actor, "retention_rule", rule_key, {
                    "dataset": dataset, "table": table, "contacts": len(added),
                    "references": [c.reference for c in added]}))
            outcome.contacts.extend(added)
    notify = {r.key for r in recontact_rules(register, rule) if r.recontact.notify}  # type: ignore[union-attr]
    rules = {r.key: r for r in register.retention}
    for contact in outcome.contacts:
        if contact.rule not in notify:
            continue
        if not contact.has_address:
            outcome.without_address += 1
            continue
        error = _notify(desk, contact, rules[contact.rule], public_url)
        if error is None:
            outcome.notified += 1
        else:
            outcome.failed.append((contact.reference, error))
    return outcome


def _notify(desk: RequestDesk, contact: Contact, rule: RetentionRule, public_url: str | None) -> str | None:
    """Send one notice and record the outcome; a transport failure is recorded and returned."""
    if desk.notifier is None:
        return "no notifier configured"
    keyring = desk.store.keyring  # type: ignore[attr-defined]
    with desk.store.unit_of_work(read_only=True) as uow:
        to = uow.recontacts.address(contact)
    assert to is not None
    links: dict[str, Any] = {"keep_url": None, "forget_url": None}
    if public_url:
        base = f"{public_url.rstrip('/')}/recontact/{answer_token(contact.id, keyring.sign)}"
        links = {"keep_url": f"{base}?answer=keep", "forget_url": f"{base}?answer=forget"}
    after = Duration.parse(rule.recontact.after)  # type: ignore[union-attr]
    context = {"reference": contact.reference, "controller": desk.policy.controller_name,
               "after_words": after.describe(contact.language), **links}
    subject, body = desk.renderer.render(NoticeKind.recontact, contact.language, context)
    notice = OutgoingNotice(contact.id, contact.reference, NoticeKind.recontact, to, subject, body, desk.now())
    error = None
    try:
        desk.notifier.send(notice)
    except DeliveryError as exc:
        error = exc.message.replace(to, "the recipient")
    with desk.store.unit_of_work() as uow:
        uow.recontacts.mark_notified(contact.id, desk.now() if error is None else None, desk.notifier.name, error)
        uow.audit.record(AuditEvent("notice.sent" if error is None else "notice.failed", desk.actor, OBJECT_TYPE,
                                    contact.id, {"reference": contact.reference, "kind": NoticeKind.recontact.value,
                                                 "transport": desk.notifier.name}))
    return error


def answer_token(contact_id: str, sign) -> str:  # type: ignore[no-untyped-def]
    """The signed part of the keep-me / forget-me link: the contact id and its HMAC."""
    return f"{contact_id}.{sign(f'recontact:{contact_id}'.encode())}"


def contact_of_token(desk: RequestDesk, token: str) -> Contact:
    contact_id, _, signature = (token or "").partition(".")
    keyring = desk.store.keyring  # type: ignore[attr-defined]
    if not contact_id or len(token) > 200 or not keyring.verify(f"recontact:{contact_id}".encode(), signature):
        raise InvalidInputError("this link is not valid", problems=[Problem("bad signature", path="token")])
    with desk.store.unit_of_work(read_only=True) as uow:
        found = uow.recontacts.by_ids([contact_id])
    if not found:
        raise NotFoundError("this link is no longer valid")
    return found[0]


# --- answers --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AnswerOutcome:
    contact: Contact
    request_reference: str | None = None
    clock_moved: bool = False


def answer_recontact(desk: RequestDesk, reference: str, answer: str | Answer, *, by: str,
                     through_link: bool = False, databases: list[CompanyDatabase] | None = None,
                     register: Register | None = None) -> AnswerOutcome:
    """Record the person's answer to a contact (once). keep: the clock restarts now (and, given the
    databases, the row's clock column is moved at once); forget: an erasure request is opened."""
    try:
        parsed = answer if isinstance(answer, Answer) else Answer(str(answer).strip().lower())
    except ValueError:
        raise InvalidInputError(f"unknown answer {answer!r}", problems=[Problem("keep or forget", path="answer")]) from None
    with desk.store.unit_of_work(read_only=True) as uow:
        contact = uow.recontacts.by_reference(reference)
        to = uow.recontacts.address(contact) if contact else None
    if contact is None:
        raise NotFoundError(f"no re-contact {reference.strip()!r}")
    if contact.answer is not None:
        if contact.answer == parsed.value:
            return AnswerOutcome(contact, contact.request_reference)  # the same answer again changes nothing
        raise ConflictError(f"{contact.reference} was already answered {contact.answer!r} on {contact.answered_at:%Y-%m-%d}")
    request_reference = _open_erasure(desk, contact, to, through_link) if parsed is Answer.forget else None
    with desk.store.unit_of_work() as uow:
        uow.recontacts.answer(contact.id, parsed.value, desk.now(), by, request_reference)
        uow.audit.record(AuditEvent("retention.recontact_answered", by, OBJECT_TYPE, contact.id, {
            "reference": contact.reference, "rule": contact.rule, "answer": parsed.value,
            "request": request_reference}))
        contact = uow.recontacts.by_ids([contact.id])[0]
    moved = False
    if parsed is Answer.keep and databases and register is not None:
        moved = contact.id in apply_keep_answers(desk, register, databases)
    return AnswerOutcome(contact, request_reference, moved)


def _open_erasure(desk: RequestDesk, contact: Contact, to: str | None, through_link: bool) -> str:
    from egide.services.request_identity import verify_manually
    from egide.services.requests import submit_request

    if not to:
        raise ConflictError(f"{contact.reference}: no address on file to open an erasure request for; "
                            "log it with `egide request submit`")
    document = desk.policy.identity_proof is IdentityProofRule.always
    change = submit_request(desk, right="erasure", email=to, channel="email", language=contact.language,
                            text=f"Réponse « effacer » à la reprise de contact {contact.reference}",
                            identify=document or not through_link)
    if through_link and not document:
        verify_manually(desk, change.request.reference, "answered through the signed link sent to this address",
                        contact.reference)
    return change.request.reference


def apply_keep_answers(desk: RequestDesk, register: Register, databases: list[CompanyDatabase]) -> list[str]:
    """Write each keep answer not applied yet into its row's clock column (the answer time), where
    that column starts only the rule's clock; the ids of the contacts applied. One executemany
    statement per table (answers are people's replies: a few a day)."""
    rules = {r.key: r for r in register.retention}
    applied: list[str] = []
    for database in databases:
        with desk.store.unit_of_work(read_only=True) as uow:
            pending = uow.recontacts.keep_answers_to_apply(database.dataset.name)
        by_table: dict[tuple[str, str], list[Contact]] = {}
        for contact in pending:
            by_table.setdefault((contact.rule, contact.table), []).append(contact)
        for (rule_key, table_name), contacts in by_table.items():
            rule = rules.get(rule_key)
            target = next((t for t in recontact_targets(register, [database]) if rule and t.rule.key == rule_key
                           and t.table.name == table_name), None) if rule else None
            if target is None or not target.moves_clock:
                continue
            _move_clocks(database.engine, target, contacts)
            with desk.store.unit_of_work() as uow:
                uow.recontacts.mark_clock_moved([c.id for c in contacts], desk.now())
                uow.audit.record(AuditEvent("retention.recontact_clock_restarted", desk.actor, "retention_rule",
                                            rule_key, {"dataset": database.dataset.name, "table": table_name,
                                                       "rows": len(contacts),
                                                       "references": [c.reference for c in contacts]}))
            applied.extend(c.id for c in contacts)
    return applied


def _move_clocks(engine: Engine, target: RecontactTarget, contacts: list[Contact]) -> None:
    table = company_tables(engine, target.database.dataset)[target.table.name]
    keys = key_columns(target, table)
    clock = table.c[target.clock_column]
    where = and_(*[table.c[k] == bindparam(f"k_{i}") for i, k in enumerate(keys)])
    statement = update(table).where(where).values({clock.name: bindparam("restarted")})
    params = []
    for contact in contacts:
        values = json.loads(contact.row_key)
        params.append({"restarted": _bound(clock.type, contact.answered_at.replace(tzinfo=timezone.utc)),  # type: ignore[union-attr]
                       **{f"k_{i}": typed_value(table.c[k], v) for i, (k, v) in enumerate(zip(keys, values))}})
    with engine.begin() as connection:
        connection.execute(statement, params)


def awaiting_answer(store: Any, rule: str, dataset: str, table: str) -> dict[str, datetime]:
    """Row key -> when the person was contacted, for contacts still without an answer (a retention
    run keeps those rows until the answer period is over: :mod:`.awaiting`)."""
    with store.unit_of_work(read_only=True) as uow:
        latest = uow.recontacts.latest(rule, dataset, table)
    return {key: c.contacted_at for key, c in latest.items() if c.answer is None}


def keep_answers(desk: RequestDesk, rule: str, dataset: str, table: str) -> dict[str, datetime]:
    """Row key -> the latest keep answer (naive UTC): for a clock column a keep answer cannot move."""
    with desk.store.unit_of_work(read_only=True) as uow:
        return uow.recontacts.keep_answers(rule, dataset, table)


# --- values ---------------------------------------------------------------------------------------

def aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=timezone.utc)


def _instant(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime(value.year, value.month, value.day)  # a date column


def _bound(column_type: Any, instant: datetime) -> Any:
    if isinstance(column_type, sqltypes.Date) and not isinstance(column_type, sqltypes.DateTime):
        return instant.date()
    if isinstance(column_type, sqltypes.DateTime) and getattr(column_type, "timezone", False):
        return aware(instant)
    return naive_utc(instant)


def typed_value(column: Any, value: str) -> Any:
    """A key value as stored in a contact (a string) converted back to its column's type."""
    try:
        return column.type.python_type(value) if column.type.python_type in (int, str) else value
    except (NotImplementedError, ValueError):
        return value
