"""The breach register (GDPR art. 33/34): record a breach, notify the authority, tell the people,
resolve it. Each change writes its audit event (references only) in the same transaction.

An open breach can place the legal hold of an open security incident (an ``event`` hold on
``security_incident``): the register's rules kept ``while_open: security_incident`` (seed 004:
the server logs) are then kept until the breach is resolved, when the hold ends in the same
transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime
from typing import Any

from egide.domain.audit import AuditEvent
from egide.domain.breaches import (
    DATA_CATEGORIES,
    Breach,
    BreachRules,
    Nature,
    Origin,
    Risk,
    Status,
    check_authority_notification,
    check_breach,
    check_people_told,
)
from egide.domain.errors import ConfigurationError, ConflictError, InvalidInputError, Problem
from egide.domain.retention import Hold, HoldScope
from egide.services.retention.holds import end_hold_in, place_hold_in

SECURITY_INCIDENT = "security_incident"


def breach_rules(settings: Any) -> BreachRules:
    """The rules from the settings; an unknown category in them is a configuration error."""
    unknown = [c for c in settings.breach_high_risk_categories if c not in DATA_CATEGORIES]
    if unknown:
        raise ConfigurationError(f"breach_high_risk_categories: unknown {', '.join(unknown)} "
                                 f"(known: {', '.join(DATA_CATEGORIES)})")
    return BreachRules(settings.breach_authority_deadline_hours, frozenset(settings.breach_high_risk_categories),
                       settings.breach_high_risk_people)


def _enum_values(enum: Any, values: list[str], path: str) -> tuple[Any, ...]:
    try:
        return tuple(enum(v.strip()) for v in values if v.strip())
    except ValueError:
        raise InvalidInputError(f"invalid {path}: {', '.join(values)}", problems=[Problem(
            f"use {', '.join(e.value for e in enum)}", path=path)]) from None


def new_breach(*, natures: list[str], origin: str, description: str, data_categories: list[str],
               subject_categories: list[str], approx_subjects: int, approx_records: int, consequences: str,
               measures: str, became_known_at: datetime, risk: str, recorded_at: datetime, recorded_by: str,
               occurred_at: datetime | None = None, ended_at: datetime | None = None) -> Breach:
    """A breach built from plain values (a form, the command line); enums checked with their field named."""
    breach_id = str(uuid.uuid4())
    origin_ = _enum_values(Origin, [origin], "origin")
    risk_ = _enum_values(Risk, [risk], "risk")
    return Breach(
        id=breach_id, reference=f"BR-{breach_id[:8].upper()}", natures=_enum_values(Nature, natures, "natures"),
        origin=origin_[0] if origin_ else Origin.unknown, description=description,
        data_categories=tuple(c.strip() for c in data_categories if c.strip()),
        subject_categories=tuple(c.strip() for c in subject_categories if c.strip()),
        approx_subjects=approx_subjects, approx_records=approx_records, consequences=consequences,
        measures=measures, became_known_at=became_known_at, risk=risk_[0] if risk_ else Risk.risk,
        recorded_at=recorded_at, recorded_by=recorded_by, occurred_at=occurred_at, ended_at=ended_at)


def _security_hold(breach: Breach, actor: str, at: datetime) -> Hold:
    return Hold(None, HoldScope.event, f"open security incident {breach.reference} (personal data breach)",
                actor, at, None, event=SECURITY_INCIDENT)


def _place_hold(uow: Any, breach: Breach, actor: str, at: datetime) -> Breach:
    stored = place_hold_in(uow, _security_hold(breach, actor, at), subject_id=None, actor=actor, at=at,
                           breach=breach.reference)
    return replace(breach, hold_id=stored.id)


def record_breach(store: Any, breach: Breach, *, hold_logs: bool = False, actor: str = "egide") -> Breach:
    """Store a breach (and, with ``hold_logs``, place the security-incident hold) in one transaction."""
    now = store.clock.now()
    check_breach(breach, now)
    with store.unit_of_work() as uow:
        if hold_logs:
            breach = _place_hold(uow, breach, actor, now)
        stored = uow.breaches.add(breach)
        uow.audit.record(AuditEvent("breach.recorded", actor, "breach", stored.reference, {
            "natures": [n.value for n in stored.natures], "risk": stored.risk.value,
            "approx_subjects": stored.approx_subjects, "approx_records": stored.approx_records,
            "became_known_at": stored.became_known_at.isoformat(), "hold_id": stored.hold_id}))
    return stored


def get_breach(store: Any, reference: str) -> Breach:
    with store.unit_of_work(read_only=True) as uow:
        return uow.breaches.get(reference)


def list_breaches(store: Any, status: Status | None = None) -> list[Breach]:
    with store.unit_of_work(read_only=True) as uow:
        return uow.breaches.all(status)


def _open(uow: Any, reference: str) -> Breach:
    breach = uow.breaches.get(reference)
    if breach.status is Status.resolved:
        raise ConflictError(f"breach {breach.reference} is resolved: it can no longer change")
    return breach


def hold_logs(store: Any, reference: str, actor: str = "egide") -> Breach:
    """Place the security-incident hold for an open breach that has none yet."""
    with store.unit_of_work() as uow:
        breach = _open(uow, reference)
        if breach.hold_id is not None:
            raise ConflictError(f"breach {breach.reference} already holds the logs (hold {breach.hold_id})")
        return uow.breaches.save(_place_hold(uow, breach, actor, store.clock.now()))


def notify_authority(store: Any, reference: str, rules: BreachRules, *, at: datetime | None = None,
                     authority_reference: str | None = None, delay_reasons: str | None = None,
                     actor: str = "egide") -> Breach:
    """Record that the authority was notified (art. 33); late, it needs the reasons for the delay."""
    now = store.clock.now()
    at = at or now
    with store.unit_of_work() as uow:
        breach = _open(uow, reference)
        check_authority_notification(breach, at, delay_reasons, rules, now)
        saved = uow.breaches.save(replace(breach, authority_notified_at=at,
                                          authority_reference=authority_reference or None,
                                          delay_reasons=delay_reasons or None))
        uow.audit.record(AuditEvent("breach.authority_notified", actor, "breach", saved.reference, {
            "at": at.isoformat(), "late": bool(delay_reasons)}))
    return saved


def record_people_told(store: Any, reference: str, *, how: str, at: datetime | None = None,
                       actor: str = "egide") -> Breach:
    """Record when and how the people were told (art. 34)."""
    now = store.clock.now()
    at = at or now
    with store.unit_of_work() as uow:
        breach = uow.breaches.get(reference)
        check_people_told(breach, at, how, now)
        saved = uow.breaches.save(replace(breach, people_told_at=at, people_told_how=how.strip()))
        uow.audit.record(AuditEvent("breach.people_told", actor, "breach", saved.reference, {"at": at.isoformat()}))
    return saved


def record_people_exemption(store: Any, reference: str, reason: str, actor: str = "egide") -> Breach:
    """Art. 34(3): why the people are not told despite a high risk (encrypted data, measures taken,
    disproportionate effort: then a public communication)."""
    if not reason.strip():
        raise InvalidInputError("an exemption needs its reason", problems=[Problem(
            "name the art. 34(3) ground: (a) data unintelligible, (b) the high risk no longer likely, "
            "(c) disproportionate effort (a public communication instead)", path="reason")])
    with store.unit_of_work() as uow:
        breach = _open(uow, reference)
        saved = uow.breaches.save(replace(breach, people_exemption=reason.strip()))
        uow.audit.record(AuditEvent("breach.people_exemption", actor, "breach", saved.reference, {}))
    return saved


def resolve_breach(store: Any, reference: str, actor: str = "egide", at: datetime | None = None) -> Breach:
    """Close the incident; the security-incident hold it placed ends in the same transaction."""
    at = at or store.clock.now()
    with store.unit_of_work() as uow:
        breach = _open(uow, reference)
        if breach.hold_id is not None:
            end_hold_in(uow, breach.hold_id, actor=actor, at=at, breach=breach.reference)
        saved = uow.breaches.save(replace(breach, status=Status.resolved, resolved_at=at))
        uow.audit.record(AuditEvent("breach.resolved", actor, "breach", saved.reference, {"at": at.isoformat()}))
    return saved
