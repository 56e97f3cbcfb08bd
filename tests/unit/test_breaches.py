"""The breach rules (art. 33/34) and the audit retention's arithmetic, without I/O."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from egide.domain.audit import GENESIS_HASH, ChainedEvent, event_hash, verify_chain
from egide.domain.breaches import Breach, BreachRules, Nature, Origin, Risk, check_breach, obligations
from egide.domain.errors import InvalidInputError
from egide.services.audit_retention import months_before
from egide.settings import Settings

KNOWN = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)
RULES = BreachRules(72, frozenset({"health"}), 5000)


def breach(**changes) -> Breach:  # type: ignore[no-untyped-def]
    values = dict(id="b", reference="BR-1", natures=(Nature.confidentiality,), origin=Origin.unknown,
                  description="Courriel envoyé au mauvais destinataire", data_categories=("civil_status",),
                  subject_categories=("customers",), approx_subjects=12, approx_records=12,
                  consequences="Adresse révélée", measures="Demande de suppression au destinataire",
                  became_known_at=KNOWN, risk=Risk.risk, recorded_at=KNOWN, recorded_by="dpo")
    values.update(changes)
    return Breach(**values)  # type: ignore[arg-type]


def test_the_authority_is_due_seventy_two_hours_after_the_breach_became_known():
    due = obligations(breach(), RULES, KNOWN + timedelta(hours=70))
    assert due.notify_authority and due.authority_due_at == KNOWN + timedelta(hours=72)
    assert round(due.hours_left) == 2 and not due.authority_overdue and not due.tell_people


def test_the_deadline_comes_from_the_rules_not_the_code():
    due = obligations(breach(), BreachRules(24), KNOWN + timedelta(hours=30))
    assert due.authority_due_at == KNOWN + timedelta(hours=24) and due.authority_overdue


def test_an_unlikely_risk_needs_no_notification_but_a_high_risk_category_overrides_it():
    assert not obligations(breach(risk=Risk.unlikely), RULES, KNOWN).notify_authority
    health = obligations(breach(risk=Risk.unlikely, data_categories=("health",)), RULES, KNOWN)
    assert health.notify_authority and health.tell_people and any("health" in r for r in health.reasons)


def test_the_number_of_people_threshold_makes_the_risk_high_and_an_exemption_lifts_the_duty_to_tell():
    many = breach(approx_subjects=5000)
    assert obligations(many, RULES, KNOWN).tell_people
    exempt = breach(approx_subjects=5000, people_exemption="art. 34(3)(a): données chiffrées")
    assert not obligations(exempt, RULES, KNOWN).tell_people


def test_a_breach_missing_its_nature_or_known_in_the_future_is_refused_with_each_field_named():
    with pytest.raises(InvalidInputError) as caught:
        check_breach(breach(natures=(), became_known_at=KNOWN + timedelta(days=1), measures=" "), KNOWN)
    assert {p.path for p in caught.value.problems} == {"natures", "became_known_at", "measures"}


def test_months_before_clamps_to_the_end_of_a_shorter_month():
    assert months_before(datetime(2026, 8, 31, 12, 0), 6) == datetime(2026, 2, 28, 12, 0)
    assert months_before(datetime(2026, 1, 15), 12) == datetime(2025, 1, 15)


def test_the_audit_retention_setting_accepts_six_to_twelve_months_only():
    assert Settings(audit_retention_months=6).audit_retention_months == 6
    for months in (5, 13):
        with pytest.raises(ValidationError):
            Settings(audit_retention_months=months)


def _chain(n: int) -> list[ChainedEvent]:
    events, prev = [], GENESIS_HASH
    for seq in range(1, n + 1):
        at = datetime(2026, 1, seq)
        digest = event_hash(seq=seq, occurred_at=at, action="a", actor="x", object_type="t", object_id=str(seq),
                            payload={}, prev_hash=prev)
        events.append(ChainedEvent(seq, at, "a", "x", "t", str(seq), {}, prev, digest))
        prev = digest
    return events


def test_a_chain_started_at_an_anchor_verifies_and_without_it_is_named_as_removed():
    events = _chain(5)
    rest, head = events[2:], (5, events[-1].hash)
    assert verify_chain(rest, head, start=(2, events[1].hash)).intact
    assert verify_chain(rest, head).first_break.kind == "removed"  # type: ignore[union-attr]
    assert verify_chain(rest, head, start=(2, "f" * 64)).first_break.seq == 3  # type: ignore[union-attr]
