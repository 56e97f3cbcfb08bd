"""Record choices in the consent ledger, with proof, audit events and withdrawal effects."""

from __future__ import annotations

import difflib
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from egide.domain.audit import AuditEvent
from egide.domain.clock import naive_utc
from egide.domain.consent import (
    ConsentAction,
    ConsentProof,
    ConsentState,
    RecordedProof,
    consent_state,
    next_action,
)
from egide.domain.errors import ConflictError, InvalidInputError, NotFoundError, Problem
from egide.register.model import RetentionClock
from egide.services.active_register import ActiveRegister
from egide.services.ports import StorePort

BROWSER_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
MAX_CHOICES = 50


@dataclass(frozen=True)
class ChoiceRecorded:
    choice_id: str
    events: list[tuple[str, str, ConsentAction]]  # (event id, purpose, action)
    replayed: bool
    pending_actions: list[str]


def validate_choice(active: ActiveRegister, choices: dict[str, bool], browser_id: str | None,
                    subject_id: str | None) -> None:
    problems = []
    if not choices:
        problems.append(Problem("no choice given", "choices"))
    if len(choices) > MAX_CHOICES:
        problems.append(Problem(f"at most {MAX_CHOICES} choices at once", "choices"))
    if browser_id is None and subject_id is None:
        problems.append(Problem("say whose choice it is: a browser_id or a data subject", "browser_id"))
    if browser_id is not None and not BROWSER_ID.match(browser_id):
        problems.append(Problem("browser_id must be 16 to 64 letters, digits, _ or -", "browser_id"))
    known = sorted(active.policies) + sorted(f"cookie:{c}" for c in active.cookie_categories)
    for purpose, accepted in choices.items():
        if not isinstance(accepted, bool):
            problems.append(Problem(f"choice for {purpose!r} must be true or false", f"choices.{purpose}"))
        if not active.knows(purpose):
            close = difflib.get_close_matches(purpose, known, n=1)
            problems.append(Problem(f"unknown purpose {purpose!r}: not in the active register", f"choices.{purpose}",
                                    hint=f"did you mean {close[0]!r}?" if close else None))
        elif not purpose.startswith("cookie:") and active.policies[purpose].legal_basis != "consent":
            problems.append(Problem(f"{purpose!r} does not rest on consent but on "
                                    f"{active.policies[purpose].legal_basis}: there is no consent to record",
                                    f"choices.{purpose}", hint="to stop it, record an objection instead"))
    if problems:
        raise InvalidInputError(problems[0].message if len(problems) == 1 else "the choice is not valid",
                                problems=problems)


def record_choice(
    store: StorePort,
    active: ActiveRegister,
    *,
    choices: dict[str, bool],
    proof: ConsentProof,
    actor: str,
    browser_id: str | None = None,
    subject_id: str | None = None,
    on_change: Callable[[str | None, str | None], None] | None = None,
) -> ChoiceRecorded:
    """Append one event per purpose (given, refused or withdrawn), each with its audit event,
    in one transaction. A replayed idempotency key records nothing and returns the first choice."""
    validate_choice(active, choices, browser_id, subject_id)
    try:
        return _record(store, active, choices, proof, actor, browser_id, subject_id, on_change)
    except ConflictError:
        if not proof.idempotency_key:
            raise
        # The same key arrived twice at once and the other request won: this one is a replay.
        return _record(store, active, choices, proof, actor, browser_id, subject_id, on_change)


def _record(store: StorePort, active: ActiveRegister, choices: dict[str, bool], proof: ConsentProof, actor: str,
            browser_id: str | None, subject_id: str | None,
            on_change: Callable[[str | None, str | None], None] | None) -> ChoiceRecorded:
    now = naive_utc(store.clock.now())
    with store.unit_of_work() as uow:
        if proof.idempotency_key:
            first = uow.consents.by_idempotency_key(f"{proof.idempotency_key}:{sorted(choices)[0]}")
            if first is not None:
                return ChoiceRecorded(first.choice_id, [], True, [])
        history = uow.consents.events(subject_ids=[subject_id] if subject_id else [],
                                      browser_ids=[browser_id] if browser_id else [])
        choice_id = str(uuid.uuid4())
        recorded, pending = [], []
        for purpose in sorted(choices):
            policy = active.policy(purpose)
            assert policy is not None  # validated above
            before = consent_state(history, purpose, now, policy.remember_for, active.major_change_at)  # type: ignore[arg-type]
            action = next_action(before.status, choices[purpose])
            stored = uow.consents.append(
                subject_id=subject_id, browser_id=browser_id, purpose=purpose, action=action, at=now, proof=proof,
                choice_id=choice_id,
                idempotency_key=f"{proof.idempotency_key}:{purpose}" if proof.idempotency_key else None)
            uow.audit.record(AuditEvent(f"consent.{action.value}", actor, "consent_event", stored.event.id, {
                "purpose": purpose, "choice_id": choice_id, "channel": proof.channel.value,
                "register_version": proof.register_version, "record_sha256": stored.record_sha256,
                "subject_id": subject_id, "browser_id": browser_id}))
            recorded.append((stored.event.id, purpose, action))
            if action is ConsentAction.withdrawn:
                pending += _withdrawal_effects(uow, active, purpose, stored.event.id, subject_id, browser_id, now,
                                               actor)
    if on_change is not None:
        on_change(subject_id, browser_id)
    return ChoiceRecorded(choice_id, recorded, False, pending)


def _withdrawal_effects(uow, active: ActiveRegister, purpose: str, event_id: str,  # type: ignore[no-untyped-def]
                        subject_id: str | None, browser_id: str | None, now: datetime, actor: str) -> list[str]:
    """What the register says happens on withdrawal (a retention rule whose clock is the withdrawal):
    queued as pending actions until the retention machinery runs them."""
    register = active.loaded.register
    activities = {a.key for a in register.activities if any(p.use == purpose for p in a.purposes)}
    created = []
    for rule in register.retention:
        if rule.clock is RetentionClock.consent_withdrawn and activities & set(rule.activities):
            reason = (f"consent to {purpose} withdrawn: retention rule {rule.key} applies "
                      f"({rule.action.value} after {rule.duration})")
            action_id = uow.pending.add(kind="retention.apply", subject_id=subject_id, browser_id=browser_id,
                                        rule=rule.key, reason=reason, at=now, trigger_event_id=event_id)
            uow.audit.record(AuditEvent("consent.withdrawal_action_pending", actor, "pending_action", action_id,
                                        {"rule": rule.key, "trigger_event_id": event_id, "purpose": purpose}))
            created.append(action_id)
    return created


def consent_overview(store: StorePort, active: ActiveRegister, *, subject_ids: list[str] = (),  # type: ignore[assignment]
                     browser_ids: list[str] = (), at: datetime | None = None) -> dict[str, ConsentState]:  # type: ignore[assignment]
    """The current state of every consent purpose and cookie category for one person or browser."""
    at = naive_utc(at or store.clock.now())
    with store.unit_of_work(read_only=True) as uow:
        events = uow.consents.events(subject_ids=list(subject_ids), browser_ids=list(browser_ids))
    states = {}
    for purpose in active.consent_purposes():
        policy = active.policy(purpose)
        assert policy is not None
        states[purpose] = consent_state(events, purpose, at, policy.remember_for, active.major_change_at)  # type: ignore[arg-type]
    return states


def consent_proof(store: StorePort, event_id: str) -> RecordedProof:
    """The proof of one ledger event (notice, banner, channel, language, IP address and user agent),
    the sealed part opened with its holder's key; ``opened`` is False once an erasure destroyed it."""
    with store.unit_of_work(read_only=True) as uow:
        found = uow.consents.proof(event_id)  # type: ignore[attr-defined]
    if found is None:
        raise NotFoundError(f"no consent event {event_id!r} in the ledger")
    return found


def link_browser(store: StorePort, browser_id: str, subject_id: str, actor: str,
                 on_change: Callable[..., None] | None = None) -> bool:
    """Attach a banner's pseudonymous browser id to an identified person (e.g. at sign-in): its
    choices then count for that person. A browser id links to one person only, once."""
    if not BROWSER_ID.match(browser_id):
        raise InvalidInputError("browser_id must be 16 to 64 letters, digits, _ or -",
                                problems=[Problem("malformed browser_id", "browser_id")])
    with store.unit_of_work() as uow:
        linked = uow.consents.link_browser(browser_id, subject_id, naive_utc(store.clock.now()))  # type: ignore[attr-defined]
        if linked:
            uow.audit.record(AuditEvent("consent.browser_linked", actor, "data_subject", subject_id,
                                        {"browser_id": browser_id}))
    if linked and on_change is not None:
        on_change()
    return linked
