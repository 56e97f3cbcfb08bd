"""The audit trail's hash chain, as pure rules.

Each event holds the hash of the event before it; its own hash covers its sequence number,
time, actor, action, object reference, payload and that previous hash. The store keeps a
head (last sequence number and hash) updated in the same transaction as each append, so
removing the newest events is detected too. Personal data never goes into an event: only
references (a data subject's id, a request's id, a register version's hash).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class AuditEvent:
    """An event about to be appended (no sequence number or hash yet)."""

    action: str
    actor: str
    object_type: str = ""
    object_id: str = ""
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ChainedEvent:
    """An event as stored in the chain."""

    seq: int
    occurred_at: datetime
    action: str
    actor: str
    object_type: str
    object_id: str
    payload: dict[str, Any]
    prev_hash: str
    hash: str


def canonical_time(at: datetime) -> str:
    """A timestamp text that survives every store (microseconds, UTC, no offset form drift)."""
    return at.strftime("%Y-%m-%dT%H:%M:%S.%f")


def event_hash(
    *,
    seq: int,
    occurred_at: datetime,
    action: str,
    actor: str,
    object_type: str,
    object_id: str,
    payload: dict[str, Any],
    prev_hash: str,
) -> str:
    body = json.dumps(
        {
            "seq": seq,
            "at": canonical_time(occurred_at),
            "action": action,
            "actor": actor,
            "object_type": object_type,
            "object_id": object_id,
            "payload": payload,
            "prev": prev_hash,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    """The first place where the chain does not hold."""

    seq: int | None
    kind: str  # altered | removed | inserted | reordered | head_mismatch
    message: str


@dataclass(frozen=True)
class ChainReport:
    events_checked: int
    first_break: ChainBreak | None
    head_seq: int | None
    head_hash: str | None

    @property
    def intact(self) -> bool:
        return self.first_break is None


def verify_chain(
    events: Iterable[ChainedEvent], head: tuple[int, str] | None,
    start: tuple[int, str] | None = None,
) -> ChainReport:
    """Walk the events in sequence order and name the first that was altered, removed or inserted.

    ``head`` is the (seq, hash) the store recorded with its last append, or None for an
    empty trail. ``start`` is the (seq, hash) of the last event purged (its signature checked
    by the caller, see :func:`anchor_message`): the remaining chain must link to it.
    """
    prev_hash = start[1] if start else GENESIS_HASH
    expected_seq = start[0] + 1 if start else 1
    checked = 0
    last: ChainedEvent | None = None
    for event in events:
        checked += 1
        recomputed = event_hash(
            seq=event.seq,
            occurred_at=event.occurred_at,
            action=event.action,
            actor=event.actor,
            object_type=event.object_type,
            object_id=event.object_id,
            payload=event.payload,
            prev_hash=event.prev_hash,
        )
        if recomputed != event.hash:
            return ChainReport(checked, ChainBreak(event.seq, "altered",
                f"event {event.seq} ({event.action}) was altered: its content no longer matches its hash"),
                *_head(head))
        if event.prev_hash != prev_hash:
            if event.seq > expected_seq:
                kind, text = "removed", (
                    f"event(s) {expected_seq}..{event.seq - 1} before event {event.seq} "
                    f"({event.action}) were removed")
            elif last is not None and event.prev_hash != last.hash and event.seq == expected_seq:
                kind, text = "inserted", (
                    f"event {event.seq} ({event.action}) does not follow event {last.seq}: "
                    "it was inserted, or the events around it were reordered or removed")
            else:
                kind, text = "inserted", (
                    f"event {event.seq} ({event.action}) does not link to the event before it")
            return ChainReport(checked, ChainBreak(event.seq, kind, text), *_head(head))
        if event.seq != expected_seq:
            return ChainReport(checked, ChainBreak(event.seq, "reordered",
                f"event {event.seq} ({event.action}) stands where event {expected_seq} should be"),
                *_head(head))
        prev_hash = event.hash
        expected_seq += 1
        last = event
    last_seq = last.seq if last is not None else expected_seq - 1
    last_hash = last.hash if last is not None else prev_hash
    if head is None:
        if last is not None:
            return ChainReport(checked, ChainBreak(last.seq, "head_mismatch",
                "the trail has events but no recorded head: the head was removed"), None, None)
        return ChainReport(checked, None, None, None)
    head_seq, head_hash = head
    if last_seq == head_seq and last_hash == head_hash:
        return ChainReport(checked, None, head_seq, head_hash)
    if last_seq < head_seq:
        return ChainReport(checked, ChainBreak(last_seq + 1, "removed",
            f"event(s) {last_seq + 1}..{head_seq} at the end of the trail were removed "
            f"(the recorded head is event {head_seq})"), head_seq, head_hash)
    if last_seq > head_seq:
        return ChainReport(checked, ChainBreak(head_seq + 1, "inserted",
            f"event(s) {head_seq + 1}..{last_seq} are past the recorded head (event {head_seq}): "
            "they were inserted without going through the store"), head_seq, head_hash)
    return ChainReport(checked, ChainBreak(last_seq, "head_mismatch",
        f"event {last_seq} does not match the recorded head: the head or the event was altered"),
        head_seq, head_hash)


@dataclass(frozen=True)
class AuditAnchor:
    """Where a purged trail now starts: the last event purged, signed when it was purged."""

    seq: int
    hash: str
    cutoff: datetime  # events that occurred before this instant were purged
    purged_at: datetime
    signature: str


def anchor_message(seq: int, hash_: str, cutoff: datetime) -> bytes:
    """The bytes signed for an anchor: changing its sequence number, hash or cutoff breaks the signature."""
    return f"egide-audit-anchor:{seq}:{hash_}:{canonical_time(cutoff)}".encode()


def _head(head: tuple[int, str] | None) -> tuple[int | None, str | None]:
    return (head[0], head[1]) if head else (None, None)
