"""Issue 6 §3 on SQLite and PostgreSQL (the `app` fixture): the consent proof (IP address, user agent)
and the files of a request (access report, portability export) are sealed at rest with the person's
key (a browser's own key for a banner's anonymous choice); they open for the person's download and
for staff, no longer once an erasure destroyed the key, still after `egide keys rotate`; rows and
files written before sealing still read, and the ledger still verifies."""

from __future__ import annotations

import dataclasses
import io
import json
import os
import zipfile
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert, select

from egide.adapters.http.app import create_app
from egide.adapters.store.consent_repositories import record_digest
from egide.adapters.store.tables import consent_events, subject_keys
from egide.domain.consent import ConsentChannel, ConsentProof, browser_key_holder
from egide.domain.errors import NotFoundError
from egide.services.audit import verify_consent_ledger
from egide.services.consent import consent_proof, link_browser, record_choice
from egide.services.privacy_centre import (
    open_request_file,
    purge_expired_exports,
    staff_open_file,
    staff_request_files,
)
from egide.services.request_identity import verify_manually
from egide.services.request_runner import CompanyDatabase, run_request
from egide.services.request_status import new_status_token
from egide.services.requests import submit_request
from egide.services.subject_keys import rewrap_subject_keys
from egide.services.subjects import find_or_register
from egide.domain.identity import Identifier
from tests.integration.execution_shop import ALICE_EMAIL
from tests.integration.test_subject_keys import company, desk, subject_of  # noqa: F401

IP, UA = "192.0.2.0", "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0 egide-test"
BROWSER = "sealedProofBrowser_0123456789"
PURPOSE = "analytics.reporting"


def proof(active) -> ConsentProof:
    return ConsentProof(channel=ConsentChannel.banner, register_version=active.sha256, language="fr",
                        ip_truncated=IP, user_agent=UA)


def raw_ledger(app) -> bytes:
    with app.engine.connect() as connection:
        return b"".join(bytes(v) if isinstance(v, (bytes, memoryview)) else str(v).encode()
                        for row in connection.execute(select(consent_events)) for v in row if v is not None)


def answered(desk, app, company, tmp_path, right: str) -> tuple[str, str, str]:  # noqa: F811
    """A verified request of Alice, run and answered: (reference, status token, subject id)."""
    token, token_sha256 = new_status_token()
    reference = submit_request(desk, right=right, email=ALICE_EMAIL, identify=False,
                               status_token_sha256=token_sha256).request.reference
    verify_manually(desk, reference, "appel au numéro du compte")
    from tests.unit.execution import shop_dataset

    run_request(desk, app.registers.get(), reference, [CompanyDatabase(shop_dataset(), company, tmp_path)],
                app.settings.data_dir / "requests")
    return reference, token, subject_of(app, reference)


def test_a_data_subjects_consent_proof_is_sealed_with_their_key_and_the_ledger_verifies(app, desk):
    active = app.registers.get()
    subject = find_or_register(app.store, Identifier.of("email", ALICE_EMAIL), "test")
    result = record_choice(app.store, active, choices={PURPOSE: True}, proof=proof(active), actor="test",
                           subject_id=subject.id)
    event_id = result.events[0][0]
    raw = raw_ledger(app)
    assert IP.encode() not in raw and b"Firefox" not in raw  # what a backup of the store holds
    with app.engine.connect() as connection:
        row = connection.execute(select(consent_events).where(consent_events.c.id == event_id)).one()
        key_id = connection.execute(select(subject_keys.c.key_id)
                                    .where(subject_keys.c.subject_id == subject.id)).scalar_one()
    assert row.ip_truncated is None and row.user_agent is None and bytes(row.sealed_proof)[1:9] == bytes(key_id)
    found = consent_proof(app.store, event_id)
    assert found.sealed and found.opened
    assert (found.proof.ip_truncated, found.proof.user_agent, found.proof.channel) == (IP, UA, ConsentChannel.banner)
    assert verify_consent_ledger(app.store).intact


def test_an_anonymous_browsers_proof_has_the_browsers_key_destroyed_with_the_person_it_links_to(
        app, desk, company, tmp_path):  # noqa: F811
    active = app.registers.get()
    event_id = record_choice(app.store, active, choices={PURPOSE: True}, proof=proof(active), actor="banner",
                             browser_id=BROWSER).events[0][0]
    assert IP.encode() not in raw_ledger(app)
    with app.engine.connect() as connection:
        holder = connection.execute(select(subject_keys.c.subject_id)).scalars().all()
    assert holder == [browser_key_holder(BROWSER)] and len(holder[0]) <= 36
    assert consent_proof(app.store, event_id).proof.user_agent == UA
    reference, _, subject_id = answered(desk, app, company, tmp_path, "erasure")  # Alice asks for erasure...
    assert consent_proof(app.store, event_id).opened  # ...her key went, but this browser was never hers
    link_browser(app.store, BROWSER, subject_id, "test")
    later = record_choice(app.store, active, choices={PURPOSE: False}, proof=proof(active), actor="banner",
                          browser_id=BROWSER).events[0][0]
    from egide.services.subject_keys import shred_subject

    shred_subject(app.store, subject_id, "test")  # erased again, now the browser is linked to her
    for event in (event_id, later):
        gone = consent_proof(app.store, event)
        assert gone.sealed and not gone.opened and gone.proof.ip_truncated is None and gone.proof.user_agent is None
        assert gone.proof.register_version == active.sha256  # what is not about her device stays
    assert verify_consent_ledger(app.store).intact  # the digests cover the ciphertext: no key needed
    with pytest.raises(NotFoundError, match="no consent event"):
        consent_proof(app.store, "no-such-event")


def test_a_proof_recorded_in_clear_before_sealing_still_reads_and_verifies(app, desk):
    active = app.registers.get()
    row = {"id": "0" * 8 + "-0000-0000-0000-" + "0" * 12, "subject_id": None, "browser_id": BROWSER,
           "purpose": PURPOSE, "action": "given", "recorded_at": app.clock.now().replace(tzinfo=None),
           "channel": "banner", "register_version": active.sha256, "notice_sha256": None, "banner_sha256": None,
           "language": "fr", "ip_truncated": IP, "user_agent": UA, "choice_id": "c" * 36, "idempotency_key": None}
    row["record_sha256"] = record_digest(row)  # as revision 0013 computed it: no sealed_proof column
    from egide.domain.audit import AuditEvent

    with app.store.unit_of_work() as uow:
        uow.connection.execute(insert(consent_events), row)
        uow.audit.record(AuditEvent("consent.given", "test", "consent_event", row["id"],
                                    {"record_sha256": row["record_sha256"]}))
    old = consent_proof(app.store, row["id"])
    assert not old.sealed and old.opened and (old.proof.ip_truncated, old.proof.user_agent) == (IP, UA)
    assert verify_consent_ledger(app.store).intact


def test_an_access_report_is_sealed_on_disk_and_downloads_through_the_secret_link(app, desk, company, tmp_path):  # noqa: F811
    reference, token, subject_id = answered(desk, app, company, tmp_path, "access")
    folder = app.settings.data_dir / "requests" / "shop"
    written = sorted(p.name for p in folder.iterdir())
    assert [n.split("-")[0] for n in written] == ["access", "access"]
    for path in folder.iterdir():
        raw = path.read_bytes()
        assert raw.startswith(b"EGIDEsf1") and ALICE_EMAIL.encode() not in raw and b"Martin" not in raw
    with TestClient(create_app(app), base_url="http://testserver") as client:
        page = client.get(f"/centre/requests/{reference}?token={token}")
        json_name = next(n for n in written if n.endswith(".json"))
        assert f"files/shop/{json_name}" in page.text
        download = client.get(f"/centre/requests/{reference}/files/shop/{json_name}?token={token}")
        assert download.status_code == 200 and int(download.headers["content-length"]) == len(download.content)
        report = json.loads(download.content)
        assert report["format"] == "egide-access/1" and report["tables"]["customers"]["rows"][0]["first_name"] == "Alice"
        html_name = json_name.replace(".json", ".html")
        assert "Alice" in client.get(f"/centre/requests/{reference}/files/shop/{html_name}?token={token}").text
        assert client.get(f"/centre/requests/{reference}/files/shop/{json_name}?token=wrong").status_code == 404
    listed = staff_request_files(desk, reference, app.settings.data_dir / "requests")
    assert [f.size for f in listed] == [len(b"".join(open_request_file(
        desk, reference, token, f.name, app.settings.data_dir / "requests", timedelta(days=30))[1])) for f in listed]


def test_a_portability_export_is_a_sealed_zip_that_opens_for_staff(app, desk, company, tmp_path):  # noqa: F811
    reference, _, _ = answered(desk, app, company, tmp_path, "portability")
    requests_dir = app.settings.data_dir / "requests"
    [export] = staff_request_files(desk, reference, requests_dir)
    assert export.kind == "portability" and not export.path.read_bytes().startswith(b"PK")
    with zipfile.ZipFile(io.BytesIO(b"".join(staff_open_file(desk, reference, export.name, requests_dir)))) as archive:
        assert "manifest.json" in archive.namelist()
    with app.store.unit_of_work(read_only=True) as uow:
        opened = [e for e in uow.audit.events() if e.action == "request.file_opened"]
    assert opened[-1].payload == {"reference": reference, "file": export.name}


def test_after_an_erasure_the_files_no_longer_open_are_no_longer_listed_and_are_purged(app, desk, company, tmp_path):  # noqa: F811
    access, token, subject_id = answered(desk, app, company, tmp_path, "access")
    requests_dir = app.settings.data_dir / "requests"
    [report, _] = staff_request_files(desk, access, requests_dir)
    answered(desk, app, company, tmp_path, "erasure")
    with app.engine.connect() as connection:
        assert connection.execute(select(subject_keys.c.wrapped_key)
                                  .where(subject_keys.c.subject_id == subject_id)).scalar_one() is None
    assert report.path.exists() and staff_request_files(desk, access, requests_dir) == []
    with pytest.raises(NotFoundError, match="destroyed"):
        staff_open_file(desk, access, report.name, requests_dir)
    with pytest.raises(NotFoundError):
        open_request_file(desk, access, token, report.name, requests_dir, timedelta(days=30))
    purged = purge_expired_exports(app.store, requests_dir, timedelta(days=30))  # within the window, yet gone
    assert purged.files == 2 and not report.path.exists()


def test_rotation_keeps_the_sealed_files_and_proof_readable(app, desk, company, tmp_path):  # noqa: F811
    active = app.registers.get()
    reference, _, subject_id = answered(desk, app, company, tmp_path, "access")
    event_id = record_choice(app.store, active, choices={PURPOSE: True}, proof=proof(active), actor="test",
                             subject_id=subject_id).events[0][0]
    browser_event = record_choice(app.store, active, choices={PURPOSE: True}, proof=proof(active), actor="banner",
                                  browser_id=BROWSER).events[0][0]
    requests_dir = app.settings.data_dir / "requests"
    [report] = [f for f in staff_request_files(desk, reference, requests_dir) if f.extension == "json"]
    before = report.path.read_bytes()
    new_master = os.urandom(32)
    assert rewrap_subject_keys(app.store, new_master, "admin:test", page=1).rewrapped == 2  # Alice's, the browser's
    app.store.keyring = dataclasses.replace(app.store.keyring, master_key=new_master)
    assert report.path.read_bytes() == before  # nothing sealed is rewritten
    assert json.loads(b"".join(staff_open_file(desk, reference, report.name, requests_dir)))["found"] is True
    assert consent_proof(app.store, event_id).proof.user_agent == UA
    assert consent_proof(app.store, browser_event).proof.ip_truncated == IP
