"""Data-subject requests over HTTP on a real socket, on SQLite and PostgreSQL stores: intake, the
emailed code (a real SMTP server on loopback), the status link, the staff desk, a run on the job runner."""

from __future__ import annotations

import sqlite3
import time

import httpx
import pytest
from aiosmtpd.controller import Controller

from egide.adapters.jobs import build_job_queue
from egide.bootstrap import build_app, initialise
from egide.demo.shop import build_shop
from egide.register.loader import load_register
from egide.services.registers import activate_register
from egide.settings import Settings
from tests.conftest import CLEAN_REGISTER, EXAMPLES, ROOT, dump_yaml
from tests.e2e.conftest import _free_port, serve
from tests.e2e.test_request_cli import Mailbox

EMAIL = "camille.durand@example.com"
TOKEN = "staff-token-for-tests"
STAFF = {"authorization": f"Bearer {TOKEN}"}
SHOP_DATASET = ROOT / "examples" / "datasets" / "shop.yaml"


@pytest.fixture
def mailbox():
    port = _free_port()
    box = Mailbox(port)
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


def _server(tmp_path, database_url, mailbox, register_file, **extra):
    port = _free_port()
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url, actor="test", api_token=TOKEN,
                        public_url=f"http://127.0.0.1:{port}", smtp_host="127.0.0.1", smtp_port=mailbox.port,
                        smtp_starttls=False, smtp_from="privacy@example.com", **extra)
    initialise(settings)
    app = build_app(settings)
    activate_register(app.store, load_register(register_file), "test")
    return app, port


@pytest.fixture
def egide(tmp_path, database_url, mailbox):
    app, port = _server(tmp_path, database_url, mailbox, dump_yaml(CLEAN_REGISTER, tmp_path / "register.yaml"))
    try:
        for url in serve(app, port):
            with httpx.Client(base_url=url, timeout=20) as client:
                yield client, app
    finally:
        app.close()


def submit(client, right="access", email=EMAIL):
    response = client.post("/api/v1/requests", json={"right": right, "email": email, "language": "en",
                                                     "text": "Please send me a copy of my data"})
    assert response.status_code == 201, response.text
    return response.json()


def test_a_person_submits_verifies_with_the_emailed_code_and_follows_the_request(egide, mailbox):
    client, app = egide
    receipt = submit(client)
    reference, token = receipt["reference"], receipt["status_token"]
    assert receipt["status"] == "awaiting_code" and len(token) >= 40
    assert receipt["status_url"].endswith(f"/api/v1/requests/{reference}?token={token}")
    mailbox.wait_for(2)
    wrong = "000000" if mailbox.code() != "000000" else "111111"
    refused = client.post(f"/api/v1/requests/{reference}/verification", json={"token": token, "code": wrong})
    assert refused.status_code == 400
    assert f"wrong code for {reference}: 4 attempts left" in refused.json()["error"]["message"]
    ok = client.post(f"/api/v1/requests/{reference}/verification", json={"token": token, "code": mailbox.code()})
    assert ok.status_code == 200 and ok.json()["status"] == "verified"
    status = httpx.get(receipt["status_url"]).json()
    assert status["status"] == "verified" and status["right"] == "access" and status["answer"] is None
    assert status["due_on"] >= receipt["due_on"]  # the clock stood still while the code was awaited


def test_a_wrong_token_and_an_unknown_reference_get_the_same_404(egide):
    client, _ = egide
    receipt = submit(client)
    reference = receipt["reference"]
    wrong_token = client.get(f"/api/v1/requests/{reference}", params={"token": "x" * 43})
    unknown = client.get("/api/v1/requests/DSR-2026-999999", params={"token": receipt["status_token"]})
    assert wrong_token.status_code == unknown.status_code == 404
    assert wrong_token.json() == unknown.json()
    assert reference not in wrong_token.text
    no_token = client.get(f"/api/v1/requests/{reference}")
    assert no_token.status_code == 422
    code = client.post(f"/api/v1/requests/{reference}/code", json={"token": "x" * 43})
    verify = client.post(f"/api/v1/requests/{reference}/verification", json={"token": "x" * 43, "code": "123456"})
    assert code.status_code == verify.status_code == 404 and code.json() == verify.json() == unknown.json()


def test_a_new_code_can_be_asked_with_the_status_token(egide, mailbox):
    client, _ = egide
    receipt = submit(client)
    mailbox.wait_for(2)
    first = mailbox.code()
    again = client.post(f"/api/v1/requests/{receipt['reference']}/code", json={"token": receipt["status_token"]})
    assert again.status_code == 200 and again.json()["status"] == "awaiting_code"
    mailbox.wait_for(3)
    assert len(mailbox.messages) == 3 and mailbox.code() is not None
    if mailbox.code() != first:
        stale = client.post(f"/api/v1/requests/{receipt['reference']}/verification",
                            json={"token": receipt["status_token"], "code": first})
        assert stale.status_code == 400


def test_an_unknown_right_gets_a_400_naming_the_field_and_stores_nothing(egide):
    client, _ = egide
    response = client.post("/api/v1/requests", json={"right": "acces", "email": EMAIL})
    assert response.status_code == 400
    error = response.json()["error"]
    assert "unknown right 'acces'" in error["message"] and error["details"]["problems"][0]["path"] == "right"
    assert client.get("/api/v1/desk/requests", headers=STAFF).json() == []


def test_staff_endpoints_need_the_api_token(egide):
    client, _ = egide
    reference = submit(client)["reference"]
    assert client.get("/api/v1/desk/requests").status_code == 401
    assert client.get(f"/api/v1/desk/requests/{reference}").status_code == 401
    assert client.post(f"/api/v1/desk/requests/{reference}/run").status_code == 401
    shown = client.get(f"/api/v1/desk/requests/{reference}", headers=STAFF).json()
    assert shown["claims"]["email"] == EMAIL and shown["events"][0]["action"] == "request.received"


def test_the_desk_lists_by_due_date_extends_and_refuses_and_the_person_reads_the_reasons(egide):
    client, _ = egide
    first, second = submit(client), submit(client, right="erasure", email="b@example.com")
    rows = client.get("/api/v1/desk/requests", headers=STAFF).json()
    assert [r["reference"] for r in rows] == sorted([first["reference"], second["reference"]])
    assert all(r["overdue"] is False and r["days_left"] is not None for r in rows)
    extended = client.post(f"/api/v1/desk/requests/{first['reference']}/extension", headers=STAFF,
                           json={"reason": "Many databases to search", "by": "P1M"})
    assert extended.status_code == 200 and extended.json()["notices"][0]["kind"] == "extended"
    refused = client.post(f"/api/v1/desk/requests/{second['reference']}/refusal", headers=STAFF,
                          json={"reason": "Fifth identical request this month", "ground": "excessive"})
    assert refused.status_code == 200 and refused.json()["status"] == "refused"
    status = client.get(f"/api/v1/requests/{second['reference']}", params={"token": second["status_token"]}).json()
    assert status["status"] == "refused" and status["refusal_reason"] == "Fifth identical request this month"
    again = client.post(f"/api/v1/desk/requests/{second['reference']}/refusal", headers=STAFF,
                        json={"reason": "again", "ground": "excessive"})
    assert again.status_code == 409


def test_an_unverified_request_is_not_put_on_the_queue(egide):
    client, app = egide
    reference = submit(client)["reference"]
    response = client.post(f"/api/v1/desk/requests/{reference}/run", headers=STAFF)
    assert response.status_code == 409 and "only a verified request runs" in response.json()["error"]["message"]
    assert build_job_queue(app).journal.list() == []


def test_the_openapi_document_describes_the_request_endpoints(egide):
    client, _ = egide
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {"/api/v1/requests", "/api/v1/requests/{reference}", "/api/v1/requests/{reference}/code",
            "/api/v1/requests/{reference}/verification", "/api/v1/desk/requests",
            "/api/v1/desk/requests/{reference}/run"} <= set(paths)
    receipt = client.get("/api/openapi.json").json()["components"]["schemas"]["IntakeReceipt"]
    assert "status_token" in receipt["properties"] and "SHA-256" in receipt["properties"]["status_token"]["description"]


@pytest.fixture
def shop_server(tmp_path, database_url, mailbox, monkeypatch):
    yield from _shop_server(tmp_path, database_url, mailbox, monkeypatch)


@pytest.fixture
def gated_shop_server(tmp_path, database_url, mailbox, monkeypatch):
    yield from _shop_server(tmp_path, database_url, mailbox, monkeypatch, answer_approval_required=True)


def _shop_server(tmp_path, database_url, mailbox, monkeypatch, **extra):
    db = tmp_path / "shop" / "shop.db"
    build_shop(db, customers=30)
    monkeypatch.setenv("SHOP_DATABASE_URL", f"sqlite:///{db}")
    app, port = _server(tmp_path, database_url, mailbox, EXAMPLES / "002-okasio.yaml", datasets=[SHOP_DATASET],
                        jobs_poll_seconds=0.1, **extra)
    with sqlite3.connect(db) as c:
        email = c.execute("SELECT c.email FROM customers c JOIN orders o ON o.customer_id = c.id "
                          "JOIN invoices i ON i.order_id = o.id ORDER BY c.id LIMIT 1").fetchone()[0]
    runner = build_job_queue(app)
    try:
        for url in serve(app, port):
            with httpx.Client(base_url=url, timeout=30) as client:
                yield client, app, runner, db, email
    finally:
        runner.stop()
        app.close()


def test_an_erasure_run_over_http_is_worked_by_the_in_process_runner_and_the_person_reads_the_answer(shop_server):
    client, app, runner, db, email = shop_server
    receipt = submit(client, right="erasure", email=email)
    reference = receipt["reference"]
    assert client.post(f"/api/v1/desk/requests/{reference}/manual-verification", headers=STAFF,
                       json={"method": "signed in to the customer account"}).json()["status"] == "verified"
    accepted = client.post(f"/api/v1/desk/requests/{reference}/run", headers=STAFF)
    assert accepted.status_code == 202 and accepted.json()["runner"] == "inprocess"
    runner.start()  # what `egide serve` does
    deadline = time.monotonic() + 60
    status = {}
    while time.monotonic() < deadline:
        status = client.get(f"/api/v1/requests/{reference}", params={"token": receipt["status_token"]}).json()
        if status["status"] == "answered":
            break
        time.sleep(0.2)
    assert status["status"] == "answered", runner.journal.get(accepted.json()["job_id"])
    assert "invoices" in status["answer"]
    job_id = accepted.json()["job_id"]
    while runner.journal.get(job_id).status == "running" and time.monotonic() < deadline:
        time.sleep(0.05)  # the answer is committed just before the job's own record
    assert runner.journal.get(job_id).status == "succeeded"
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT count(*) FROM customers WHERE email = ?", (email,)).fetchone()[0] == 0


def test_with_answers_approved_first_the_desk_approves_over_http_and_only_then_the_person_reads_it(
        gated_shop_server, mailbox):
    client, app, runner, db, email = gated_shop_server
    receipt = submit(client, right="access", email=email)
    reference, token = receipt["reference"], receipt["status_token"]
    client.post(f"/api/v1/desk/requests/{reference}/manual-verification", headers=STAFF,
                json={"method": "signed in to the customer account"}).raise_for_status()
    early = client.post(f"/api/v1/desk/requests/{reference}/approval", headers=STAFF)
    assert early.status_code == 409 and "run it first" in early.text
    job_id = client.post(f"/api/v1/desk/requests/{reference}/run", headers=STAFF).json()["job_id"]
    [job] = runner.run_pending()
    assert job.id == job_id and job.status == "succeeded", job.error
    held = client.get(f"/api/v1/requests/{reference}", params={"token": token}).json()
    assert held["status"] == "awaiting_approval" and held["answer"] is None
    assert client.post(f"/api/v1/desk/requests/{reference}/approval").status_code == 401  # staff only

    approved = client.post(f"/api/v1/desk/requests/{reference}/approval", headers=STAFF)
    assert approved.status_code == 200, approved.text
    body = approved.json()
    assert body["status"] == "answered" and body["released"] is True and len(body["answer_sha256"]) == 64
    assert [n["kind"] for n in body["notices"]] == ["answered"] and body["notices"][0]["delivered"]
    answered = client.get(f"/api/v1/requests/{reference}", params={"token": token}).json()
    assert answered["status"] == "answered" and answered["answer"].startswith("A copy of your data")  # asked in English
    assert client.post(f"/api/v1/desk/requests/{reference}/approval", headers=STAFF).status_code == 409


def test_egide_serve_works_a_run_put_on_the_queue_in_its_background_thread(tmp_path, monkeypatch):
    import json
    import os
    import signal
    import subprocess
    import sys

    from typer.testing import CliRunner

    from egide.adapters.cli.main import app as cli_app

    db = tmp_path / "shop" / "shop.db"
    build_shop(db, customers=20)
    with sqlite3.connect(db) as c:
        email = c.execute("SELECT email FROM customers ORDER BY id LIMIT 1").fetchone()[0]
    env = {**os.environ, "EGIDE_DATA_DIR": str(tmp_path / "data"), "SHOP_DATABASE_URL": f"sqlite:///{db}",
           "EGIDE_DATASETS": json.dumps([str(SHOP_DATASET)]), "EGIDE_JOBS_POLL_SECONDS": "0.2"}
    for name in ("EGIDE_DATA_DIR", "EGIDE_DATASETS"):
        monkeypatch.setenv(name, env[name])
    cli = CliRunner()
    assert cli.invoke(cli_app, ["init"]).exit_code == 0
    assert cli.invoke(cli_app, ["register", "activate", str(EXAMPLES / "002-okasio.yaml")]).exit_code == 0
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-c", "from egide.adapters.cli.main import run; run()", "serve",
                               "--port", str(port), "--no-access-log"], env=env, cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=20)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if client.get("/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        receipt = submit(client, right="access", email=email)
        reference = receipt["reference"]
        assert client.post(f"/api/v1/desk/requests/{reference}/manual-verification",
                           json={"method": "called back"}).status_code == 200
        assert client.post(f"/api/v1/desk/requests/{reference}/run").status_code == 202
        status = {}
        while time.monotonic() < deadline + 30:
            status = client.get(f"/api/v1/requests/{reference}", params={"token": receipt["status_token"]}).json()
            if status["status"] == "answered":
                break
            time.sleep(0.2)
        assert status["status"] == "answered" and status["answer"]
    finally:
        server.send_signal(signal.SIGTERM)
        output = server.communicate(timeout=30)[0]
    assert "jobs: in-process" in output


def test_an_intake_body_over_the_limit_is_refused_with_413(egide):
    client, _ = egide
    response = client.post("/api/v1/requests", content=b'{"right": "access", "text": "' + b"x" * 70_000 + b'"}',
                           headers={"content-type": "application/json"})
    assert response.status_code == 413 and response.json()["error"]["code"] == "too_large"
    assert client.get("/api/v1/desk/requests", headers=STAFF).json() == []
