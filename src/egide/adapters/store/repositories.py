"""Repositories: the only code that knows the store's tables. Each works on a connection inside
a transaction owned by the unit of work, and maps rows to domain records explicitly."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Iterator

from sqlalchemy import Connection, bindparam, func, insert, select, update

from egide.adapters.keyring import Keyring
from egide.adapters.store.tables import (
    audit_events,
    audit_head,
    data_subjects,
    register_versions,
    subject_identifiers,
)
from egide.domain.audit import AuditEvent, ChainedEvent, event_hash
from egide.domain.clock import Clock
from egide.domain.identity import Identifier, IdentifierKind
from egide.domain.records import DataSubject, RegisterVersion

if TYPE_CHECKING:
    from egide.adapters.store.subject_key_repositories import SubjectKeys


def utc_naive(at: datetime) -> datetime:
    """The store keeps UTC instants without an offset, identically on SQLite and PostgreSQL."""
    if at.tzinfo is not None:
        at = at.astimezone(timezone.utc).replace(tzinfo=None)
    return at


class RegisterVersions:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def by_sha256(self, sha256: str) -> RegisterVersion | None:
        row = self._c.execute(select(register_versions).where(register_versions.c.sha256 == sha256)).first()
        return _register_version(row) if row else None

    def active(self) -> RegisterVersion | None:
        row = self._c.execute(select(register_versions).where(register_versions.c.is_active.is_(True))).first()
        return _register_version(row) if row else None

    def content(self, version_id: int) -> str:
        return self._c.execute(
            select(register_versions.c.content).where(register_versions.c.id == version_id)).scalar_one()

    def all(self) -> list[RegisterVersion]:
        rows = self._c.execute(select(register_versions).order_by(register_versions.c.id)).all()
        return [_register_version(r) for r in rows]

    def add(self, *, sha256: str, label: str, controller_name: str, effective_date: date | None, content: str,
            source_file: str | None, at: datetime, by: str) -> RegisterVersion:
        result = self._c.execute(insert(register_versions).values(
            sha256=sha256, label=label, controller_name=controller_name, effective_date=effective_date,
            content=content, source_file=source_file, stored_at=utc_naive(at), stored_by=by, is_active=False,
        ))
        version_id = result.inserted_primary_key[0]
        found = self._c.execute(select(register_versions).where(register_versions.c.id == version_id)).one()
        return _register_version(found)

    def activate(self, version_id: int, *, at: datetime, by: str, notice_change: str) -> None:
        self._c.execute(update(register_versions).where(register_versions.c.is_active.is_(True))
                        .values(is_active=False))
        self._c.execute(update(register_versions).where(register_versions.c.id == version_id)
                        .values(is_active=True, activated_at=utc_naive(at), activated_by=by,
                                notice_change=notice_change))

    def last_major_change_at(self) -> datetime | None:
        """When people were last owed a new notice: consents given before must be asked again."""
        return self._c.execute(select(func.max(register_versions.c.activated_at)).where(
            register_versions.c.notice_change == "major")).scalar_one_or_none()


def _register_version(row) -> RegisterVersion:  # type: ignore[no-untyped-def]
    return RegisterVersion(
        id=row.id, sha256=row.sha256, label=row.label, controller_name=row.controller_name,
        effective_date=row.effective_date, stored_at=row.stored_at, stored_by=row.stored_by,
        activated_at=row.activated_at, activated_by=row.activated_by, is_active=bool(row.is_active),
        source_file=row.source_file,
    )


_FIND_MANY = select(subject_identifiers.c.lookup_hash, subject_identifiers.c.subject_id).where(
    subject_identifiers.c.kind == bindparam("kind"),
    subject_identifiers.c.lookup_hash.in_(bindparam("hashes", expanding=True)))


class DataSubjects:
    """Data subjects and their identifiers, stored sealed and found by keyed hash."""

    def __init__(self, connection: Connection, keyring: Keyring, people: "SubjectKeys | None" = None) -> None:
        self._c = connection
        self._keys = keyring
        if people is None:
            from egide.adapters.store.subject_key_repositories import SubjectKeys
            people = SubjectKeys(connection, keyring)
        self._people = people

    def add(self, identifiers: list[Identifier], at: datetime) -> DataSubject:
        subject_id = str(uuid.uuid4())
        self._c.execute(insert(data_subjects), {"id": subject_id, "created_at": utc_naive(at)})
        self.add_identifiers(subject_id, identifiers, at)
        return DataSubject(subject_id, utc_naive(at), tuple(identifiers))

    def add_identifiers(self, subject_id: str, identifiers: list[Identifier], at: datetime) -> None:
        if not identifiers:
            return
        self._c.execute(insert(subject_identifiers), [
            {"subject_id": subject_id, "kind": i.kind.value, "lookup_hash": self._keys.lookup_hash(i),
             "sealed_value": self._people.seal(subject_id, i.value, f"{subject_id}:{i.kind.value}", at),
             "created_at": utc_naive(at)}
            for i in identifiers
        ])

    def find(self, identifier: Identifier) -> list[DataSubject]:
        """Every subject holding this identifier (two people may share a phone number)."""
        ids = self._c.execute(
            select(subject_identifiers.c.subject_id).where(
                subject_identifiers.c.kind == identifier.kind.value,
                subject_identifiers.c.lookup_hash == self._keys.lookup_hash(identifier),
            ).distinct()
        ).scalars().all()
        return [s for s in (self.get(i) for i in sorted(ids)) if s is not None]

    def find_many(self, identifiers: list[Identifier],
                  lookups: dict[tuple[str, str], str] | None = None) -> dict[tuple[str, str], list[str]]:
        """(kind, value) -> subject ids, for many identifiers in a few queries. ``lookups``: the keyed
        hashes by (kind, value), when the caller has computed them already."""
        def lookup(i: Identifier) -> str:
            return lookups[(i.kind.value, i.value)] if lookups else self._keys.lookup_hash(i)

        wanted = {(i.kind.value, lookup(i)): (i.kind.value, i.value) for i in identifiers}
        found: dict[tuple[str, str], list[str]] = {}
        by_kind: dict[str, list[str]] = {}
        for kind, lookup in wanted:
            by_kind.setdefault(kind, []).append(lookup)
        for kind, lookups in by_kind.items():
            for start in range(0, len(lookups), 1000):
                for lookup, subject_id in self._c.execute(_FIND_MANY, {"kind": kind,
                                                                      "hashes": lookups[start:start + 1000]}):
                    found.setdefault(wanted[(kind, lookup)], []).append(subject_id)
        return {k: sorted(set(v)) for k, v in found.items()}

    def by_lookup_hash(self, kind: str, lookup_hash: str) -> list[str]:
        return sorted(self._c.execute(select(subject_identifiers.c.subject_id).where(
            subject_identifiers.c.kind == kind, subject_identifiers.c.lookup_hash == lookup_hash).distinct()
        ).scalars().all())

    def get(self, subject_id: str) -> DataSubject | None:
        row = self._c.execute(select(data_subjects).where(data_subjects.c.id == subject_id)).first()
        if row is None:
            return None
        rows = self._c.execute(select(subject_identifiers).where(
            subject_identifiers.c.subject_id == subject_id).order_by(subject_identifiers.c.id)).all()
        opened = ((r.kind, self._people.open(subject_id, r.sealed_value, f"{subject_id}:{r.kind}")) for r in rows)
        # an erased person's identifiers no longer open (their key is destroyed): they are gone
        identifiers = tuple(Identifier(IdentifierKind(kind), value) for kind, value in opened if value is not None)
        return DataSubject(row.id, row.created_at, identifiers)

    def count(self) -> int:
        return self._c.execute(select(func.count()).select_from(data_subjects)).scalar_one()


# Statements built once: executing them with parameters reuses their compiled form (hot path).
_LOCK_HEAD = select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == 1).with_for_update()
_INSERT_EVENT = insert(audit_events)
_MOVE_HEAD = (update(audit_head).where(audit_head.c.id == 1)
              .values(seq=bindparam("new_seq"), hash=bindparam("new_hash")))


class AuditTrail:
    """Appends hash-chained events. Events recorded in a unit of work are chained when it commits
    (``flush``): the head row is locked (FOR UPDATE on PostgreSQL; BEGIN IMMEDIATE already holds
    SQLite's lock) only for the last moment of the transaction, so concurrent writers queue for
    the chain as briefly as possible."""

    def __init__(self, connection: Connection, clock: Clock) -> None:
        self._c = connection
        self._clock = clock
        self._pending: list[tuple[AuditEvent, datetime]] = []

    def record(self, event: AuditEvent) -> None:
        self._pending.append((event, utc_naive(self._clock.now())))

    def flush(self) -> list[ChainedEvent]:
        if not self._pending:
            return []
        head = self._c.execute(_LOCK_HEAD).one()
        seq, prev, rows, chained = head.seq, head.hash, [], []
        for event, at in self._pending:
            seq += 1
            payload = json.loads(json.dumps(event.payload, default=str))
            digest = event_hash(seq=seq, occurred_at=at, action=event.action, actor=event.actor,
                                object_type=event.object_type, object_id=event.object_id,
                                payload=payload, prev_hash=prev)
            rows.append({"seq": seq, "occurred_at": at, "action": event.action, "actor": event.actor,
                         "object_type": event.object_type, "object_id": event.object_id,
                         "payload": json.dumps(payload, sort_keys=True, ensure_ascii=False), "prev_hash": prev,
                         "hash": digest})
            chained.append(ChainedEvent(seq, at, event.action, event.actor, event.object_type, event.object_id,
                                        payload, prev, digest))
            prev = digest
        self._c.execute(_INSERT_EVENT, rows)
        self._c.execute(_MOVE_HEAD, {"new_seq": seq, "new_hash": prev})
        self._pending.clear()
        return chained

    def head(self) -> tuple[int, str] | None:
        self.flush()
        row = self._c.execute(select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == 1)).first()
        return (row.seq, row.hash) if row else None

    def events(self, batch: int = 5000) -> Iterator[ChainedEvent]:
        """Every event in sequence order, read in pages so memory stays flat."""
        self.flush()
        after = 0
        while True:
            rows = self._c.execute(select(audit_events).where(audit_events.c.seq > after)
                                   .order_by(audit_events.c.seq).limit(batch)).all()
            if not rows:
                return
            for r in rows:
                yield ChainedEvent(r.seq, r.occurred_at, r.action, r.actor, r.object_type, r.object_id,
                                   json.loads(r.payload), r.prev_hash, r.hash)
            after = rows[-1].seq

    def search(self, *, object_type: str | None = None, object_id: str | None = None,
               actor: str | None = None, limit: int = 100) -> list[ChainedEvent]:
        self.flush()
        query = select(audit_events).order_by(audit_events.c.seq.desc()).limit(limit)
        if object_type:
            query = query.where(audit_events.c.object_type == object_type)
        if object_id:
            query = query.where(audit_events.c.object_id == object_id)
        if actor:
            query = query.where(audit_events.c.actor == actor)
        return [ChainedEvent(r.seq, r.occurred_at, r.action, r.actor, r.object_type, r.object_id,
                             json.loads(r.payload), r.prev_hash, r.hash)
                for r in self._c.execute(query).all()]
