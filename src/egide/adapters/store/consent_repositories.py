"""Repositories of the consent ledger, the marketing lists and a data subject's states
(restrictions, objections, contracts), and of actions waiting for later machinery.

A ledger event's IP address (truncated) and user agent are sealed with the key of its data subject,
or, for a banner's choice from a browser no one is known for, with a key of that browser
(``domain/consent.py::browser_key_holder``), in ``sealed_proof`` (revision 0014). The event's
``record_sha256`` covers the row as stored, ciphertext included, so the ledger verifies without any
key, also after an erasure destroyed it. Events recorded before keep their clear columns and digests."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

from sqlalchemy import Connection, and_, bindparam, insert, or_, select, update

from egide.adapters.keyring import Keyring
from egide.adapters.store.subject_key_repositories import SubjectKeys
from egide.adapters.store.repositories import utc_naive
from egide.adapters.store.tables import (
    audit_events,
    browser_links,
    consent_events,
    contracts,
    marketing_lists,
    objections,
    pending_actions,
    restrictions,
)
from egide.domain.consent import (
    ConsentAction,
    ConsentChannel,
    ConsentEvent,
    ConsentProof,
    RecordedProof,
    browser_key_holder,
)
from egide.domain.decisions import Objection, Restriction
from egide.domain.identity import Identifier


@dataclass(frozen=True)
class StoredConsentEvent:
    event: ConsentEvent
    subject_id: str | None
    browser_id: str | None
    choice_id: str
    record_sha256: str


def record_digest(row: dict[str, object]) -> str:
    """SHA-256 of the row as stored; the sealed proof counts as hex, and is left out when absent so
    the digests of events recorded before revision 0014 stay what they were."""
    body = json.dumps({k: _digested(v) for k, v in sorted(row.items())
                       if k != "record_sha256" and not (k == "sealed_proof" and v is None)},
                      sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _digested(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    return value


def _proof_context(event_id: str) -> str:
    return f"consent-proof:{event_id}"


class ConsentLedger:
    """Append-only: no method updates or deletes an event."""

    def __init__(self, connection: Connection, keys: SubjectKeys) -> None:
        self._c = connection
        self._keys = keys

    def by_idempotency_key(self, key: str) -> StoredConsentEvent | None:
        row = self._c.execute(select(consent_events).where(consent_events.c.idempotency_key == key)).first()
        return _stored(row) if row else None

    def append(self, *, subject_id: str | None, browser_id: str | None, purpose: str, action: ConsentAction,
               at: datetime, proof: ConsentProof, choice_id: str, idempotency_key: str | None) -> StoredConsentEvent:
        event_id = str(uuid.uuid4())
        row: dict[str, object] = {
            "id": event_id, "subject_id": subject_id, "browser_id": browser_id, "purpose": purpose,
            "action": action.value, "recorded_at": utc_naive(at), "channel": proof.channel.value,
            "register_version": proof.register_version, "notice_sha256": proof.notice_sha256,
            "banner_sha256": proof.banner_sha256, "language": proof.language, "ip_truncated": None,
            "user_agent": None, "choice_id": choice_id, "idempotency_key": idempotency_key,
            "sealed_proof": self._seal_proof(event_id, subject_id, browser_id, proof, at),
        }
        row["record_sha256"] = record_digest(row)
        self._c.execute(insert(consent_events), row)
        return StoredConsentEvent(ConsentEvent(str(row["id"]), purpose, action, utc_naive(at), proof.register_version),
                                  subject_id, browser_id, choice_id, str(row["record_sha256"]))

    def _seal_proof(self, event_id: str, subject_id: str | None, browser_id: str | None, proof: ConsentProof,
                    at: datetime) -> bytes | None:
        user_agent = (proof.user_agent or "")[:500] or None
        if proof.ip_truncated is None and user_agent is None:
            return None  # nothing about the person's device to keep: no key needed
        holder = subject_id or browser_key_holder(str(browser_id))
        body = json.dumps({"ip": proof.ip_truncated, "ua": user_agent}, ensure_ascii=False)
        return self._keys.seal(holder, body, _proof_context(event_id), at)

    def proof(self, event_id: str) -> RecordedProof | None:
        """The proof of one event, its IP address and user agent opened with the holder's key
        (``opened`` False once that key was destroyed). None for an unknown event."""
        row = self._c.execute(select(consent_events).where(consent_events.c.id == event_id)).first()
        if row is None:
            return None
        ip, ua, opened = row.ip_truncated, row.user_agent, True
        if row.sealed_proof is not None:
            holder = row.subject_id or browser_key_holder(row.browser_id)
            body = self._keys.open(holder, bytes(row.sealed_proof), _proof_context(row.id))
            opened = body is not None
            sealed = json.loads(body) if body is not None else {}
            ip, ua = sealed.get("ip"), sealed.get("ua")
        proof = ConsentProof(channel=ConsentChannel(row.channel), register_version=row.register_version,
                             notice_sha256=row.notice_sha256, banner_sha256=row.banner_sha256, language=row.language,
                             ip_truncated=ip, user_agent=ua)
        return RecordedProof(row.id, proof, row.sealed_proof is not None, opened)

    def linked_browsers(self, subject_id: str) -> list[str]:
        """The browser ids linked to this data subject (their choices count as theirs)."""
        return list(self._c.execute(select(browser_links.c.browser_id)
                                    .where(browser_links.c.subject_id == subject_id)).scalars())

    def events(self, *, subject_ids: Iterable[str] = (), browser_ids: Iterable[str] = ()) -> list[ConsentEvent]:
        subject_ids, browser_ids = list(subject_ids), list(browser_ids)
        linked = select(browser_links.c.browser_id).where(browser_links.c.subject_id.in_(subject_ids))
        conditions = []
        if subject_ids:
            conditions += [consent_events.c.subject_id.in_(subject_ids), consent_events.c.browser_id.in_(linked)]
        if browser_ids:
            conditions.append(consent_events.c.browser_id.in_(browser_ids))
        if not conditions:
            return []
        rows = self._c.execute(_in_ledger_order(select(consent_events).where(or_(*conditions)))).all()
        return [_stored(r).event for r in rows]

    def events_by_subject(self, subject_ids: list[str], purpose: str) -> dict[str, list[ConsentEvent]]:
        """subject id -> its events for ``purpose`` (its own and its linked browsers'), in ledger order.
        Two indexed queries per chunk (an OR across the join would scan the ledger)."""
        out: dict[str, list[tuple[object, int, ConsentEvent]]] = {}
        for start in range(0, len(subject_ids), 1000):
            params = {"ids": subject_ids[start:start + 1000], "purpose": purpose}
            for statement in (_OWN_EVENTS, _BROWSER_EVENTS):
                for r in self._c.execute(statement, params):
                    out.setdefault(r.owner, []).append((r.recorded_at, r.seq or 0, _stored(r).event))
        return {owner: [e for _, _, e in sorted(rows, key=lambda x: (x[0], x[1]))] for owner, rows in out.items()}

    def link_browser(self, browser_id: str, subject_id: str, at: datetime) -> bool:
        exists = self._c.execute(select(browser_links.c.subject_id).where(
            browser_links.c.browser_id == browser_id)).scalar_one_or_none()
        if exists is not None:
            return False
        self._c.execute(insert(browser_links).values(browser_id=browser_id, subject_id=subject_id,
                                                     linked_at=utc_naive(at)))
        return True

    def row_digests(self) -> dict[str, tuple[str, str]]:
        """id -> (stored record_sha256, recomputed digest), for verification."""
        out = {}
        for r in self._c.execute(select(consent_events)).mappings():
            out[r["id"]] = (r["record_sha256"], record_digest(dict(r)))
        return out



def _with_seq(query):  # type: ignore[no-untyped-def]
    return query.outerjoin(audit_events, and_(audit_events.c.object_type == "consent_event",
                                              audit_events.c.object_id == consent_events.c.id))


_OWN_EVENTS = _with_seq(select(consent_events, consent_events.c.subject_id.label("owner"), audit_events.c.seq)).where(
    consent_events.c.subject_id.in_(bindparam("ids", expanding=True)), consent_events.c.purpose == bindparam("purpose"))
_BROWSER_EVENTS = _with_seq(
    select(consent_events, browser_links.c.subject_id.label("owner"), audit_events.c.seq)
    .join(browser_links, browser_links.c.browser_id == consent_events.c.browser_id)).where(
    browser_links.c.subject_id.in_(bindparam("ids", expanding=True)), consent_events.c.purpose == bindparam("purpose"))


def _in_ledger_order(query):  # type: ignore[no-untyped-def]
    """Order events as the audit chain recorded them (time alone ties under a fixed clock)."""
    return (query.outerjoin(audit_events, and_(audit_events.c.object_type == "consent_event",
                                               audit_events.c.object_id == consent_events.c.id))
            .order_by(consent_events.c.recorded_at, audit_events.c.seq))


def _stored(row) -> StoredConsentEvent:  # type: ignore[no-untyped-def]
    return StoredConsentEvent(ConsentEvent(row.id, row.purpose, ConsentAction(row.action), row.recorded_at,
                                           row.register_version),
                              row.subject_id, row.browser_id, row.choice_id, row.record_sha256)


class MarketingLists:
    """Opposition (art. 21(3)) and suppression (after erasure) lists, by keyed hash only."""

    OPPOSITION = "opposition"
    SUPPRESSION = "suppression"

    def __init__(self, connection: Connection, keyring: Keyring) -> None:
        self._c = connection
        self._keys = keyring

    def add(self, list_name: str, identifier: Identifier, channel: str, at: datetime, source: str) -> bool:
        return self.add_hash(list_name, identifier.kind.value, self._keys.lookup_hash(identifier), channel, at, source)

    def add_hash(self, list_name: str, kind: str, lookup_hash: str, channel: str, at: datetime, source: str) -> bool:
        present = self._c.execute(_PRESENT, {"list": list_name, "kind": kind, "lookup_hash": lookup_hash,
                                             "channel": channel}).first()
        if present:
            return False
        self._c.execute(insert(marketing_lists), {"list": list_name, "kind": kind, "lookup_hash": lookup_hash,
                                                  "channel": channel, "added_at": utc_naive(at), "source": source})
        return True

    def add_all(self, list_name: str, identifiers: Iterable[Identifier], channel: str, at: datetime,
                source: str) -> int:
        """Put several identifiers on a list (those already there stay as they are): one query for
        those present, one insert for the others. Returns how many were added."""
        hashes = {(i.kind.value, self._keys.lookup_hash(i)) for i in identifiers}
        if not hashes:
            return 0
        present = {(row[0], row[1]) for row in self._c.execute(_PRESENT_ALL, {
            "list": list_name, "channel": channel, "hashes": sorted(h for _, h in hashes)})}
        missing = sorted(hashes - present)
        if missing:
            self._c.execute(insert(marketing_lists), [
                {"list": list_name, "kind": kind, "lookup_hash": lookup_hash, "channel": channel,
                 "added_at": utc_naive(at), "source": source} for kind, lookup_hash in missing])
        return len(missing)

    def lists_holding(self, identifiers: Iterable[Identifier], channel: str) -> set[str]:
        hashes = [(i.kind.value, self._keys.lookup_hash(i)) for i in identifiers]
        if not hashes:
            return set()
        rows = self._c.execute(select(marketing_lists.c.list).where(
            or_(*[and_(marketing_lists.c.kind == k, marketing_lists.c.lookup_hash == h) for k, h in hashes]),
            marketing_lists.c.channel.in_([channel, "all"])).distinct()).scalars().all()
        return set(rows)

    def holding_hashes(self, kind: str, hashes: list[str], channel: str) -> dict[str, set[str]]:
        """lookup_hash -> lists, for many people at once (one query per chunk, not per person)."""
        found: dict[str, set[str]] = {}
        for start in range(0, len(hashes), 1000):
            rows = self._c.execute(_HOLDING, {"kind": kind, "hashes": hashes[start:start + 1000],
                                              "channels": [channel, "all"]})
            for h, name in rows:
                found.setdefault(h, set()).add(name)
        return found


_PRESENT = select(marketing_lists.c.id).where(  # built once
    marketing_lists.c.list == bindparam("list"), marketing_lists.c.kind == bindparam("kind"),
    marketing_lists.c.lookup_hash == bindparam("lookup_hash"), marketing_lists.c.channel == bindparam("channel"))

_PRESENT_ALL = select(marketing_lists.c.kind, marketing_lists.c.lookup_hash).where(  # built once
    marketing_lists.c.list == bindparam("list"), marketing_lists.c.channel == bindparam("channel"),
    marketing_lists.c.lookup_hash.in_(bindparam("hashes", expanding=True)))

_HOLDING = select(marketing_lists.c.lookup_hash, marketing_lists.c.list).where(
    marketing_lists.c.kind == bindparam("kind"), marketing_lists.c.lookup_hash.in_(bindparam("hashes", expanding=True)),
    marketing_lists.c.channel.in_(bindparam("channels", expanding=True)))


class SubjectStates:
    """Restriction (art. 18), objection (art. 21) and contract states of data subjects."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def restrict(self, subject_id: str, purposes: list[str], reason: str, at: datetime) -> str:
        rid = str(uuid.uuid4())
        self._c.execute(insert(restrictions).values(id=rid, subject_id=subject_id, purposes=json.dumps(purposes),
                                                    reason=reason, started_at=utc_naive(at)))
        return rid

    def lift_restriction(self, restriction_id: str, reason: str, at: datetime) -> bool:
        result = self._c.execute(update(restrictions).where(restrictions.c.id == restriction_id,
                                                            restrictions.c.lifted_at.is_(None))
                                 .values(lifted_at=utc_naive(at), lift_reason=reason))
        return result.rowcount == 1

    def restrictions_by_subject(self, subject_ids: list[str], at: datetime) -> dict[str, list[Restriction]]:
        out: dict[str, list[Restriction]] = {}
        for start in range(0, len(subject_ids), 1000):
            for r in self._c.execute(_RESTRICTIONS, {"ids": subject_ids[start:start + 1000], "at": utc_naive(at)}):
                out.setdefault(r.subject_id, []).append(Restriction(r.id, r.reason, tuple(json.loads(r.purposes))))
        return out

    def objections_by_subject(self, subject_ids: list[str], at: datetime) -> dict[str, list[Objection]]:
        out: dict[str, list[Objection]] = {}
        for start in range(0, len(subject_ids), 1000):
            for r in self._c.execute(_OBJECTIONS, {"ids": subject_ids[start:start + 1000], "at": utc_naive(at)}):
                out.setdefault(r.subject_id, []).append(Objection(r.id, r.purpose, r.status == "upheld"))
        return out

    def live_contracts(self, subject_ids: list[str], activity: str, at: datetime) -> set[str]:
        live: set[str] = set()
        for start in range(0, len(subject_ids), 1000):
            live.update(self._c.execute(_LIVE_CONTRACTS, {"ids": subject_ids[start:start + 1000],
                                                          "activity": activity, "at": utc_naive(at)}).scalars())
        return live

    def object(self, subject_id: str, purpose: str, at: datetime) -> str:
        oid = str(uuid.uuid4())
        self._c.execute(insert(objections).values(id=oid, subject_id=subject_id, purpose=purpose,
                                                  received_at=utc_naive(at), status="upheld"))
        return oid

    def override_objection(self, objection_id: str, grounds: str, at: datetime, by: str) -> bool:
        result = self._c.execute(update(objections).where(objections.c.id == objection_id)
                                 .values(status="overridden", grounds=grounds, decided_at=utc_naive(at), decided_by=by))
        return result.rowcount == 1

    def uphold_objection(self, objection_id: str, at: datetime, by: str) -> bool:
        """The DPO assessed the objection and upholds it (art. 21(1)): it stays in force, now decided."""
        result = self._c.execute(update(objections).where(objections.c.id == objection_id)
                                 .values(status="upheld", grounds=None, decided_at=utc_naive(at), decided_by=by))
        return result.rowcount == 1

    def start_contract(self, subject_id: str, activity: str, at: datetime) -> str:
        cid = str(uuid.uuid4())
        self._c.execute(insert(contracts).values(id=cid, subject_id=subject_id, activity=activity,
                                                 started_at=utc_naive(at)))
        return cid

    def end_contract(self, contract_id: str, at: datetime) -> bool:
        result = self._c.execute(update(contracts).where(contracts.c.id == contract_id, contracts.c.ended_at.is_(None))
                                 .values(ended_at=utc_naive(at)))
        return result.rowcount == 1


_RESTRICTIONS = select(restrictions).where(
    restrictions.c.subject_id.in_(bindparam("ids", expanding=True)), restrictions.c.started_at <= bindparam("at"),
    or_(restrictions.c.lifted_at.is_(None), restrictions.c.lifted_at > bindparam("at")))
_OBJECTIONS = select(objections).where(objections.c.subject_id.in_(bindparam("ids", expanding=True)),
                                       objections.c.received_at <= bindparam("at"))
_LIVE_CONTRACTS = select(contracts.c.subject_id).where(
    contracts.c.subject_id.in_(bindparam("ids", expanding=True)), contracts.c.activity == bindparam("activity"),
    contracts.c.started_at <= bindparam("at"), or_(contracts.c.ended_at.is_(None), contracts.c.ended_at > bindparam("at")))


class PendingActions:
    """Actions the register asks for that later machinery (retention) will run."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, *, kind: str, subject_id: str | None, browser_id: str | None, rule: str, reason: str,
            at: datetime, trigger_event_id: str | None) -> str:
        aid = str(uuid.uuid4())
        self._c.execute(insert(pending_actions).values(id=aid, kind=kind, subject_id=subject_id, browser_id=browser_id,
                                                       rule=rule, reason=reason, created_at=utc_naive(at),
                                                       status="pending", trigger_event_id=trigger_event_id))
        return aid

    def pending(self) -> list[dict[str, object]]:
        rows = self._c.execute(select(pending_actions).where(pending_actions.c.status == "pending")
                               .order_by(pending_actions.c.created_at)).mappings().all()
        return [dict(r) for r in rows]
