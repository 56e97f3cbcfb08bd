"""Marketing opt-outs: the opposition list, signed one-click unsubscribe links (RFC 8058), and
the check of an imported subscriber list against the opposition and suppression lists."""

from __future__ import annotations

import base64
import csv
import io
import json
from dataclasses import dataclass

from egide.domain.audit import AuditEvent
from egide.domain.clock import naive_utc
from egide.domain.errors import InvalidInputError, Problem
from egide.domain.identity import Identifier
from egide.services.ports import StorePort

CHANNELS = ("email", "sms", "push", "phone", "all")
MAX_IMPORT_ROWS = 200_000


@dataclass(frozen=True)
class UnsubscribeToken:
    kind: str
    lookup_hash: str
    channel: str
    purpose: str

    def encode(self, sign) -> str:  # type: ignore[no-untyped-def]
        body = json.dumps([self.kind, self.lookup_hash, self.channel, self.purpose], separators=(",", ":")).encode()
        payload = base64.urlsafe_b64encode(body).rstrip(b"=").decode()
        return f"{payload}.{sign(payload.encode())}"

    @classmethod
    def decode(cls, token: str, verify) -> "UnsubscribeToken":  # type: ignore[no-untyped-def]
        payload, _, signature = (token or "").partition(".")
        if not payload or not signature or len(token) > 600 or not verify(payload.encode(), signature):
            raise InvalidInputError("this unsubscribe link is not valid", problems=[Problem("bad signature", "token")])
        try:
            kind, lookup, channel, purpose = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        except (ValueError, TypeError):
            raise InvalidInputError("this unsubscribe link is not valid",
                                    problems=[Problem("malformed token", "token")]) from None
        return cls(kind, lookup, channel, purpose)


def _check_channel(channel: str) -> None:
    if channel not in CHANNELS:
        raise InvalidInputError(f"unknown channel {channel!r}", problems=[Problem(f"expected one of {CHANNELS}", "channel")])


def unsubscribe_link(store: StorePort, identifier: Identifier, purpose: str, channel: str, public_url: str) -> dict[str, str]:
    """The link and the RFC 8058 header values for one marketing message to one person."""
    _check_channel(channel)
    keyring = store.keyring  # type: ignore[attr-defined]
    token = UnsubscribeToken(identifier.kind.value, keyring.lookup_hash(identifier), channel, purpose).encode(keyring.sign)
    url = f"{public_url.rstrip('/')}/u/{token}"
    return {"url": url, "List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def unsubscribe(store: StorePort, token: str, *, on_change=None) -> UnsubscribeToken:  # type: ignore[no-untyped-def]
    """Honour a one-click unsubscribe: opposition list for the channel, and an objection on file for
    every data subject holding the identifier. Replaying the link changes nothing more."""
    keyring = store.keyring  # type: ignore[attr-defined]
    parsed = UnsubscribeToken.decode(token, keyring.verify)
    now = naive_utc(store.clock.now())
    with store.unit_of_work() as uow:
        added = uow.lists.add_hash("opposition", parsed.kind, parsed.lookup_hash, parsed.channel, now, "unsubscribe_link")
        subject_ids = uow.subjects.by_lookup_hash(parsed.kind, parsed.lookup_hash) if added else []
        for subject_id in subject_ids:
            uow.states.object(subject_id, parsed.purpose, now)
        if added:
            uow.audit.record(AuditEvent("marketing.unsubscribed", "data_subject", "opposition_entry",
                                        parsed.lookup_hash[:16], {"channel": parsed.channel, "purpose": parsed.purpose,
                                                                  "subjects": subject_ids}))
    if on_change is not None:
        for subject_id in subject_ids:
            on_change(subject_id)
    return parsed


def object_to_marketing(store: StorePort, identifier: Identifier, channel: str, source: str, actor: str,
                        on_change=None) -> bool:  # type: ignore[no-untyped-def]
    """Art. 21(3): an objection to direct marketing is always honoured, no reason asked."""
    _check_channel(channel)
    now = naive_utc(store.clock.now())
    with store.unit_of_work() as uow:
        added = uow.lists.add("opposition", identifier, channel, now, source)
        subjects = uow.subjects.find(identifier) if added else []
        for subject in subjects:
            uow.states.object(subject.id, "marketing", now)
        if added:
            uow.audit.record(AuditEvent("marketing.objection_recorded", actor, "opposition_entry",
                                        store.keyring.lookup_hash(identifier)[:16],  # type: ignore[attr-defined]
                                        {"channel": channel, "source": source, "subjects": [s.id for s in subjects]}))
    if on_change is not None:
        for s in subjects:
            on_change(s.id)
    return added


@dataclass(frozen=True)
class ImportReport:
    accepted: list[tuple[int, str]]
    refused: list[tuple[int, str, str]]  # (line, masked identifier, reason)
    invalid: list[tuple[int, str]]


def check_subscriber_import(store: StorePort, csv_text: str, channel: str = "email", column: str = "email") -> ImportReport:
    """Check every row of a subscriber CSV against the opposition and suppression lists, set-wise."""
    _check_channel(channel)
    reader = csv.DictReader(io.StringIO(csv_text))
    if reader.fieldnames is None or column not in reader.fieldnames:
        raise InvalidInputError(f"the CSV has no {column!r} column",
                                problems=[Problem(f"columns found: {reader.fieldnames}", "header", line=1)])
    rows: list[tuple[int, Identifier]] = []
    invalid = []
    for number, row in enumerate(reader, start=2):
        if number > MAX_IMPORT_ROWS + 1:
            raise InvalidInputError(f"at most {MAX_IMPORT_ROWS} rows per import")
        try:
            rows.append((number, Identifier.of("email" if column == "email" else "phone", row[column] or "")))
        except InvalidInputError as error:
            invalid.append((number, error.message))
    keyring = store.keyring  # type: ignore[attr-defined]
    hashes = [keyring.lookup_hash(i) for _, i in rows]
    kind = rows[0][1].kind.value if rows else "email"
    with store.unit_of_work(read_only=True) as uow:
        held = uow.lists.holding_hashes(kind, hashes, channel)
    accepted, refused = [], []
    for (number, identifier), h in zip(rows, hashes, strict=True):
        lists = held.get(h, set())
        if lists:
            reason = ("objected to marketing (opposition list)" if "opposition" in lists
                      else "erased at their request (suppression list)")
            refused.append((number, identifier.masked(), reason))
        else:
            accepted.append((number, identifier.value))
    return ImportReport(accepted, refused, invalid)
