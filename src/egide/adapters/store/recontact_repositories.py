"""Re-contacts before retention ends: who was contacted under which rule, the notice, the answer.

The address written to is sealed with the keyring (bound to the contact), like a queued notice;
everything else is a reference: the rule key, the dataset, the table and the row's primary key.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Iterable

from sqlalchemy import Connection, insert, select, update

from egide.adapters.keyring import Keyring
from egide.adapters.store.repositories import utc_naive
from egide.adapters.store.tables import recontact_contacts as contacts
from egide.domain.recontact import Contact, NewContact


class RecontactContacts:
    def __init__(self, connection: Connection, keyring: Keyring) -> None:
        self._c = connection
        self._keys = keyring

    def add(self, new: Iterable[NewContact], at: datetime) -> list[Contact]:
        rows = []
        for n in new:
            contact_id = str(uuid.uuid4())
            rows.append({"id": contact_id, "reference": f"RC-{contact_id[:8].upper()}", "rule": n.rule,
                         "dataset": n.dataset, "table_name": n.table, "row_key": n.row_key,
                         "clock_at": utc_naive(n.clock_at), "language": n.language,
                         "sealed_to": self._keys.seal(n.email, f"recontact:{contact_id}:to") if n.email else None,
                         "contacted_at": utc_naive(at)})
        if rows:
            self._c.execute(insert(contacts), rows)
        return self.by_ids([r["id"] for r in rows])

    def by_ids(self, ids: list[str]) -> list[Contact]:
        if not ids:
            return []
        found = {r.id: _contact(r) for r in self._c.execute(select(contacts).where(contacts.c.id.in_(ids)))}
        return [found[i] for i in ids if i in found]

    def by_reference(self, reference: str) -> Contact | None:
        row = self._c.execute(select(contacts).where(contacts.c.reference == reference.strip().upper())).first()
        return _contact(row) if row else None

    def latest(self, rule: str, dataset: str, table: str) -> dict[str, Contact]:
        """The latest contact of each row under this rule (one query)."""
        rows = self._c.execute(select(contacts).where(contacts.c.rule == rule, contacts.c.dataset == dataset,
                                                      contacts.c.table_name == table)
                               .order_by(contacts.c.contacted_at, contacts.c.id)).all()
        return {r.row_key: _contact(r) for r in rows}

    def address(self, contact: Contact) -> str | None:
        row = self._c.execute(select(contacts.c.sealed_to).where(contacts.c.id == contact.id)).first()
        return self._keys.open(row.sealed_to, f"recontact:{contact.id}:to") if row and row.sealed_to else None

    def mark_notified(self, contact_id: str, at: datetime | None, transport: str, error: str | None) -> None:
        values: dict[str, Any] = {"transport": transport, "error": error[:2000] if error else None}
        if at is not None:
            values["notified_at"] = utc_naive(at)
        self._c.execute(update(contacts).where(contacts.c.id == contact_id).values(**values))

    def answer(self, contact_id: str, answer: str, at: datetime, by: str, request_reference: str | None) -> None:
        """Record the answer once: an answer already recorded is left as it is."""
        self._c.execute(update(contacts).where(contacts.c.id == contact_id, contacts.c.answer.is_(None)).values(
            answer=answer, answered_at=utc_naive(at), answered_by=by[:200], request_reference=request_reference))

    def keep_answers_to_apply(self, dataset: str) -> list[Contact]:
        """Keep answers of this dataset whose clock has not been moved yet."""
        rows = self._c.execute(select(contacts).where(contacts.c.dataset == dataset, contacts.c.answer == "keep",
                                                      contacts.c.clock_moved_at.is_(None))
                               .order_by(contacts.c.answered_at, contacts.c.id)).all()
        return [_contact(r) for r in rows]

    def mark_clock_moved(self, ids: list[str], at: datetime) -> None:
        if ids:
            self._c.execute(update(contacts).where(contacts.c.id.in_(ids)).values(clock_moved_at=utc_naive(at)))

    def keep_answers(self, rule: str, dataset: str, table: str) -> dict[str, datetime]:
        """Row key -> the latest keep answer under this rule: the clock restarts there."""
        rows = self._c.execute(select(contacts.c.row_key, contacts.c.answered_at).where(
            contacts.c.rule == rule, contacts.c.dataset == dataset, contacts.c.table_name == table,
            contacts.c.answer == "keep").order_by(contacts.c.answered_at)).all()
        return {r.row_key: r.answered_at for r in rows}


def _contact(row: Any) -> Contact:
    return Contact(id=row.id, reference=row.reference, rule=row.rule, dataset=row.dataset, table=row.table_name,
                   row_key=row.row_key, clock_at=row.clock_at, language=row.language, contacted_at=row.contacted_at,
                   has_address=row.sealed_to is not None, notified_at=row.notified_at, transport=row.transport,
                   error=row.error, answer=row.answer, answered_at=row.answered_at, answered_by=row.answered_by,
                   request_reference=row.request_reference, clock_moved_at=row.clock_moved_at)
