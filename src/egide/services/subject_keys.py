"""People's keys: destroyed when a person is erased (crypto-shredding), re-wrapped when the master
key is rotated. The audit events hold the subject's id and key fingerprints, never a key."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from egide.domain.audit import AuditEvent
from egide.domain.consent import browser_key_holder
from egide.domain.errors import ConfigurationError


def shred_subject(store: Any, subject_id: str, actor: str, request_id: str | None = None) -> bool:
    """Destroy the person's key: every value sealed for them (identifiers, request texts, consent
    proof, the files of their requests) becomes unreadable, in this store and in every backup of it.
    The keys of the browsers linked to them (the proof of the banner's choices) go in the same
    transaction. True if the person's key was destroyed."""
    now = store.clock.now()
    with store.unit_of_work() as uow:
        destroyed = uow.subject_keys.destroy(subject_id, now)
        browsers = sum(uow.subject_keys.destroy(browser_key_holder(b), now)
                       for b in uow.consents.linked_browsers(subject_id))
        if destroyed or browsers:
            payload: dict[str, Any] = {"request_id": request_id} if request_id else {}
            uow.audit.record(AuditEvent("data_subject.key_destroyed", actor, "data_subject", subject_id,
                                        {**payload, "browser_keys": browsers} if browsers else payload))
    return destroyed


@dataclass(frozen=True)
class Rotation:
    rewrapped: int
    old_master: str
    new_master: str


def rewrap_subject_keys(store: Any, new_master: bytes, actor: str, page: int = 5000) -> Rotation:
    """Re-wrap every live key (people's and browsers') under ``new_master`` in one transaction, read
    and written a page at a time (one executemany per page: memory stays flat however many browsers
    the banner met). The caller installs the new master key only after this commits."""
    from egide.adapters.keyring import master_fingerprint

    keyring = store.keyring
    new_id = master_fingerprint(new_master)
    rewrapped, after = 0, None
    with store.unit_of_work() as uow:
        while True:
            keys = uow.subject_keys.wrapped(after, page)
            if not keys:
                break
            rows = []
            for subject_id, wrapped, master_id in keys:
                if master_id == new_id:
                    continue  # already under the new master (a rotation resumed)
                if master_id != keyring.master_id:
                    raise ConfigurationError(
                        f"the key of data subject {subject_id} is wrapped by master {master_id}, "
                        f"not the current one ({keyring.master_id}): give the master key it was wrapped with")
                key = keyring.unwrap(subject_id, bytes(wrapped))
                rows.append({"sid": subject_id, "wk": keyring.wrap(subject_id, key, new_master), "mid": new_id})
            uow.subject_keys.rewrap(rows)
            rewrapped += len(rows)
            after = keys[-1][0]
        uow.audit.record(AuditEvent("keys.master_rotated", actor, "keyring", new_id,
                                    {"old_master": keyring.master_id, "new_master": new_id, "rewrapped": rewrapped}))
    return Rotation(rewrapped, keyring.master_id, new_id)
