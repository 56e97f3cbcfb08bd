"""Art. 19 end to end: `egide request run` on the demo shop tells the recipients by SMTP (a real
aiosmtpd server on loopback) and by signed webhook (a real HTTP server on loopback);
`egide request recipients` lists who was told; `send-pending` retries; `recipient-answer`
records a signed acknowledgement and refuses a forged one."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone

import httpx
import pytest
from typer.testing import CliRunner

from egide.adapters.cli.main import app
from egide.bootstrap import build_app
from egide.demo.shop import build_shop
from egide.domain.signatures import sign
from egide.settings import Settings
from tests.conftest import EXAMPLES, ROOT, dump_yaml, load_yaml
from tests.e2e.conftest import serve as serve_egide
from tests.e2e.test_request_cli import smtp  # noqa: F401 (fixture)
from tests.integration.webhook_server import SECRET, Endpoint, serve

runner = CliRunner()
SHOP_DATASET = ROOT / "examples" / "datasets" / "shop.yaml"


@pytest.fixture
def endpoint():
    found = Endpoint(now=lambda: datetime.now(timezone.utc))
    server = serve(found)
    yield found
    server.shutdown()
    server.server_close()


@pytest.fixture
def shop(tmp_path, endpoint, monkeypatch):
    db = tmp_path / "shop" / "shop.db"
    build_shop(db, customers=40)
    data = load_yaml(EXAMPLES / "002-okasio.yaml")
    contacts = {"subcontractors": "dpo@soustraitant.example.com", "ovh": endpoint.url("/ovh")}
    for recipient in data["recipients"]:
        recipient["contact"] = contacts.get(recipient["key"])
        if recipient["contact"] is None:
            del recipient["contact"]
    register = dump_yaml(data, tmp_path / "okasio.yaml")
    monkeypatch.setenv("EGIDE_RECIPIENT_SECRET_OVH", SECRET)
    data_dir = tmp_path / "egide"

    def cli(*args):
        return runner.invoke(app, ["--data-dir", str(data_dir), *[str(a) for a in args]], catch_exceptions=False)

    assert cli("init").exit_code == 0
    assert cli("register", "activate", register).exit_code == 0
    with sqlite3.connect(db) as c:
        email = c.execute("SELECT email FROM customers ORDER BY id LIMIT 1").fetchone()[0]
    return cli, db, email


def erased(cli, db, email):
    assert cli("request", "submit", "--right", "erasure", "--email", email, "--no-code").exit_code == 0
    reference = json.loads(cli("request", "list", "--format", "json").stdout)[-1]["reference"]
    assert cli("request", "verify", "--reference", reference, "--manual", "--method", "test").exit_code == 0
    result = cli("request", "run", reference, "--dataset", SHOP_DATASET, "--database-url", f"sqlite:///{db}")
    assert result.exit_code == 0, result.output
    return reference, result


def test_an_erasure_on_the_demo_shop_tells_the_recipients_and_lists_them(shop, smtp, endpoint):
    cli, db, email = shop
    reference, result = erased(cli, db, email)
    assert "Destinataires informés (art. 19)" in result.stdout and "faute de contact" in result.stdout
    mails = [m for m in smtp.wait_for(3) if m["X-Egide-Notice"] == "recipient"]
    assert [m["To"] for m in mails] == ["dpo@soustraitant.example.com"]
    assert email in mails[0].get_content() and reference in mails[0]["Subject"]
    assert [r.verified for r in endpoint.received] == [True]
    listed = cli("request", "recipients", reference)
    assert listed.exit_code == 0, listed.output
    assert "OVH [ovh, processor]: webhook to http://127.0.0.1" in listed.stdout and "answered HTTP 200" in listed.stdout
    assert "Google Ireland Limited [google-ireland, processor]: none, CANNOT NOTIFY" in listed.stdout
    rows = json.loads(cli("request", "recipients", reference, "--format", "json").stdout)
    assert {r["recipient"]: r["status"] for r in rows}["subcontractors"] == "sent"
    answer = [m for m in smtp.wait_for(4) if m["X-Egide-Notice"] == "answered"][0].get_content()
    assert "Destinataires informés" in answer and "OVH" in answer


def test_send_pending_retries_a_webhook_that_failed(shop, smtp, endpoint):
    cli, db, email = shop
    endpoint.status = 502
    reference, result = erased(cli, db, email)
    assert "Envoi en cours de reprise : OVH" in result.stdout
    assert "FAILED" in cli("request", "recipients", reference).stdout.upper()
    endpoint.status = 200
    retried = cli("request", "send-pending")
    assert retried.exit_code == 0, retried.output
    assert "art. 19 notices to recipients: 1 sent, 0 failed" in retried.stdout
    rows = json.loads(cli("request", "recipients", reference, "--format", "json").stdout)
    assert {r["recipient"]: (r["status"], r["attempts"]) for r in rows}["ovh"] == ("sent", 2)


def test_a_signed_acknowledgement_is_recorded_and_a_forged_one_refused(shop, smtp, tmp_path):
    cli, db, email = shop
    reference, _ = erased(cli, db, email)
    rows = json.loads(cli("request", "recipients", reference, "--format", "json").stdout)
    notice = next(r for r in rows if r["recipient"] == "ovh")["id"]
    body = tmp_path / "answer.json"
    body.write_bytes(json.dumps({"notice": notice, "status": "erased"}).encode())
    forged = sign(b"somebody-elses-secret-0123456789", body.read_bytes(), datetime.now(timezone.utc))
    refused = cli("request", "recipient-answer", body, "--signature", forged)
    assert refused.exit_code == 2 and "does not match the body" in refused.stderr
    assert next(r for r in json.loads(cli("request", "recipients", reference, "--format", "json").stdout)
                if r["id"] == notice)["status"] == "sent"
    good = sign(SECRET.encode(), body.read_bytes(), datetime.now(timezone.utc))
    accepted = cli("request", "recipient-answer", body, "--signature", good)
    assert accepted.exit_code == 0, accepted.output
    assert "acknowledged" in cli("request", "recipients", reference).stdout


def test_a_recipient_acknowledges_over_http_with_its_signature(shop, smtp, tmp_path):
    cli, db, email = shop
    reference, _ = erased(cli, db, email)
    rows = json.loads(cli("request", "recipients", reference, "--format", "json").stdout)
    notice = next(r for r in rows if r["recipient"] == "ovh")["id"]
    body = json.dumps({"notice": notice, "status": "erased"}).encode()
    application = build_app(Settings(data_dir=tmp_path / "egide", actor="test"))
    try:
        for url in serve_egide(application):
            forged = httpx.post(f"{url}/api/v1/recipient-answers", content=body, headers={
                "Egide-Signature": sign(b"somebody-elses-secret-0123456789", body, datetime.now(timezone.utc))})
            assert forged.status_code == 400 and "does not match the body" in forged.json()["error"]["message"]
            good = httpx.post(f"{url}/api/v1/recipient-answers", content=body, headers={
                "Egide-Signature": sign(SECRET.encode(), body, datetime.now(timezone.utc))})
            assert good.status_code == 200, good.text
            assert good.json() == {"notice": notice, "reference": reference, "recipient": "ovh",
                                   "status": "acknowledged"}
    finally:
        application.close()
