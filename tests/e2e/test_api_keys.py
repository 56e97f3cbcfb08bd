"""API keys over the HTTP API and the `egide account` / `egide apikey` commands, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from egide.adapters.cli.main import app as cli
from egide.adapters.http.app import create_app
from egide.adapters.store.tables import accounts as accounts_table
from egide.adapters.store.tables import api_keys as api_keys_table
from egide.services import accounts

DESK = "/api/v1/desk/requests"


def test_without_token_or_key_the_api_stays_open_as_on_a_fresh_install(app) -> None:  # type: ignore[no-untyped-def]
    with TestClient(create_app(app)) as client:
        assert client.get(DESK).status_code == 200


def test_once_a_key_exists_the_staff_api_needs_a_key_whose_scopes_cover_the_path(app) -> None:  # type: ignore[no-untyped-def]
    _, desk_key = accounts.create_api_key(app.store, name="helpdesk", scopes=["requests"], actor="test")
    _, decisions_key = accounts.create_api_key(app.store, name="crm", scopes=["decisions"], actor="test")
    with TestClient(create_app(app)) as client:
        assert client.get(DESK).status_code == 401
        assert client.get(DESK, headers={"authorization": "Bearer egide_00000000_forged"}).status_code == 401
        wrong = client.get(DESK, headers={"authorization": f"Bearer {decisions_key}"})
        assert wrong.status_code == 403 and wrong.json()["error"]["code"] == "forbidden"
        right = client.get(DESK, headers={"authorization": f"Bearer {desk_key}"})
        assert right.status_code == 200 and isinstance(right.json(), list)
        assert client.get("/healthz").status_code == 200  # not an API area


def test_a_revoked_key_stops_opening_the_api(app) -> None:  # type: ignore[no-untyped-def]
    key, secret = accounts.create_api_key(app.store, name="helpdesk", scopes=["requests"], actor="test")
    accounts.create_api_key(app.store, name="other", scopes=["requests"], actor="test")
    accounts.revoke_api_key(app.store, key.prefix, actor="test")
    with TestClient(create_app(app)) as client:
        assert client.get(DESK, headers={"authorization": f"Bearer {secret}"}).status_code == 401


def test_the_key_is_stored_only_as_its_hash_and_its_creation_is_audited(app) -> None:  # type: ignore[no-untyped-def]
    key, secret = accounts.create_api_key(app.store, name="crm", scopes=["decisions", "consents"], actor="test")
    with app.store.unit_of_work(read_only=True) as uow:
        stored = uow.connection.execute(select(api_keys_table)).one()
        events = uow.audit.search(object_type="api_key", object_id=key.prefix, actor=None, limit=10)
    assert secret.split("_", 2)[2] not in str(tuple(stored))
    assert stored.scopes == "decisions consents"
    assert [e.action for e in events] == ["api_key.created"]


def test_a_password_is_stored_as_an_argon2id_hash(app) -> None:  # type: ignore[no-untyped-def]
    accounts.create_account(app.store, username="dpo", role="dpo", password="Corr3ct-Horse-Battery!", actor="test")
    with app.store.unit_of_work(read_only=True) as uow:
        stored = uow.connection.execute(select(accounts_table.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and "Corr3ct" not in stored


def test_a_weak_password_is_refused_with_the_cnil_rule_named(app) -> None:  # type: ignore[no-untyped-def]
    from egide.domain.errors import InvalidInputError

    with pytest.raises(InvalidInputError) as refused:
        accounts.create_account(app.store, username="agent", role="agent", password="password1234", actor="test")
    assert refused.value.problems[0].path == "password" and "80" in refused.value.problems[0].message
    assert accounts.list_accounts(app.store) == []


def test_the_account_and_apikey_commands_create_list_disable_and_revoke(settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from egide.bootstrap import initialise

    initialise(settings)
    monkeypatch.setenv("EGIDE_DATABASE_URL", settings.resolved_database_url)
    runner, base = CliRunner(), ["--data-dir", str(settings.data_dir)]
    made = runner.invoke(cli, base + ["account", "create", "dpo@example.com", "--role", "dpo", "--password-stdin"],
                         input="Corr3ct-Horse-Battery!\n")
    assert made.exit_code == 0, made.output
    admin = runner.invoke(cli, base + ["account", "create", "root", "--role", "admin", "--generate"])
    assert admin.exit_code == 0 and "password (shown once): " in admin.output
    weak = runner.invoke(cli, base + ["account", "create", "x1", "--role", "agent", "--password-stdin"], input="abc\n")
    assert weak.exit_code == 2 and "80 are needed" in weak.output
    assert runner.invoke(cli, base + ["account", "disable", "root"]).exit_code == 4  # the last admin stays
    assert runner.invoke(cli, base + ["account", "disable", "DPO@example.com"]).exit_code == 0
    listed = runner.invoke(cli, base + ["account", "list"]).output
    assert "dpo@example.com" in listed and "disabled" in listed and "root" in listed
    key = runner.invoke(cli, base + ["apikey", "create", "crm", "--scope", "decisions"])
    assert key.exit_code == 0 and "egide_" in key.output
    prefix = key.output.split()[3]
    assert "decisions" in runner.invoke(cli, base + ["apikey", "list"]).output
    assert runner.invoke(cli, base + ["apikey", "revoke", prefix]).exit_code == 0
    assert "revoked" in runner.invoke(cli, base + ["apikey", "list"]).output
