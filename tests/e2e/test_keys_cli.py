"""`egide keys rotate` end to end: a new master key file, the people's keys re-wrapped, the
requests still readable with the new key and no longer with the old one."""

from __future__ import annotations

import os
import stat

from tests.e2e.test_request_cli import EMAIL, cli, shown, smtp  # noqa: F401 (fixtures)


def submitted(cli) -> str:  # noqa: F811
    result = cli("request", "submit", "--right", "access", "--email", EMAIL, "--no-code")
    assert result.exit_code == 0, result.output
    return result.output.split(":")[0].strip()


def test_rotation_writes_a_new_master_key_and_the_requests_stay_readable(cli, smtp, tmp_path):  # noqa: F811
    reference = submitted(cli)
    keys = tmp_path / "data" / "keys"
    assert not (keys / "master.key").exists()  # until the first rotation the encryption key is the master
    result = cli("keys", "rotate")
    assert result.exit_code == 0, result.output
    assert "re-wrapped 1 person key(s)" in result.output
    master = keys / "master.key"
    assert stat.S_IMODE(os.stat(master).st_mode) == 0o600 and not (keys / "master.key.next").exists()
    assert shown(cli, reference)["claims"]["email"] == EMAIL  # opened through the new master
    first = master.read_text()
    again = cli("keys", "rotate")
    assert again.exit_code == 0 and master.read_text() != first
    assert shown(cli, reference)["claims"]["email"] == EMAIL


def test_a_store_read_with_the_old_master_key_fails_with_a_clear_error(cli, smtp, tmp_path, monkeypatch):  # noqa: F811
    reference = submitted(cli)
    old = (tmp_path / "data" / "keys" / "encryption.key").read_text().strip()
    assert cli("keys", "rotate").exit_code == 0
    monkeypatch.setenv("EGIDE_MASTER_KEY", old)
    result = cli("request", "show", reference, "--format", "json")
    assert result.exit_code != 0 and "another master key" in result.output
