"""The store on SQLite and PostgreSQL: register versions, data subjects, atomic audit events."""

from __future__ import annotations

import copy

import pytest
from sqlalchemy import func, select, text

from egide.adapters.store.tables import audit_events, data_subjects, register_versions, subject_identifiers
from egide.domain.audit import AuditEvent
from egide.domain.errors import ConflictError, InvalidInputError
from egide.domain.identity import Identifier
from egide.register.loader import load_register
from egide.services.audit import verify_audit_trail
from egide.services.registers import activate_register
from egide.services.subjects import find_data_subjects, register_data_subject
from tests.conftest import dump_yaml


def counts(app):
    with app.engine.connect() as c:
        return {t.name: c.execute(select(func.count()).select_from(t)).scalar_one()
                for t in (register_versions, data_subjects, subject_identifiers, audit_events)}


def test_activating_a_register_stores_it_with_its_audit_events(app, clean_register, tmp_path):
    loaded = load_register(dump_yaml(clean_register, tmp_path / "r.yaml"))
    result = activate_register(app.store, loaded, "dpo@example.com")
    assert result.changed and result.version.is_active and result.version.sha256 == loaded.sha256
    with app.store.unit_of_work() as uow:
        assert uow.registers.content(result.version.id) == loaded.text
        events = list(uow.audit.events())
    assert [e.action for e in events] == ["register.version_stored", "register.activated"]
    assert events[1].actor == "dpo@example.com" and events[1].object_id == loaded.sha256


def test_activating_the_active_version_again_changes_nothing(app, clean_register, tmp_path):
    loaded = load_register(dump_yaml(clean_register, tmp_path / "r.yaml"))
    activate_register(app.store, loaded, "dpo")
    before = counts(app)
    assert not activate_register(app.store, loaded, "dpo").changed
    assert counts(app) == before


def test_a_new_version_replaces_the_old_and_the_old_can_come_back(app, clean_register, tmp_path):
    first = load_register(dump_yaml(clean_register, tmp_path / "v1.yaml"))
    second_data = copy.deepcopy(clean_register)
    second_data["policy"]["version"] = "2026-02"
    second = load_register(dump_yaml(second_data, tmp_path / "v2.yaml"))
    activate_register(app.store, first, "dpo")
    result = activate_register(app.store, second, "dpo")
    assert result.previous.sha256 == first.sha256
    back = activate_register(app.store, first, "dpo")
    assert back.version.sha256 == first.sha256 and back.changed
    with app.store.unit_of_work() as uow:
        assert [v.is_active for v in uow.registers.all()] == [True, False]
    assert counts(app)["register_versions"] == 2


def test_an_invalid_register_leaves_the_store_unchanged(app, clean_register, tmp_path):
    activate_register(app.store, load_register(dump_yaml(clean_register, tmp_path / "ok.yaml")), "dpo")
    before = counts(app)
    clean_register["retention"][0]["duration"] = "P13X"
    with pytest.raises(InvalidInputError):
        activate_register(app.store, load_register(dump_yaml(clean_register, tmp_path / "bad.yaml")), "dpo")
    assert counts(app) == before


def test_strict_activation_refuses_error_findings_and_stores_nothing(app, clean_register, tmp_path):
    clean_register["activities"][1]["purposes"][0]["withdrawal_channels"] = []
    loaded = load_register(dump_yaml(clean_register, tmp_path / "r.yaml"))
    with pytest.raises(ConflictError):
        activate_register(app.store, loaded, "dpo", strict=True)
    assert counts(app)["register_versions"] == 0 and counts(app)["audit_events"] == 0


def test_a_failure_inside_a_unit_of_work_rolls_back_state_and_audit_together(app):
    with pytest.raises(RuntimeError):
        with app.store.unit_of_work() as uow:
            uow.subjects.add([Identifier.of("email", "a@example.com")], app.clock.now())
            uow.audit.record(AuditEvent("data_subject.registered", "test"))
            raise RuntimeError("crash after the writes")
    assert counts(app)["data_subjects"] == 0 and counts(app)["audit_events"] == 0
    assert verify_audit_trail(app.store).intact


def test_finds_a_data_subject_by_any_spelling_of_an_identifier(app):
    subject = register_data_subject(app.store, [Identifier.of("email", "Jeanne.Martin@example.com"),
                                                Identifier.of("phone", "06 12 34 56 78")], "agent")
    [found] = find_data_subjects(app.store, Identifier.of("email", "jeanne.martin@EXAMPLE.com"))
    assert found.id == subject.id
    assert {i.value for i in found.identifiers} == {"jeanne.martin@example.com", "+33612345678"}


def test_two_people_sharing_a_phone_number_stay_two_people(app):
    a = register_data_subject(app.store, [Identifier.of("email", "a@example.com"), Identifier.of("phone", "0612345678")], "agent")
    b = register_data_subject(app.store, [Identifier.of("email", "b@example.com"), Identifier.of("phone", "+33612345678")], "agent")
    found = find_data_subjects(app.store, Identifier.of("phone", "06.12.34.56.78"))
    assert sorted(s.id for s in found) == sorted([a.id, b.id])
    assert find_data_subjects(app.store, Identifier.of("email", "a@example.com"))[0].id == a.id


def test_identifiers_are_not_stored_in_clear(app):
    register_data_subject(app.store, [Identifier.of("email", "secret.person@example.com")], "agent")
    with app.engine.connect() as c:
        rows = c.execute(select(subject_identifiers.c.lookup_hash, subject_identifiers.c.sealed_value)).all()
    for lookup, sealed in rows:
        assert b"secret.person" not in bytes(sealed) and "secret" not in lookup
    assert len(rows[0].lookup_hash) == 64


def test_registering_a_subject_is_audited_without_personal_data(app):
    subject = register_data_subject(app.store, [Identifier.of("email", "x.y@example.com")], "agent")
    with app.engine.connect() as c:
        payloads = c.execute(select(audit_events.c.payload, audit_events.c.object_id)).all()
    assert payloads[0].object_id == subject.id
    assert all("x.y@example.com" not in p.payload for p in payloads)


def test_a_store_error_is_reported_as_an_egide_error(app):
    from egide.domain.errors import StoreError

    with pytest.raises(StoreError):
        with app.store.unit_of_work() as uow:
            uow.connection.execute(text("SELECT * FROM no_such_table"))
