"""Raw SQL tampering with the audit trail is named by `verify` on both databases."""

from __future__ import annotations

import threading

from sqlalchemy import text

from egide.domain.audit import AuditEvent
from egide.services.audit import verify_audit_trail


def fill(app, n=6):
    for i in range(n):
        with app.store.unit_of_work() as uow:
            uow.audit.record(AuditEvent("test.happened", "tester", "thing", str(i), {"i": i}))


def raw(app, sql):
    with app.engine.begin() as c:
        c.execute(text(sql))


def test_an_untouched_trail_verifies(app):
    fill(app)
    report = verify_audit_trail(app.store)
    assert report.intact and report.events_checked == 6 and report.head_seq == 6


def test_an_edited_event_is_named(app):
    fill(app)
    raw(app, "UPDATE audit_events SET actor = 'mallory' WHERE seq = 3")
    brk = verify_audit_trail(app.store).first_break
    assert (brk.seq, brk.kind) == (3, "altered")


def test_an_edited_payload_is_named(app):
    fill(app)
    raw(app, """UPDATE audit_events SET payload = '{"i": 42}' WHERE seq = 5""")
    assert verify_audit_trail(app.store).first_break.seq == 5


def test_a_deleted_event_is_named(app):
    fill(app)
    raw(app, "DELETE FROM audit_events WHERE seq = 2")
    brk = verify_audit_trail(app.store).first_break
    assert brk.kind == "removed" and "2..2" in brk.message


def test_deleting_the_newest_event_is_caught_by_the_head(app):
    fill(app)
    raw(app, "DELETE FROM audit_events WHERE seq = 6")
    brk = verify_audit_trail(app.store).first_break
    assert (brk.seq, brk.kind) == (6, "removed")


def test_reordered_events_are_named(app):
    fill(app)
    raw(app, "UPDATE audit_events SET seq = 100 WHERE seq = 3")
    raw(app, "UPDATE audit_events SET seq = 3 WHERE seq = 4")
    raw(app, "UPDATE audit_events SET seq = 4 WHERE seq = 100")
    report = verify_audit_trail(app.store)
    assert not report.intact and report.first_break.seq == 3


def test_an_inserted_event_is_named(app):
    fill(app, 3)
    raw(app, "INSERT INTO audit_events (seq, occurred_at, action, actor, object_type, object_id, payload, "
             "prev_hash, hash) VALUES (4, '2026-01-01 00:00:00', 'forged', 'mallory', '', '', '{}', "
             f"'{'0' * 64}', '{'1' * 64}')")
    brk = verify_audit_trail(app.store).first_break
    assert brk.seq == 4 and not verify_audit_trail(app.store).intact


def test_concurrent_writers_keep_one_unbroken_chain(app):
    errors: list[BaseException] = []

    def writer(k):
        try:
            for i in range(15):
                with app.store.unit_of_work() as uow:
                    uow.audit.record(AuditEvent("test.concurrent", f"writer-{k}", "thing", f"{k}-{i}"))
        except BaseException as exc:  # collected and asserted below, never swallowed
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    report = verify_audit_trail(app.store)
    assert report.intact and report.events_checked == 60
