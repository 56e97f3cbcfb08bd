"""`egide request ...` end to end: the CLI, a real SMTP server (aiosmtpd on 127.0.0.1) and the store."""

from __future__ import annotations

import email
import json
import re
import socket
import time
from datetime import datetime, timedelta, timezone
from email import policy

import pytest
from aiosmtpd.controller import Controller
from typer.testing import CliRunner

from egide.adapters.cli.main import app
from egide.domain.clock import SystemClock
from tests.conftest import CLEAN_REGISTER, EXAMPLES, dump_yaml

runner = CliRunner()
EMAIL = "camille.durand@example.com"


class Mailbox:
    """An aiosmtpd handler keeping every message it accepts."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 5.0) -> list:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.messages

    def code(self) -> str:
        body = [m for m in self.messages if m["X-Egide-Notice"] == "code"][-1].get_content()
        return re.search(r"^[ ]+(\d{6})\s*$", body, re.M).group(1)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(monkeypatch):
    port = _free_port()
    mailbox = Mailbox(port)
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("EGIDE_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("EGIDE_SMTP_PORT", str(port))
    monkeypatch.setenv("EGIDE_SMTP_STARTTLS", "false")
    monkeypatch.setenv("EGIDE_SMTP_FROM", "privacy@example.com")
    try:
        yield mailbox
    finally:
        controller.stop()


@pytest.fixture
def cli(tmp_path):
    data_dir = tmp_path / "data"
    register = dump_yaml(CLEAN_REGISTER, tmp_path / "register.yaml")

    def run(*args):
        return runner.invoke(app, ["--data-dir", str(data_dir), *[str(a) for a in args]], catch_exceptions=False)

    assert run("init").exit_code == 0
    assert run("register", "activate", register).exit_code == 0
    return run


def shown(cli, reference):
    result = cli("request", "show", reference, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_the_code_emailed_on_submission_verifies_the_request(cli, smtp):
    result = cli("request", "submit", "--right", "access", "--email", EMAIL, "--channel", "email",
                 "--text", "Merci de me transmettre mes données")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("DSR-")
    reference = result.stdout.split(":")[0]
    received, code_mail = smtp.wait_for(2)
    assert received["To"] == EMAIL and received["From"] == "privacy@example.com"
    assert received["Subject"] == f"Votre demande {reference} a bien été reçue"
    assert code_mail["X-Egide-Reference"] == reference and "15 minutes" in code_mail.get_content()
    verified = cli("request", "verify", "--reference", reference, "--code", smtp.code())
    assert verified.exit_code == 0, verified.output
    body = shown(cli, reference)
    assert body["status"] == "verified" and body["identity"]["method"] == "email_code"
    assert [n["transport"] for n in body["notices"]] == ["smtp", "smtp"]


def test_wrong_and_expired_codes_are_rejected_with_the_attempts_counted(cli, smtp, monkeypatch):
    reference = cli("request", "submit", "--right", "erasure", "--email", EMAIL).stdout.split(":")[0]
    smtp.wait_for(2)
    code = smtp.code()
    wrong = cli("request", "verify", "--reference", reference, "--code", "000000" if code != "000000" else "111111")
    assert wrong.exit_code == 2
    assert f"error: wrong code for {reference}: 4 attempts left" in wrong.stderr
    assert "attempt 1 of 5" in wrong.stderr
    later = datetime.now(timezone.utc) + timedelta(minutes=16)
    monkeypatch.setattr(SystemClock, "now", lambda self: later)
    expired = cli("request", "verify", "--reference", reference, "--code", code)
    assert expired.exit_code == 2
    assert f"the code for {reference} expired at" in expired.stderr and "attempt 2 of 5" in expired.stderr
    assert f"egide request send-code {reference}" in expired.stderr
    assert shown(cli, reference)["status"] == "awaiting_code"
    assert cli("request", "send-code", reference).exit_code == 0
    smtp.wait_for(3)
    assert cli("request", "verify", "--reference", reference, "--code", smtp.code()).exit_code == 0


def test_an_unknown_right_is_a_clear_error_and_stores_nothing(cli, smtp):
    result = cli("request", "submit", "--right", "acces", "--email", EMAIL)
    assert result.exit_code == 2
    assert "error: unknown right 'acces'" in result.stderr and "access, rectification" in result.stderr
    assert json.loads(cli("request", "list", "--format", "json").stdout) == []
    time.sleep(0.2)
    assert smtp.messages == []


def test_an_smtp_failure_keeps_the_request_and_send_pending_delivers_later(cli, smtp, monkeypatch):
    monkeypatch.setenv("EGIDE_SMTP_PORT", str(_free_port()))  # nobody listens there
    result = cli("request", "submit", "--right", "portability", "--email", EMAIL)
    assert result.exit_code == 0
    assert "warning: notice 'received' not delivered" in result.stderr and "send-pending" in result.stderr
    reference = result.stdout.split(":")[0]
    assert shown(cli, reference)["status"] == "awaiting_code"
    monkeypatch.setenv("EGIDE_SMTP_PORT", str(smtp.port))
    retried = cli("request", "send-pending")
    assert retried.exit_code == 0 and retried.stdout.startswith("2 sent, 0 failed")
    assert [m["X-Egide-Notice"] for m in smtp.wait_for(2)] == ["received", "code"]


def test_extend_refuse_and_list_from_the_command_line(cli, smtp):
    first = cli("request", "submit", "--right", "access", "--email", EMAIL, "--no-code").stdout.split(":")[0]
    second = cli("request", "submit", "--right", "objection", "--email", "lea@example.com",
                 "--received-at", "2020-01-02").stdout.split(":")[0]
    assert cli("request", "verify", "--reference", first, "--manual", "--method", "signed-in account").exit_code == 0
    extended = cli("request", "extend", first, "--reason", "Données réparties dans 14 systèmes")
    assert extended.exit_code == 0 and "notice 'extended' sent by smtp" in extended.stdout
    too_late = cli("request", "extend", second, "--reason", "late")
    assert too_late.exit_code == 4 and "too late to extend" in too_late.stderr
    assert [r["reference"] for r in json.loads(cli("request", "list", "--overdue", "--format", "json").stdout)] == [
        second]
    refused = cli("request", "refuse", second, "--reason", "Demande identique chaque semaine", "--ground", "excessive")
    assert refused.exit_code == 0
    mail = smtp.wait_for(4)[-1]
    assert mail["X-Egide-Notice"] == "refused" and "CNIL (https://www.cnil.fr)" in mail.get_content()
    table = cli("request", "list").stdout
    assert f"{first}  access" in table and "extended" in table and f"{second}  objection" in table
    no_doubt = cli("request", "ask-id", first)
    assert no_doubt.exit_code == 2 and "when an agent records a reasonable doubt" in no_doubt.stderr
    asked = cli("request", "ask-id", first, "--reason", "the account email differs")
    assert asked.exit_code == 0 and f"{first}: awaiting_identity" in asked.stdout
    checked = cli("request", "id-checked", first)
    assert checked.exit_code == 0 and f"{first}: verified" in checked.stdout
    events = [e["action"] for e in shown(cli, first)["events"]]
    assert events[-2:] == ["request.identity_document_asked", "request.identity_document_checked"]


def test_without_smtp_notices_land_in_the_outbox_folder(tmp_path):
    data_dir = tmp_path / "data"
    run = lambda *a: runner.invoke(app, ["--data-dir", str(data_dir), *map(str, a)], catch_exceptions=False)  # noqa: E731
    assert run("init").exit_code == 0
    assert run("register", "activate", EXAMPLES / "001-ozio.yaml").exit_code == 0
    result = run("request", "submit", "--right", "erasure", "--email", EMAIL)
    assert result.exit_code == 0 and ": awaiting_identity (erasure)" in result.stdout
    files = sorted(p.name for p in (data_dir / "outbox").glob("*.eml"))
    assert len(files) == 2 and files[0].endswith(".eml") and "identity_document" in " ".join(files)
    letter = next((data_dir / "outbox").glob("*identity_document*.eml")).read_text(encoding="utf-8")
    assert f"To: {EMAIL}" in letter and "La copie sera supprimée dès la vérification faite" in letter
