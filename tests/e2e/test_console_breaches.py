"""The breach register's console pages over HTTP (TestClient on the ASGI app), on SQLite and
PostgreSQL: a DPO records a breach holding the logs, sees the authority's clock, notifies, tells
the people, downloads the CNIL export (audited) and resolves it; an auditor reads but cannot change."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient

from egide.adapters.http.app import create_app
from egide.services import accounts
from egide.services.audit import verify_audit_trail
from egide.services.breaches import get_breach, list_breaches
from egide.services.retention import list_holds

PASSWORD = "Corr3ct-Horse-Battery!"


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "the page carries no CSRF field"
    return found.group(1)


@pytest.fixture
def clients(app):  # type: ignore[no-untyped-def]
    api = create_app(app)
    signed = {}
    for name in ("dpo", "auditor"):
        accounts.create_account(app.store, username=name, role=name, password=PASSWORD, actor="test")
        client = TestClient(api, base_url="https://testserver")
        page = client.get("/console/sign-in")
        answer = client.post("/console/sign-in", data={"username": name, "password": PASSWORD, "next": "/console/",
                                                       "csrf_token": _csrf(page.text)}, follow_redirects=False)
        assert answer.status_code == 303, answer.text
        signed[name] = client
    yield signed
    for client in signed.values():
        client.close()


FORM = {"natures": ["confidentiality", "availability"], "origin": "external_malicious",
        "description": "Rançongiciel sur le serveur de fichiers", "data_categories": ["civil_status", "health"],
        "subject_categories": ["employees"], "people": "40", "records": "120",
        "consequences": "Divulgation possible de données de santé", "measures": "Serveur isolé, sauvegardes restaurées",
        "known_at": "2026-01-30T20:00", "risk": "risk", "hold_logs": "1"}


def _post(client: TestClient, path: str, data: dict, page: str = "/console/breaches"):  # type: ignore[no-untyped-def]
    token = _csrf(client.get(page).text)
    return client.post(path, data={**data, "csrf_token": token}, follow_redirects=False)


def test_the_dpo_records_a_breach_follows_its_clock_exports_it_and_resolves_it(clients, app):
    dpo = clients["dpo"]
    assert "/console/breaches" in dpo.get("/console/").text  # the menu entry
    answer = _post(dpo, "/console/breaches", FORM)
    assert answer.status_code == 303, answer.text
    reference = answer.headers["location"].split("/")[-1].split("?")[0]
    breach = get_breach(app.store, reference)
    assert breach.approx_subjects == 40 and breach.hold_id is not None
    assert any(h.id == breach.hold_id and h.event == "security_incident" for h in list_holds(app.store))
    page = dpo.get(f"/console/breaches/{reference}")
    assert page.status_code == 200 and "2026-02-02 20:00 UTC" in page.text  # 72 h after it became known
    assert "Les personnes doivent être informées" in page.text  # health data: high risk by the settings
    english = dpo.get(f"/console/breaches/{reference}?lang=en")
    assert "The people must be told" in english.text
    path = f"/console/breaches/{reference}"
    assert _post(dpo, f"{path}/notify", {"authority_reference": "CNIL-1"}, path).status_code == 303
    assert _post(dpo, f"{path}/told", {"how": "courrier"}, path).status_code == 303
    exported = dpo.get(f"{path}/cnil.json")
    assert exported.status_code == 200 and "attachment" in exported.headers["content-disposition"]
    fields = {f["key"]: f["value"] for f in json.loads(exported.text)["fields"]}
    assert fields["approx_subjects"] == 40 and fields["people_told"] == "oui"
    assert dpo.get(f"{path}/cnil.csv").text.startswith("section,champ,key,valeur")
    assert _post(dpo, f"{path}/resolve", {}, path).status_code == 303
    assert not next(h for h in list_holds(app.store) if h.id == breach.hold_id).active(app.clock.now())
    with app.store.unit_of_work(read_only=True) as uow:
        actions = [e.action for e in uow.audit.search(object_type="breach", object_id=reference)]
    assert actions.count("breach.exported") == 2 and "breach.resolved" in actions
    assert verify_audit_trail(app.store).intact


def test_bad_input_is_shown_on_the_form_and_nothing_is_stored(clients, app):
    answer = _post(clients["dpo"], "/console/breaches", {**FORM, "people": "beaucoup", "data_categories": []})
    assert answer.status_code == 400 and "people" in answer.text and "Rançongiciel" in answer.text
    assert list_breaches(app.store) == []


def test_an_auditor_reads_the_register_but_cannot_record_or_resolve(clients, app):
    reference = _post(clients["dpo"], "/console/breaches", FORM).headers["location"].split("/")[-1].split("?")[0]
    auditor = clients["auditor"]
    listing = auditor.get("/console/breaches")
    assert listing.status_code == 200 and reference in listing.text and 'action="/console/breaches"' not in listing.text
    token = _csrf(listing.text)  # the sign-out form's: a valid token, so only the role refuses
    refused = auditor.post(f"/console/breaches/{reference}/resolve", data={"csrf_token": token},
                           follow_redirects=False)
    assert refused.status_code == 403
    assert get_breach(app.store, reference).resolved_at is None


def test_an_unknown_breach_is_not_found(clients):
    assert clients["dpo"].get("/console/breaches/BR-00000000").status_code == 404
