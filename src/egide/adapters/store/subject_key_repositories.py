"""People's data keys: one random AES-256 key per data subject, stored only wrapped by the master
key. Values sealed for a person carry their key's id; destroying the wrapped key (erasure) makes
them unreadable everywhere, backups of the store included, since the key was never elsewhere."""

from __future__ import annotations

import os
from datetime import datetime
from typing import Iterable

from cryptography.exceptions import InvalidTag
from sqlalchemy import Connection, bindparam, insert, select, update

from egide.adapters.keyring import KEY_ID_BYTES, Keyring
from egide.adapters.store.tables import subject_keys
from egide.adapters.store.repositories import utc_naive


class SubjectKeys:
    def __init__(self, connection: Connection, keyring: Keyring) -> None:
        self._c = connection
        self._keys = keyring
        self._cache: dict[str, tuple[bytes, bytes] | None] = {}

    def seal(self, subject_id: str, plaintext: str, context: str, at: datetime) -> bytes:
        """Seal for this person, creating their key if they have none (or it was destroyed)."""
        key = self._key(subject_id) or self._create(subject_id, at)
        return self._keys.seal_for(key[0], key[1], plaintext, context)

    def open(self, subject_id: str, blob: bytes, context: str) -> str | None:
        """The value, or None when the key it was sealed with is destroyed. Version-1 values
        (sealed with the store's key before revision 0013) still open."""
        key_id = self._keys.key_id_of(blob)
        if key_id is None:
            return self._keys.open(blob, context)
        key = self._key(subject_id)
        if key is None or key[0] != key_id:
            return None
        try:
            return self._keys.open_for(key[1], blob, context)
        except InvalidTag:
            return None

    def data_key(self, subject_id: str, at: datetime) -> tuple[bytes, bytes]:
        """(key id, key) of this person, created if they have none: to seal a file for them."""
        return self._key(subject_id) or self._create(subject_id, at)

    def key_for(self, subject_id: str, key_id: bytes) -> bytes | None:
        """The person's key if it is the one named ``key_id`` and still exists, else None."""
        key = self._key(subject_id)
        return key[1] if key is not None and key[0] == key_id else None

    def destroy(self, subject_id: str, at: datetime) -> bool:
        """Crypto-shredding: the wrapped key is overwritten with NULL; True if there was one."""
        self._cache[subject_id] = None
        result = self._c.execute(update(subject_keys).where(
            subject_keys.c.subject_id == subject_id, subject_keys.c.wrapped_key.is_not(None))
            .values(wrapped_key=None, master_id=None, destroyed_at=utc_naive(at)))
        return result.rowcount == 1

    def destroyed_at(self, subject_id: str) -> datetime | None:
        return self._c.execute(select(subject_keys.c.destroyed_at)
                               .where(subject_keys.c.subject_id == subject_id)).scalar_one_or_none()

    def wrapped(self, after: str | None = None, limit: int | None = None) -> Iterable[tuple[str, bytes, str | None]]:
        """Live wrapped keys: (subject id, wrapped key, master fingerprint), by subject id; a page of
        ``limit`` after the id ``after`` (a rotation walks a store of many browsers' keys in pages)."""
        query = (select(subject_keys.c.subject_id, subject_keys.c.wrapped_key, subject_keys.c.master_id)
                 .where(subject_keys.c.wrapped_key.is_not(None)).order_by(subject_keys.c.subject_id))
        if after is not None:
            query = query.where(subject_keys.c.subject_id > after)
        return self._c.execute(query.limit(limit) if limit else query).all()

    def rewrap(self, rows: list[dict[str, object]]) -> None:
        """Store re-wrapped keys: one executemany of (subject_id, wrapped_key, master_id)."""
        if rows:
            statement = (update(subject_keys).where(subject_keys.c.subject_id == bindparam("sid"))
                         .values(wrapped_key=bindparam("wk"), master_id=bindparam("mid")))
            self._c.execute(statement, rows)

    def _key(self, subject_id: str) -> tuple[bytes, bytes] | None:
        if subject_id not in self._cache:
            row = self._c.execute(select(subject_keys.c.key_id, subject_keys.c.wrapped_key)
                                  .where(subject_keys.c.subject_id == subject_id)).first()
            self._cache[subject_id] = (
                (bytes(row.key_id), self._keys.unwrap(subject_id, bytes(row.wrapped_key)))
                if row is not None and row.wrapped_key is not None else None)
        return self._cache[subject_id]

    def _create(self, subject_id: str, at: datetime) -> tuple[bytes, bytes]:
        key_id, key = os.urandom(KEY_ID_BYTES), os.urandom(32)
        values = {"key_id": key_id, "wrapped_key": self._keys.wrap(subject_id, key),
                  "master_id": self._keys.master_id, "created_at": utc_naive(at), "destroyed_at": None}
        exists = self._c.execute(select(subject_keys.c.subject_id)
                                 .where(subject_keys.c.subject_id == subject_id)).first()
        if exists:  # a person erased, then known again: a fresh key (old values stay unreadable)
            self._c.execute(update(subject_keys).where(subject_keys.c.subject_id == subject_id).values(**values))
        else:
            self._c.execute(insert(subject_keys), {"subject_id": subject_id, **values})
        self._cache[subject_id] = (key_id, key)
        return key_id, key

