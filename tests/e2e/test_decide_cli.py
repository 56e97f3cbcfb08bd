"""`egide decide` with reasons, on the seed 002 and 004 registers."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from egide.adapters.cli.main import app
from tests.conftest import EXAMPLES

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def store(tmp_path):
    data_dir = tmp_path / "data"
    assert run("--data-dir", data_dir, "init").exit_code == 0

    def activate(name):
        assert run("--data-dir", data_dir, "register", "activate", EXAMPLES / name).exit_code == 0

    def cli(*args):
        return run("--data-dir", data_dir, *args)

    return activate, cli


def decided(cli, email, purpose="marketing.communications.email"):
    result = cli("decide", "--email", email, "--purpose", purpose, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_seed_004_newsletter_needs_consent_and_says_why(store):
    activate, cli = store
    activate("004-bureau24.yaml")
    text = cli("decide", "--email", "jeanne@example.com", "--purpose", "marketing.communications.email").stdout
    assert "DENIED" in text and "no consent was ever given" in text
    assert cli("consent", "record", "--email", "jeanne@example.com", "--purpose",
               "marketing.communications.email", "--given", "--channel", "form").exit_code == 0
    body = decided(cli, "jeanne@example.com")
    assert body["allowed"] and body["legal_basis"] == "consent" and "consent given on" in body["reasons"][0]


def test_seed_002_marketing_stops_after_an_objection(store):
    activate, cli = store
    activate("002-okasio.yaml")
    assert decided(cli, "paul@example.com")["rule"] == "legitimate_interests"
    assert cli("subject", "object", "--email", "paul@example.com", "--purpose", "marketing").exit_code == 0
    body = decided(cli, "paul@example.com")
    assert not body["allowed"] and body["rule"] == "opposition_list" and "art. 21(3)" in body["reasons"][0]


def test_a_restricted_person_is_denied_with_the_reason(store):
    activate, cli = store
    activate("004-bureau24.yaml")
    cli("consent", "record", "--email", "r@example.com", "--purpose", "marketing.communications.email", "--given")
    assert cli("subject", "restrict", "--email", "r@example.com", "--reason", "exactitude contestée").exit_code == 0
    body = decided(cli, "r@example.com")
    assert body["rule"] == "restriction" and "exactitude contestée" in body["reasons"][0]


def test_an_unknown_purpose_is_denied_with_a_reason(store):
    activate, cli = store
    activate("004-bureau24.yaml")
    body = decided(cli, "x@example.com", "marketing.telepathy")
    assert body["rule"] == "purpose.unknown"


def test_deciding_without_an_active_register_says_what_to_do(store):
    _, cli = store
    result = cli("decide", "--email", "x@example.com", "--purpose", "marketing")
    assert result.exit_code == 5 and "register activate" in result.stderr
