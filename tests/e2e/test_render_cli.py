"""`egide register render` as a person runs it: the notice, the changes notice, overrides, errors."""

from __future__ import annotations

import copy

import pytest
from typer.testing import CliRunner

from egide.adapters.cli.main import app
from tests.conftest import EXAMPLES, dump_yaml

runner = CliRunner()
BUREAU24 = EXAMPLES / "004-bureau24.yaml"


def run(*args):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


@pytest.mark.parametrize("lang,heading", [
    ("fr", "Combien de temps conservons-nous vos données ?"),
    ("en", "How long do we keep your data?"),
])
def test_render_prints_the_complete_notice_of_bureau24_as_an_html_page(lang, heading):
    result = run("register", "render", BUREAU24, "--lang", lang)
    assert result.exit_code == 0, result.output
    page = result.stdout
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert heading in page and "bureau24" in page and "dataprivacy@bureau24.fr" in page
    assert "SnapEngage LLC" in page and "Cookies Google Analytics" in page and "14 " in page


@pytest.mark.parametrize("fmt,marker", [("html", "<h2"), ("md", "\n## "), ("txt", "\n-----")])
def test_render_writes_each_format(fmt, marker):
    result = run("register", "render", BUREAU24, "--lang", "fr", "--format", fmt)
    assert result.exit_code == 0
    assert marker in result.stdout and "bureau24" in result.stdout


def test_render_uses_the_register_language_by_default():
    result = run("register", "render", BUREAU24, "--format", "md")
    assert result.exit_code == 0 and "## Qui sommes-nous ?" in result.stdout


def test_render_refuses_an_unknown_language_with_exit_2():
    result = run("register", "render", BUREAU24, "--lang", "de")
    assert result.exit_code == 2
    assert "unknown notice language 'de'" in result.stderr and "fr and en" in result.stderr
    assert result.stdout == ""


def test_render_refuses_an_invalid_register_with_exit_2(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("policy: [\n")
    result = run("register", "render", bad)
    assert result.exit_code == 2 and str(bad) in result.stderr


def test_render_diff_prints_what_changed_major_first(clean_register, tmp_path):
    old = dump_yaml(clean_register, tmp_path / "old.yaml")
    changed = copy.deepcopy(clean_register)
    changed["policy"]["version"] = "2026-06"
    changed["recipients"].append({"key": "crm", "name": "CRM Cloud Inc.", "kind": "processor", "dpa": True,
                                  "country": "US"})
    changed["activities"][0]["recipients"].append("crm")
    changed["activities"][0]["transfers"] = [{"country": "US", "recipient": "crm",
                                              "safeguard": "standard_contractual_clauses"}]
    new = dump_yaml(changed, tmp_path / "new.yaml")
    result = run("register", "render", new, "--diff", old, "--lang", "fr", "--format", "txt")
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "CHANGEMENTS IMPORTANTS" in text and "« 2026-06 »" in text
    assert "nouveau transfert hors de l'Europe — États-Unis (CRM Cloud Inc.) ; garantie : clauses contractuelles types" in text
    assert "Nouveau destinataire : CRM Cloud Inc." in text


def test_render_with_a_templates_directory_uses_the_company_template(tmp_path):
    (tmp_path / "tpl" / "en").mkdir(parents=True)
    (tmp_path / "tpl" / "en" / "notice.txt.j2").write_text("{{ controller }}: {{ rights|length }} rights\n")
    result = run("register", "render", BUREAU24, "--lang", "en", "--format", "txt", "--templates", tmp_path / "tpl")
    assert result.exit_code == 0 and result.stdout == "bureau24: 8 rights\n"


def test_render_with_a_missing_templates_directory_exits_2(tmp_path):
    result = run("register", "render", BUREAU24, "--templates", tmp_path / "nowhere")
    assert result.exit_code == 2 and "not a directory of notice templates" in result.stderr


def test_render_output_writes_the_file(tmp_path):
    target = tmp_path / "notice.html"
    result = run("register", "render", BUREAU24, "--lang", "en", "-o", target)
    assert result.exit_code == 0 and result.stdout == ""
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
