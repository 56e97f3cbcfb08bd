"""Bad input to `egide register import`: a clear message, no stack trace, exit status 2."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from egide.adapters.cli.main import app
from egide.domain.errors import UnreadableInputError
from egide.notice.importer import draft_from_file

runner = CliRunner()

GERMAN = ("Datenschutzerklärung. Wir verarbeiten Ihre personenbezogenen Daten nur im Rahmen der gesetzlichen "
          "Bestimmungen. Die Daten werden nicht an Dritte weitergegeben, es sei denn, Sie haben ausdrücklich "
          "eingewilligt. Sie haben jederzeit das Recht auf Auskunft über die bei uns gespeicherten Daten und auf "
          "Berichtigung, Sperrung oder Löschung dieser Daten. Bitte wenden Sie sich dazu an unseren "
          "Datenschutzbeauftragten.")
CHINESE = "隐私政策。我们非常重视您的个人信息和隐私保护。我们会收集您的姓名、电话号码和电子邮件地址，用于提供服务。" * 5


def import_file(tmp_path, content: bytes | str, name: str = "policy.txt"):
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return runner.invoke(app, ["register", "import", str(path)]), path


@pytest.mark.parametrize("content,needle", [
    ("", "is empty"),
    ("   \n\n  \t ", "is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00" * 50, "binary"),
    (GERMAN, "neither French nor English"),
    (CHINESE, "French or English"),
])
def test_refuses_bad_input_with_a_message_and_exit_2(tmp_path, content, needle):
    result, path = import_file(tmp_path, content)
    assert result.exit_code == 2
    assert needle in result.stderr and str(path) in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_refuses_a_5_mb_file(tmp_path):
    line = "Nous conservons vos données pendant trois ans à compter du dernier contact.\n"
    result, _ = import_file(tmp_path, line * (5 * 1024 * 1024 // len(line) + 1))
    assert result.exit_code == 2
    assert "more than a privacy policy holds" in result.stderr


def test_refuses_a_missing_file_and_a_directory(tmp_path):
    missing = runner.invoke(app, ["register", "import", str(tmp_path / "absent.txt")])
    folder = runner.invoke(app, ["register", "import", str(tmp_path)])
    assert (missing.exit_code, folder.exit_code) == (2, 2)
    assert "no such file" in missing.stderr and "is a directory" in folder.stderr


def test_the_library_raises_unreadable_input(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text("")
    with pytest.raises(UnreadableInputError):
        draft_from_file(path)


def test_a_windows_1252_policy_is_read(tmp_path):
    text = ("Politique de confidentialité. Nous conservons vos données de prospection pendant trois ans à compter "
            "du dernier contact, puis nous les supprimons. Vous disposez d'un droit d'accès à vos données.")
    path = tmp_path / "cp1252.txt"
    path.write_bytes(text.encode("cp1252"))
    draft = draft_from_file(path)
    assert ("P3Y", "last_contact") in {(r["duration"], r["clock"]) for r in draft.register["retention"]}


def test_the_cli_prints_yaml_by_default_and_json_on_request(tmp_path):
    text = ("Politique de confidentialité. La société Exemple SAS, immatriculée au RCS de Lyon sous le numéro "
            "123 456 789, traite vos données. Nous utilisons votre adresse e-mail pour vous envoyer notre newsletter "
            "avec votre consentement. Vous pouvez vous désinscrire à tout moment.")
    path = tmp_path / "p.txt"
    path.write_text(text, encoding="utf-8")
    as_yaml = runner.invoke(app, ["register", "import", str(path)])
    as_json = runner.invoke(app, ["register", "import", str(path), "--format", "json", "--lang", "fr"])
    assert as_yaml.exit_code == 0 and as_yaml.stdout.startswith("# Draft register")
    assert as_json.exit_code == 0 and '"register"' in as_json.stdout


def test_the_draft_passes_register_check(tmp_path):
    from tests.unit.test_import_policy import FICTIVE

    draft = runner.invoke(app, ["register", "import", str(FICTIVE)])
    path = tmp_path / "draft.yaml"
    path.write_text(draft.stdout, encoding="utf-8")
    check = runner.invoke(app, ["register", "check", str(path)])
    assert check.exit_code in (0, 1), check.stdout
    assert "valid register of Lumière Verte" in check.stdout
