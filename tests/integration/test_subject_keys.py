"""Each person's own key, wrapped by the master key: an erasure destroys it, so the raw rows of
the store (what a backup holds) no longer reveal the person; `egide keys rotate` re-wraps the
keys under a new master. SQLite and PostgreSQL (the `app` fixture)."""

from __future__ import annotations

import dataclasses
import os

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import select

from egide.adapters.notifications import request_desk
from egide.adapters.store.tables import audit_events, data_subject_requests, subject_identifiers, subject_keys
from egide.domain.errors import ConfigurationError
from egide.register.loader import load_register
from egide.services.registers import activate_register
from egide.services.request_identity import verify_manually
from egide.services.request_runner import CompanyDatabase, run_request
from egide.services.requests import submit_request
from egide.services.subject_keys import rewrap_subject_keys
from tests.integration.execution_shop import ALICE_EMAIL, build, company_engine
from tests.integration.test_requests import Collecting
from tests.unit.datasets import OKASIO
from tests.unit.execution import shop_dataset


@pytest.fixture
def company(tmp_path):
    engine = company_engine(str(tmp_path / "shop.db"))
    build(engine, tmp_path)
    yield engine
    engine.dispose()


@pytest.fixture
def desk(app):
    activate_register(app.store, load_register(OKASIO), "test")
    app.registers.refresh()
    return dataclasses.replace(request_desk(app, actor="agent:test"), notifier=Collecting())


def submitted(desk, right: str) -> str:
    return submit_request(desk, right=right, email=ALICE_EMAIL, text="Je suis Alice Martin, cliente depuis 2014.",
                          identify=False).request.reference


def raw_rows(app, subject_id: str) -> dict:
    with app.engine.connect() as connection:
        return {
            "identifiers": connection.execute(select(subject_identifiers.c.sealed_value)
                                              .where(subject_identifiers.c.subject_id == subject_id)).scalars().all(),
            "request": connection.execute(select(data_subject_requests.c.sealed_text, data_subject_requests.c.sealed_claims)
                                          .where(data_subject_requests.c.subject_id == subject_id)).one(),
            "key": connection.execute(select(subject_keys).where(subject_keys.c.subject_id == subject_id)).one(),
        }


def subject_of(app, reference: str) -> str:
    with app.store.unit_of_work(read_only=True) as uow:
        return uow.requests.by_reference(reference).subject_id


def unwrapped(app, row) -> bytes:
    wrapped = bytes(row.wrapped_key)
    return AESGCM(app.store.keyring.master_key).decrypt(wrapped[:12], wrapped[12:],
                                                        f"subject-key:{row.subject_id}".encode())


def test_a_persons_identifiers_and_request_text_are_sealed_with_their_own_key(app, desk):
    reference = submitted(desk, "access")
    subject_id = subject_of(app, reference)
    rows = raw_rows(app, subject_id)
    key = unwrapped(app, rows["key"])
    blob = bytes(rows["identifiers"][0])
    assert blob[0] == 2 and blob[1:9] == bytes(rows["key"].key_id)
    assert AESGCM(key).decrypt(blob[9:21], blob[21:], f"{subject_id}:email".encode()).decode() == ALICE_EMAIL
    with pytest.raises(InvalidTag):  # the store's own key does not open it: only the person's key does
        AESGCM(app.store.keyring.encryption_key).decrypt(blob[9:21], blob[21:], f"{subject_id}:email".encode())
    with app.store.unit_of_work(read_only=True) as uow:
        request = uow.requests.by_reference(reference)
        assert uow.requests.text(request) == "Je suis Alice Martin, cliente depuis 2014."
        assert [i.value for i in uow.subjects.get(subject_id).identifiers] == [ALICE_EMAIL]


def test_after_an_erasure_the_raw_rows_no_longer_reveal_the_person(app, desk, company, tmp_path):
    reference = submitted(desk, "erasure")
    verify_manually(desk, reference, "appel au numéro du compte")
    subject_id = subject_of(app, reference)
    before = raw_rows(app, subject_id)
    run_request(desk, app.registers.get(), reference, [CompanyDatabase(shop_dataset(), company, tmp_path)],
                tmp_path / "out")
    after = raw_rows(app, subject_id)
    # what a backup holds: the same ciphertexts, but no key anywhere to open them
    assert after["identifiers"] == before["identifiers"] and after["request"] == before["request"]
    assert after["key"].wrapped_key is None and after["key"].destroyed_at is not None
    with app.engine.connect() as connection:
        dumped = b"".join(bytes(v) if isinstance(v, (bytes, memoryview)) else str(v).encode()
                          for table in (subject_identifiers, data_subject_requests, subject_keys)
                          for row in connection.execute(select(table)) for v in row if v is not None)
        events = connection.execute(select(audit_events.c.action, audit_events.c.object_id)).all()
    assert ALICE_EMAIL.encode() not in dumped and b"Alice Martin" not in dumped
    assert ("data_subject.key_destroyed", subject_id) in [(e.action, e.object_id) for e in events]
    with app.store.unit_of_work(read_only=True) as uow:
        request = uow.requests.by_reference(reference)
        assert uow.subjects.get(subject_id).identifiers == ()
        assert uow.requests.text(request) is None and uow.requests.claims(request) == {}
        assert "invoices" in (uow.requests.result(request) or "")  # what was done and kept stays explained


def test_a_person_erased_then_known_again_gets_a_fresh_key_and_the_old_values_stay_closed(app, desk, company, tmp_path):
    reference = submitted(desk, "erasure")
    verify_manually(desk, reference, "appel au numéro du compte")
    run_request(desk, app.registers.get(), reference, [CompanyDatabase(shop_dataset(), company, tmp_path)],
                tmp_path / "out")
    subject_id = subject_of(app, reference)
    with app.store.unit_of_work() as uow:
        sealed = uow.subject_keys.seal(subject_id, "nouvelle adresse", "test", app.clock.now())
    with app.store.unit_of_work(read_only=True) as uow:
        assert uow.subject_keys.open(subject_id, sealed, "test") == "nouvelle adresse"
        assert uow.requests.text(uow.requests.by_reference(reference)) is None


def test_rotation_rewraps_every_persons_key_and_the_old_master_no_longer_opens_them(app, desk):
    reference = submitted(desk, "access")
    submit_request(desk, right="access", email="bruno@example.com", identify=False)
    new_master = os.urandom(32)
    rotation = rewrap_subject_keys(app.store, new_master, "admin:test")
    assert rotation.rewrapped == 2 and rotation.old_master != rotation.new_master
    with pytest.raises(ConfigurationError, match="another master key"):
        with app.store.unit_of_work(read_only=True) as uow:
            uow.subjects.get(subject_of(app, reference))
    app.store.keyring = dataclasses.replace(app.store.keyring, master_key=new_master)
    with app.store.unit_of_work(read_only=True) as uow:
        assert [i.value for i in uow.subjects.get(subject_of(app, reference)).identifiers] == [ALICE_EMAIL]
    assert rewrap_subject_keys(app.store, new_master, "admin:test").rewrapped == 0  # resumed: nothing left
