"""The decision point as a service: facts loaded from the store set-wise, decisions cached.

Facts for many people are read with a handful of queries (identifiers, lists, consent events,
restrictions, objections, contracts), never one query per person; ``decide`` itself is pure.
Decisions for "now" are cached per identifier and purpose until the earliest of: the consent's
expiry, ``ttl`` seconds (other processes may have written), an invalidation by a ledger or
state write in this process, or a new active register.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import datetime

from egide.domain.clock import naive_utc
from egide.domain.decisions import Decision, SubjectFacts, decide
from egide.domain.errors import ConfigurationError, InvalidInputError, Problem
from egide.domain.identity import Identifier
from egide.services.active_register import ActiveRegister, RegisterCache
from egide.services.ports import StorePort

MAX_BATCH = 10_000
MARKETING_CHANNELS = {"marketing.communications.email": "email", "marketing.communications.sms": "sms"}


def channel_of(purpose: str) -> str:
    return MARKETING_CHANNELS.get(purpose, "all")


@dataclass(frozen=True)
class PersonDecision:
    identifier: Identifier
    subject_ids: tuple[str, ...]
    decision: Decision


@dataclass
class DecisionPoint:
    store: StorePort
    registers: RegisterCache
    ttl: float = 5.0
    _cache: dict[tuple[str, str, str], tuple[PersonDecision, float, str]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def active(self) -> ActiveRegister:
        active = self.registers.get()
        if active is None:
            raise ConfigurationError("no register is active: run `egide register activate FILE`")
        return active

    def cached(self, identifier: Identifier, purpose: str) -> PersonDecision | None:
        """The cached decision for now, if still valid (no I/O: safe on an event loop)."""
        hit = self._cache.get((identifier.kind.value, identifier.value, purpose))
        if hit is None or hit[1] <= time.monotonic():
            return None
        active = self.registers.current()
        return hit[0] if active is not None and hit[2] == active.sha256 else None

    def decide(self, identifier: Identifier, purpose: str, at: datetime | None = None) -> PersonDecision:
        if at is None:
            hit = self.cached(identifier, purpose)
            if hit is not None:
                return hit
        return self.decide_many([identifier], purpose, at)[0]

    def decide_many(self, identifiers: list[Identifier], purpose: str, at: datetime | None = None) -> list[PersonDecision]:
        if len(identifiers) > MAX_BATCH:
            raise InvalidInputError(f"at most {MAX_BATCH} people per batch, got {len(identifiers)}",
                                    problems=[Problem("split the list", "identifiers")])
        active = self.active()
        moment = naive_utc(at or self.store.clock.now())
        found: dict[int, PersonDecision] = {}
        if at is None:  # one pass over the cache with the register and the time read once
            now, sha, cache = time.monotonic(), active.sha256, self._cache
            for position, identifier in enumerate(identifiers):
                hit = cache.get((identifier.kind.value, identifier.value, purpose))
                if hit is not None and hit[1] > now and hit[2] == sha:
                    found[position] = hit[0]
        missing = [i for position, i in enumerate(identifiers) if position not in found]
        if missing:
            policy = active.policy(purpose)
            facts = self._load_facts(active, missing, purpose, moment)
            fresh = []
            for identifier in missing:
                subject_ids, person_facts = facts[(identifier.kind.value, identifier.value)]
                fresh.append(PersonDecision(identifier, subject_ids, decide(policy, purpose, person_facts, moment)))
            if at is None:
                self._remember(fresh, purpose, active, moment)
            queue = iter(fresh)
            for position in range(len(identifiers)):
                if position not in found:
                    found[position] = next(queue)
        return [found[position] for position in range(len(identifiers))]

    def invalidate(self, *_: object) -> None:
        """Forget every cached decision: called after any write to the ledger or a person's states in
        this process (writes are rare next to reads; other processes are covered by ``ttl``)."""
        with self._lock:
            self._cache.clear()

    def _remember(self, results: list[PersonDecision], purpose: str, active: ActiveRegister, moment: datetime) -> None:
        horizon = time.monotonic() + self.ttl
        with self._lock:
            for r in results:
                until = horizon
                expires = r.decision.valid_until
                if expires is not None:
                    until = min(until, time.monotonic() + max(0.0, (expires - moment).total_seconds()))
                self._cache[(r.identifier.kind.value, r.identifier.value, purpose)] = (r, until, active.sha256)

    def _load_facts(self, active: ActiveRegister, identifiers: list[Identifier], purpose: str,
                    moment: datetime) -> dict[tuple[str, str], tuple[tuple[str, ...], SubjectFacts]]:
        policy = active.policy(purpose)
        channel = channel_of(purpose)
        keyring = self.store.keyring  # type: ignore[attr-defined]
        hashes = {(i.kind.value, i.value): keyring.lookup_hash(i) for i in identifiers}
        with self.store.unit_of_work(read_only=True) as uow:
            subjects = uow.subjects.find_many(identifiers, hashes)  # identifier -> subject ids
            all_ids = sorted({s for ids in subjects.values() for s in ids})
            lists = {}
            by_kind: dict[str, list[str]] = {}
            for (kind, _), h in hashes.items():
                by_kind.setdefault(kind, []).append(h)
            for kind, hs in by_kind.items():
                lists.update({(kind, h): names for h, names in uow.lists.holding_hashes(kind, hs, channel).items()})
            events = uow.consents.events_by_subject(all_ids, purpose) if all_ids else {}
            restrictions = uow.states.restrictions_by_subject(all_ids, moment) if all_ids else {}
            objections = uow.states.objections_by_subject(all_ids, moment) if all_ids else {}
            live = (uow.states.live_contracts(all_ids, policy.activity, moment)
                    if all_ids and policy is not None and policy.requires_live_contract else set())
        out = {}
        for identifier in identifiers:
            ident = (identifier.kind.value, identifier.value)
            ids = tuple(subjects.get(ident, ()))
            held = lists.get((identifier.kind.value, hashes[ident]), set())
            out[ident] = (ids, SubjectFacts(
                consent_events=tuple(e for s in ids for e in events.get(s, ())),
                restrictions=tuple(r for s in ids for r in restrictions.get(s, ())),
                objections=tuple(o for s in ids for o in objections.get(s, ())),
                on_opposition_list="opposition" in held,
                on_suppression_list="suppression" in held,
                live_contract=any(s in live for s in ids),
                major_change_at=active.major_change_at,  # type: ignore[arg-type]
            ))
        return out
