"""Purging the audit trail's old events keeps a signed anchor: the remaining chain verifies, and
tampering after a purge (an event edited or removed, the anchor moved or forged) is named; on
SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from egide.domain.audit import AuditEvent
from egide.domain.errors import InvalidInputError
from egide.services.audit import verify_audit_trail, verify_consent_ledger
from egide.services.audit_retention import months_before, purge_audit_trail

START = datetime(2025, 1, 15, 10, 0, tzinfo=timezone.utc)


def events_monthly(app, months=14):  # type: ignore[no-untyped-def]
    """One event on the 15th of each month from January 2025; the clock is left at the last one."""
    for i in range(months):
        app.clock.set(months_before(START, -i))
        with app.store.unit_of_work() as uow:
            uow.audit.record(AuditEvent("test.happened", "tester", "thing", str(i), {"i": i}))


def raw(app, sql):  # type: ignore[no-untyped-def]
    with app.engine.begin() as c:
        c.execute(text(sql))


def remaining(app):  # type: ignore[no-untyped-def]
    with app.store.unit_of_work(read_only=True) as uow:
        return [e.seq for e in uow.audit.events()]


def test_a_purge_keeps_twelve_months_and_the_remaining_chain_verifies(app):
    events_monthly(app)  # the last event: 15 February 2026
    result = purge_audit_trail(app.store, 12, actor="dpo")
    assert result.cutoff == datetime(2025, 2, 15, 10, 0, tzinfo=timezone.utc)
    assert result.purged == 1 and result.anchor is not None and result.anchor.seq == 1
    assert remaining(app) == list(range(2, 16))  # event 15: audit.purged
    report = verify_audit_trail(app.store)
    assert report.intact and report.events_checked == 14 and report.head_seq == 15


def test_a_second_purge_moves_the_anchor_and_still_verifies(app):
    events_monthly(app)
    purge_audit_trail(app.store, 12)
    result = purge_audit_trail(app.store, 6)
    assert result.anchor is not None and result.anchor.seq == 7 and result.purged == 6
    assert remaining(app)[0] == 8 and verify_audit_trail(app.store).intact


def test_nothing_old_enough_purges_nothing(app):
    events_monthly(app, months=3)
    result = purge_audit_trail(app.store, 6)
    assert result.purged == 0 and result.anchor is None and remaining(app) == [1, 2, 3]


def test_a_retention_outside_six_to_twelve_months_is_refused(app):
    events_monthly(app, months=3)
    with pytest.raises(InvalidInputError) as caught:
        purge_audit_trail(app.store, 24)
    assert caught.value.problems[0].path == "audit_retention_months" and remaining(app) == [1, 2, 3]


def test_an_event_edited_after_a_purge_is_named(app):
    events_monthly(app)
    purge_audit_trail(app.store, 6)
    raw(app, "UPDATE audit_events SET actor = 'mallory' WHERE seq = 10")
    brk = verify_audit_trail(app.store).first_break
    assert (brk.seq, brk.kind) == (10, "altered")


def test_the_oldest_remaining_event_removed_after_a_purge_is_named(app):
    events_monthly(app)
    purge_audit_trail(app.store, 6)
    raw(app, "DELETE FROM audit_events WHERE seq = 8")
    brk = verify_audit_trail(app.store).first_break
    assert (brk.seq, brk.kind) == (9, "removed") and "8..8" in brk.message


def test_an_anchor_moved_without_the_signing_key_is_named(app):
    events_monthly(app)
    purge_audit_trail(app.store, 12)
    raw(app, "DELETE FROM audit_events WHERE seq <= 4")
    raw(app, "UPDATE audit_anchor SET seq = 4, hash = (SELECT prev_hash FROM audit_events WHERE seq = 5)")
    brk = verify_audit_trail(app.store).first_break
    assert brk.kind == "anchor_forged" and brk.seq == 4


def test_an_anchor_removed_after_a_purge_is_named(app):
    events_monthly(app)
    purge_audit_trail(app.store, 12)
    raw(app, "DELETE FROM audit_anchor")
    brk = verify_audit_trail(app.store).first_break
    assert brk.kind == "removed" and brk.seq == 2


def test_consent_proof_older_than_the_purge_still_verifies(app):
    from egide.domain.consent import ConsentChannel, ConsentProof
    from egide.register.loader import load_register
    from egide.services.consent import record_choice
    from egide.services.registers import activate_register
    from tests.conftest import EXAMPLES

    app.clock.set(START)
    activate_register(app.store, load_register(EXAMPLES / "004-bureau24.yaml"), "test")
    active = app.registers.refresh()
    proof = ConsentProof(channel=ConsentChannel.form, register_version=active.sha256, language="fr",
                         idempotency_key=None, ip_truncated="192.0.2.0", user_agent="pytest")
    record_choice(app.store, active, choices={"marketing.communications.email": True}, proof=proof, actor="test",
                  browser_id="b" * 32)
    app.clock.set(START + timedelta(days=400))
    purge_audit_trail(app.store, 6)
    with app.store.unit_of_work(read_only=True) as uow:
        assert not [e for e in uow.audit.events() if e.object_type == "consent_event"]
    assert verify_audit_trail(app.store).intact and verify_consent_ledger(app.store).intact
    raw(app, "UPDATE consent_events SET action = 'refused'")
    assert not verify_consent_ledger(app.store).intact


def test_the_daily_audit_purge_job_keeps_the_months_of_the_setting_through_the_in_process_runner(app):
    import dataclasses

    from egide.adapters.jobs import builtin_jobs
    from egide.adapters.jobs.inprocess import InProcessRunner

    events_monthly(app)  # the clock is left at 15 February 2026, 10:00: after jobs_daily_at (03:00)
    six = dataclasses.replace(app, settings=app.settings.model_copy(update={"audit_retention_months": 6}))
    runner = InProcessRunner(six, builtin_jobs())
    assert "audit.purge" in [spec.name for spec in runner.registry.daily_jobs]
    runner.enqueue_daily()
    assert runner.enqueue_daily() == []  # once a day
    [job] = [j for j in runner.run_pending() if j.name == "audit.purge"]

    assert job.status == "succeeded", job.error
    with app.store.unit_of_work(read_only=True) as uow:
        events = list(uow.audit.events())
    cutoff = datetime(2025, 8, 15, 10, 0, tzinfo=timezone.utc)
    assert all(e.occurred_at.replace(tzinfo=timezone.utc) >= cutoff for e in events)
    assert [e.payload["i"] for e in events if e.action == "test.happened"] == list(range(7, 14))
    [purged] = [e for e in events if e.action == "audit.purged"]
    assert purged.actor == "job:audit.purge" and purged.payload["months"] == 6 and purged.payload["events"] == 7
    assert verify_audit_trail(app.store).intact
