"""`egide consent proof EVENT_ID`: the sealed IP address and user agent opened with the person's key,
said gone once their erasure destroyed it; a choice by phone has none."""

from __future__ import annotations

from typer.testing import CliRunner

from egide.adapters.cli.main import app
from egide.bootstrap import build_app
from egide.domain.consent import ConsentChannel, ConsentProof
from egide.domain.identity import Identifier
from egide.services.consent import record_choice
from egide.services.subject_keys import shred_subject
from egide.services.subjects import find_or_register
from egide.settings import Settings
from tests.conftest import EXAMPLES

runner = CliRunner()


def test_the_proof_opens_then_is_said_gone_after_the_erasure(tmp_path):
    data_dir = tmp_path / "egide"

    def cli(*args):
        return runner.invoke(app, ["--data-dir", str(data_dir), *[str(a) for a in args]], catch_exceptions=False)

    assert cli("init").exit_code == 0
    assert cli("register", "activate", EXAMPLES / "002-okasio.yaml").exit_code == 0
    application = build_app(Settings(data_dir=data_dir))
    try:
        active = application.registers.get()
        subject = find_or_register(application.store, Identifier.of("email", "jeanne@example.com"), "test")
        proof = ConsentProof(channel=ConsentChannel.form, register_version=active.sha256, language="fr",
                             ip_truncated="198.51.100.0", user_agent="Mozilla/5.0 egide-cli-test")
        event_id = record_choice(application.store, active, choices={"analytics.reporting": True}, proof=proof,
                                 actor="test", subject_id=subject.id).events[0][0]
    finally:
        application.close()
    shown = cli("consent", "proof", event_id)
    assert shown.exit_code == 0, shown.output
    assert "198.51.100.0 (sealed with the person's key)" in shown.stdout and "egide-cli-test" in shown.stdout
    application = build_app(Settings(data_dir=data_dir))
    try:
        shred_subject(application.store, subject.id, "test")
    finally:
        application.close()
    gone = cli("consent", "proof", event_id)
    assert gone.exit_code == 0 and "destroyed" in gone.stdout and "198.51.100.0" not in gone.stdout
    assert cli("audit", "verify").exit_code == 0  # the ledger still verifies without the key
    assert cli("consent", "proof", "no-such-event").exit_code == 3
