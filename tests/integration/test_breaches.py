"""The breach register on SQLite and PostgreSQL: recorded with its audit event, bad input refused
with nothing stored, the authority's clock, people told, and seed 004's server logs kept while the
breach is open, then swept once it is resolved."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import Engine

from egide.domain.breaches import BreachRules, Status, obligations
from egide.domain.errors import ConflictError, InvalidInputError
from egide.services.audit import verify_audit_trail
from egide.services.breaches import (
    get_breach,
    list_breaches,
    new_breach,
    notify_authority,
    record_breach,
    record_people_told,
    resolve_breach,
)
from egide.services.retention import list_holds, run_retention
from tests.integration.retention_shop import NOW, build, database, seed_rules, with_rules

RULES = BreachRules(72, frozenset({"economic_financial"}), None)


def draft(app, **changes):  # type: ignore[no-untyped-def]
    values = dict(natures=["confidentiality"], origin="external_malicious",
                  description="Extraction de la table des clients par injection SQL",
                  data_categories=["civil_status", "connection_data"], subject_categories=["customers"],
                  approx_subjects=1200, approx_records=1300, consequences="Hameçonnage ciblé des clients",
                  measures="Faille corrigée, mots de passe réinitialisés", became_known_at=NOW - timedelta(hours=5),
                  risk="risk", recorded_at=NOW, recorded_by="dpo")
    values.update(changes)
    return new_breach(**values)


def audit_actions(app, reference):  # type: ignore[no-untyped-def]
    with app.store.unit_of_work(read_only=True) as uow:
        return [e.action for e in uow.audit.search(object_type="breach", object_id=reference)]


def test_a_recorded_breach_is_stored_with_its_audit_event_and_its_clock(app):
    breach = record_breach(app.store, draft(app), actor="dpo")
    stored = get_breach(app.store, breach.reference)
    assert stored == breach and stored.approx_subjects == 1200 and stored.status is Status.open
    assert audit_actions(app, breach.reference) == ["breach.recorded"]
    due = obligations(stored, RULES, NOW)
    assert due.notify_authority and due.authority_due_at == NOW + timedelta(hours=67)
    assert round(due.hours_left) == 67 and not due.tell_people and verify_audit_trail(app.store).intact


def test_a_breach_with_an_unknown_category_is_refused_and_nothing_is_stored(app):
    with pytest.raises(InvalidInputError) as caught:
        record_breach(app.store, draft(app, data_categories=["salaires"], approx_subjects=-1))
    paths = {p.path for p in caught.value.problems}
    assert paths == {"data_categories", "approx_subjects"} and "salaires" in caught.value.message
    assert list_breaches(app.store) == []


def test_a_late_notification_without_reasons_is_refused_and_with_them_recorded(app):
    breach = record_breach(app.store, draft(app, became_known_at=NOW - timedelta(hours=80)))
    with pytest.raises(InvalidInputError) as caught:
        notify_authority(app.store, breach.reference, RULES)
    assert caught.value.problems[0].path == "delay_reasons"
    assert get_breach(app.store, breach.reference).authority_notified_at is None
    done = notify_authority(app.store, breach.reference, RULES, authority_reference="CNIL-2026-42",
                            delay_reasons="Ampleur établie seulement au quatrième jour")
    assert done.authority_notified_at == NOW and obligations(done, RULES, NOW).authority_overdue
    assert audit_actions(app, breach.reference) == ["breach.authority_notified", "breach.recorded"]


def test_financial_data_means_the_people_must_be_told_and_when_they_were_is_kept(app):
    breach = record_breach(app.store, draft(app, data_categories=["economic_financial"]))
    assert obligations(breach, RULES, NOW).tell_people
    told = record_people_told(app.store, breach.reference, how="email individuel", at=NOW - timedelta(hours=1))
    assert told.people_told_at == NOW - timedelta(hours=1) and told.people_told_how == "email individuel"


def test_a_resolved_breach_cannot_change(app):
    breach = record_breach(app.store, draft(app))
    resolve_breach(app.store, breach.reference)
    with pytest.raises(ConflictError):
        notify_authority(app.store, breach.reference, RULES)


@pytest.fixture
def company(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    target = str(tmp_path / "shop.db") if database_url.startswith("sqlite") else database_url
    monkeypatch.setenv("SHOP_ARCHIVE_URL", f"sqlite:///{tmp_path / 'archive.db'}")
    engine = build(target, tmp_path)
    yield engine
    engine.dispose()


def _log_lines(root: Path) -> list[str]:
    return [line for p in sorted((root / "logs").glob("access-*.log")) for line in p.read_text().splitlines()]


def test_004_server_logs_are_kept_while_the_breach_is_open_and_swept_once_it_is_resolved(app, company, tmp_path):
    register = with_rules(seed_rules("004-bureau24.yaml", ["server_logs_14_days", "server_logs_security_incident"],
                                     ["services-and-accounts"]))
    db = database(company, tmp_path)
    before = _log_lines(tmp_path)
    breach = record_breach(app.store, draft(app), hold_logs=True, actor="rssi")
    hold = next(h for h in list_holds(app.store) if h.id == breach.hold_id)
    assert hold.event == "security_incident" and hold.active(NOW)
    run_retention(app.store, register, [db], NOW)
    assert _log_lines(tmp_path) == before
    resolve_breach(app.store, breach.reference, actor="rssi")
    assert not next(h for h in list_holds(app.store) if h.id == breach.hold_id).active(NOW + timedelta(seconds=1))
    app.clock.advance(timedelta(seconds=1))
    run = run_retention(app.store, register, [db], NOW + timedelta(seconds=1))
    assert 0 < len(_log_lines(tmp_path)) < len(before) and run.logs[0]["lines_deleted"] > 0
    assert verify_audit_trail(app.store).intact
