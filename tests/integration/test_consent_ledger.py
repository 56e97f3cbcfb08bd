"""The consent ledger and the decision point on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from egide.domain.consent import ConsentAction, ConsentChannel, ConsentProof
from egide.domain.errors import InvalidInputError
from egide.domain.identity import Identifier
from egide.register.loader import load_register
from egide.services.audit import verify_audit_trail, verify_consent_ledger
from egide.services.consent import record_choice
from egide.services.marketing import (
    check_subscriber_import,
    object_to_marketing,
    unsubscribe,
    unsubscribe_link,
)
from egide.services.registers import activate_register
from egide.services.subjects import find_or_register, record_objection, restrict_processing
from tests.conftest import EXAMPLES

NEWSLETTER = "marketing.communications.email"


@pytest.fixture
def bureau24(app):
    activate_register(app.store, load_register(EXAMPLES / "004-bureau24.yaml"), "test")
    return app.registers.refresh()


def proof(active, key=None, channel=ConsentChannel.form):
    return ConsentProof(channel=channel, register_version=active.sha256, language="fr", idempotency_key=key,
                        ip_truncated="192.0.2.0", user_agent="pytest")


def give(app, active, email, purpose=NEWSLETTER, accepted=True, key=None):
    subject = find_or_register(app.store, Identifier.of("email", email), "test")
    result = record_choice(app.store, active, choices={purpose: accepted}, proof=proof(active, key), actor="test",
                           subject_id=subject.id, on_change=app.decisions.invalidate)
    return subject, result


def decision(app, email, purpose=NEWSLETTER, at=None):
    return app.decisions.decide(Identifier.of("email", email), purpose, at).decision


def test_a_newsletter_needs_consent_and_a_withdrawal_stops_it(app, bureau24):
    assert decision(app, "jeanne@example.com").rule == "consent.none"
    give(app, bureau24, "jeanne@example.com")
    assert decision(app, "jeanne@example.com").allowed
    _, result = give(app, bureau24, "jeanne@example.com", accepted=False)
    assert result.events[0][2] is ConsentAction.withdrawn
    assert decision(app, "jeanne@example.com").rule == "consent.withdrawn"


def test_a_consent_expires_after_six_months(app, bureau24, clock):
    give(app, bureau24, "jeanne@example.com")
    clock.advance(timedelta(days=200))
    assert decision(app, "jeanne@example.com").rule == "consent.expired"


def test_a_replayed_event_is_not_counted_twice(app, bureau24):
    _, first = give(app, bureau24, "jeanne@example.com", key="form-123")
    _, again = give(app, bureau24, "jeanne@example.com", key="form-123")
    assert again.replayed and again.choice_id == first.choice_id and again.events == []
    with app.engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM consent_events")).scalar_one() == 1


def test_an_unknown_purpose_is_refused_and_nothing_is_written(app, bureau24):
    with pytest.raises(InvalidInputError, match="marketing.telepathy"):
        give(app, bureau24, "jeanne@example.com", purpose="marketing.telepathy")
    with app.engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM consent_events")).scalar_one() == 0


def test_withdrawing_contact_sync_queues_the_deletion_the_register_asks_for(app, bureau24):
    purpose = next(p.use for a in bureau24.loaded.register.activities if a.key == "app_contact_sync"
                   for p in a.purposes if p.legal_basis.value == "consent")
    give(app, bureau24, "paul@example.com", purpose=purpose)
    _, result = give(app, bureau24, "paul@example.com", purpose=purpose, accepted=False)
    assert len(result.pending_actions) == 1
    with app.store.unit_of_work() as uow:
        [pending] = uow.pending.pending()
    assert pending["kind"] == "retention.apply" and "withdrawn" in pending["reason"]


def test_an_objection_to_marketing_wins_over_a_consent(app, bureau24):
    give(app, bureau24, "jeanne@example.com")
    object_to_marketing(app.store, Identifier.of("email", "jeanne@example.com"), "email", "test", "test",
                        app.decisions.invalidate)
    assert decision(app, "jeanne@example.com").rule == "opposition_list"


def test_a_restricted_person_is_denied_all_but_storage(app, bureau24):
    give(app, bureau24, "jeanne@example.com")
    restrict_processing(app.store, Identifier.of("email", "jeanne@example.com"), "accuracy contested", [], "test")
    app.decisions.invalidate()
    assert decision(app, "jeanne@example.com").rule == "restriction"


def test_an_objection_to_a_legitimate_interest_denies_it(app, bureau24):
    record_objection(app.store, Identifier.of("email", "jeanne@example.com"), "essential.service.security", "test")
    app.decisions.invalidate()
    assert decision(app, "jeanne@example.com", "essential.service.security").rule == "objection"


def test_a_signed_unsubscribe_link_works_once_and_only_for_its_person(app, bureau24):
    give(app, bureau24, "jeanne@example.com")
    give(app, bureau24, "paul@example.com")
    link = unsubscribe_link(app.store, Identifier.of("email", "jeanne@example.com"), NEWSLETTER, "email", "http://x")
    assert link["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    token = link["url"].rsplit("/u/", 1)[1]
    unsubscribe(app.store, token, on_change=app.decisions.invalidate)
    unsubscribe(app.store, token, on_change=app.decisions.invalidate)  # replayed: nothing more happens
    app.decisions.invalidate()
    assert decision(app, "jeanne@example.com").rule == "opposition_list"
    assert decision(app, "paul@example.com").allowed
    payload, signature = token.split(".")
    other = unsubscribe_link(app.store, Identifier.of("email", "paul@example.com"), NEWSLETTER, "email", "http://x")
    with pytest.raises(InvalidInputError):
        unsubscribe(app.store, other["url"].rsplit("/u/", 1)[1].split(".")[0] + "." + signature)


def test_a_batch_decides_for_many_people_in_one_call(app, bureau24):
    give(app, bureau24, "a@example.com")
    object_to_marketing(app.store, Identifier.of("email", "b@example.com"), "all", "test", "test")
    people = [Identifier.of("email", e) for e in ("a@example.com", "b@example.com", "c@example.com")]
    results = app.decisions.decide_many(people, NEWSLETTER)
    assert [r.decision.rule for r in results] == ["consent.valid", "opposition_list", "consent.none"]


def test_an_import_is_checked_against_the_lists(app, bureau24):
    object_to_marketing(app.store, Identifier.of("email", "no@example.com"), "email", "test", "test")
    report = check_subscriber_import(app.store, "email,name\nyes@example.com,A\nNO@example.com,B\nbroken,C\n")
    assert report.accepted == [(2, "yes@example.com")]
    assert [(n, r) for n, _, r in report.refused] == [(3, "objected to marketing (opposition list)")]
    assert [n for n, _ in report.invalid] == [4]


def test_ledger_events_are_in_the_chain_and_an_edit_is_caught(app, bureau24):
    give(app, bureau24, "jeanne@example.com")
    assert verify_audit_trail(app.store).intact and verify_consent_ledger(app.store).intact
    with app.engine.begin() as c:
        c.execute(text("UPDATE consent_events SET action = 'given', purpose = 'analytics.reporting'"))
    report = verify_consent_ledger(app.store)
    assert not report.intact and "altered" in report.first_problem


def test_a_forged_ledger_row_is_caught(app, bureau24):
    subject, _ = give(app, bureau24, "jeanne@example.com")
    with app.engine.begin() as c:
        c.execute(text("DELETE FROM consent_events"))
    assert "removed" in verify_consent_ledger(app.store).first_problem


def test_a_major_register_change_asks_consent_again(app, bureau24, tmp_path, clock):
    from tests.conftest import dump_yaml, load_yaml

    give(app, bureau24, "jeanne@example.com")
    data = load_yaml(EXAMPLES / "004-bureau24.yaml")
    data["policy"]["version"] = "v2"
    data["retention"][0]["duration"] = "P10Y"  # longer retention: people must be told
    clock.advance(timedelta(days=1))
    activate_register(app.store, load_register(dump_yaml(data, tmp_path / "v2.yaml")), "test")
    app.registers.refresh()
    app.decisions.invalidate()
    assert decision(app, "jeanne@example.com").rule == "consent.outdated"


def test_the_same_idempotency_key_sent_twice_at_once_records_one_choice(app, bureau24):
    import threading

    subject = find_or_register(app.store, Identifier.of("email", "twice@example.com"), "test")
    results, errors = [], []

    def send():
        try:
            results.append(record_choice(app.store, bureau24, choices={NEWSLETTER: True},
                                         proof=proof(bureau24, "same-key"), actor="test", subject_id=subject.id))
        except BaseException as exc:  # asserted below
            errors.append(exc)

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len({r.choice_id for r in results}) == 1 and sum(not r.replayed for r in results) == 1
    with app.engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM consent_events")).scalar_one() == 1
