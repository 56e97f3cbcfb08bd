"""The privacy notice rendered from the register: everything art. 13 and 14 need, in each language."""

from __future__ import annotations

import copy
import html
import re

import pytest

from egide.domain.durations import Duration
from egide.domain.errors import InvalidInputError
from egide.notice import vocabulary as v
from egide.notice.changes import build_changes, render_changes
from egide.notice.countries import country_name
from egide.notice.render import build_notice, render_notice
from egide.notice.taxonomy_labels import DATA_CATEGORIES, DATA_SUBJECTS, DATA_USES, taxonomy_label
from egide.notice.templating import fill
from egide.register.loader import load_register
from egide.register.model import Register
from tests.conftest import EXAMPLES
from tests.unit.registers import load_dict

REGISTERS = sorted(EXAMPLES.glob("*.yaml"))


def words(text: str) -> str:
    """Whitespace collapsed, so a value wrapped over two lines still counts as present."""
    return " ".join(text.split())


def readable(output: str, fmt: str) -> str:
    """The output as a reader sees it: HTML entities and Markdown escapes undone."""
    if fmt == "html":
        output = html.unescape(re.sub(r"<[^>]+>", " ", output))
    if fmt == "md":
        output = html.unescape(output.replace("\\|", "|"))
    return words(output)


def art13_fields(register: Register, lang: str) -> list[str]:
    """Every value of the register that art. 13 and 14 need in the notice, as the reader sees it."""
    expected = [register.controller.name]
    if register.dpo and register.dpo.email:
        expected.append(register.dpo.email)
    if register.supervisory_authority:
        expected.append(register.supervisory_authority.name)
    for activity in register.activities:
        expected.append(activity.name)
        for p in activity.purposes:
            expected += [v.legal_basis_label(p.legal_basis, lang), v.legal_basis_article(p.legal_basis, lang)]
            expected += [p.legitimate_interest] if p.legitimate_interest else []
        for c in activity.data_categories:
            expected += [c.if_not_provided] if c.if_not_provided else []
            expected += [c.source_name] if c.source_name else []
        for t in activity.transfers:
            expected.append(country_name(t.country, lang))
        for d in activity.automated_decisions:
            expected += [d.description] + ([d.logic] if d.logic else []) + ([d.significance] if d.significance else [])
    expected += [r.name for r in register.recipients]
    for rule in register.retention:
        for period in (rule.duration, rule.archive_for):
            if period and not Duration.parse(period).is_zero():
                expected.append(v.duration_words(period, lang))
    expected += [v.right_name(r, lang) for r in register.rights.offered]
    expected += [c.name for c in register.cookies] + [c.purpose for c in register.cookies]
    return [words(e) for e in expected]


@pytest.mark.parametrize("fmt", ["html", "md", "txt"])
@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("path", REGISTERS, ids=[p.stem for p in REGISTERS])
def test_every_art13_field_of_the_register_appears_in_the_notice(path, lang, fmt):
    register = load_register(path).register
    text = readable(render_notice(register, lang, fmt), fmt)
    text = text.casefold()  # a consequence may start in lower case after "À défaut :"
    missing = [field for field in art13_fields(register, lang) if field.casefold() not in text]
    assert not missing, f"{path.name} ({lang}, {fmt}) lacks: {missing}"


@pytest.mark.parametrize("lang,heading,end", [
    ("fr", "## Combien de temps conservons-nous vos données ?", "## Prenons-nous"),
    ("en", "## How long do we keep your data?", "## Do we make"),
])
def test_every_retention_period_is_in_the_one_how_long_section(lang, heading, end):
    register = load_register(EXAMPLES / "004-bureau24.yaml").register
    text = render_notice(register, lang, "md")
    section = text[text.index(heading):text.index(end)]
    for rule in register.retention:
        if rule.duration and not Duration.parse(rule.duration).is_zero():
            assert v.duration_words(rule.duration, lang) in section
    hold = {"fr": "tant qu'un incident de sécurité est en cours", "en": "while a security incident is open"}[lang]
    assert hold in section
    assert section.count("\n| ") == 1 + sum(1 for r in register.retention if r.duration)  # header + one row per rule


def test_the_french_notice_reads_in_french():
    register = load_register(EXAMPLES / "004-bureau24.yaml").register
    text = words(render_notice(register, "fr", "md"))
    assert "## Combien de temps conservons-nous vos données ?" in text
    assert "Base légale : exécution du contrat (art. 6(1)(b) RGPD)" in text
    assert "Entrée en vigueur : 26 avril 2021" in text
    assert "Nous vous répondons dans un délai d'un mois" in text and "prolongé de deux mois" in text
    assert "3 ans après la fin de l'année de la collecte" in text
    assert "Jusqu'au traitement complet de votre commande".lower() in text.lower()
    assert "résidence habituelle" in text  # no authority named: the generic right to complain


def test_the_english_notice_reads_in_english_and_says_which_texts_stay_french():
    register = load_register(EXAMPLES / "004-bureau24.yaml").register
    text = words(render_notice(register, "en", "txt"))
    assert "HOW LONG DO WE KEEP YOUR DATA?" in text
    assert "Legal basis: performance of a contract (art. 6(1)(b) GDPR)" in text
    assert "Effective date: 26 April 2021" in text
    assert "We answer within one month" in text and "extended by two months" in text
    assert "Some names and quotations below are in French" in text
    assert "the United States" in text


def test_an_undated_register_says_so_in_the_header():
    register = load_register(EXAMPLES / "001-ozio.yaml").register
    assert build_notice(register, "fr").effective_date == "non datée"
    assert build_notice(register, "en").effective_date == "undated"
    assert "Entrée en vigueur : non datée" in render_notice(register, "fr", "md")


def test_a_dpo_note_in_english_stays_out_of_the_french_notice_and_french_details_stay_in():
    register = load_register(EXAMPLES / "004-bureau24.yaml").register
    text = words(render_notice(register, "fr", "md"))
    assert "Nom de l'entreprise ou de l'organisation : nom de la société (facultatif)" in text
    assert "Required on the contact form" not in text
    assert "The text states no basis" not in text
    english = words(render_notice(register, "en", "md"))
    assert "Nom de la société" not in english  # a French detail is not quoted in the English notice


def test_a_field_holding_a_script_is_escaped_in_html_and_markdown(clean_register, tmp_path):
    data = copy.deepcopy(clean_register)
    data["controller"]["name"] = "<script>alert('x')</script> SAS"
    data["activities"][0]["purposes"][0] = {"use": "essential.service", "legal_basis": "legitimate_interests",
                                            "legitimate_interest": "<img src=x onerror=alert(1)>"}
    register = load_dict(data, tmp_path).register
    page = render_notice(register, "fr", "html")
    assert "<script" not in page and "<img" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; SAS" in page
    markdown = render_notice(register, "fr", "md")
    assert "<script" not in markdown and "&lt;script&gt;" in markdown


def test_the_html_notice_is_a_standalone_page_without_scripts_or_external_resources():
    register = load_register(EXAMPLES / "004-bureau24.yaml").register
    page = render_notice(register, "en", "html")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en">' in page and "<style>" in page
    assert "<script" not in page and "<link" not in page and "src=" not in page


@pytest.mark.parametrize("lang", ["de", "FR", ""])
def test_an_unknown_language_is_refused_with_the_languages_offered(clean_register, tmp_path, lang):
    register = load_dict(clean_register, tmp_path).register
    with pytest.raises(InvalidInputError, match="fr and en"):
        render_notice(register, lang, "md")


def test_an_override_directory_replaces_one_template_and_keeps_the_others(clean_register, tmp_path):
    register = load_dict(clean_register, tmp_path).register
    (tmp_path / "tpl" / "fr").mkdir(parents=True)
    (tmp_path / "tpl" / "fr" / "notice.md.j2").write_text("Chez {{ controller }}, nous sommes brefs.\n")
    assert render_notice(register, "fr", "md", tmp_path / "tpl") == "Chez Exemple SAS, nous sommes brefs.\n"
    assert render_notice(register, "fr", "html", tmp_path / "tpl") == render_notice(register, "fr", "html")


def test_a_broken_override_template_is_reported_with_its_file_and_line(clean_register, tmp_path):
    register = load_dict(clean_register, tmp_path).register
    (tmp_path / "tpl" / "en").mkdir(parents=True)
    (tmp_path / "tpl" / "en" / "notice.txt.j2").write_text("Hello\n{% if controller %}\n")
    with pytest.raises(InvalidInputError, match=r"notice\.txt\.j2:\d"):
        render_notice(register, "en", "txt", tmp_path / "tpl")
    (tmp_path / "tpl" / "en" / "notice.txt.j2").write_text("{{ no_such_field }}\n")
    with pytest.raises(InvalidInputError, match="no_such_field"):
        render_notice(register, "en", "txt", tmp_path / "tpl")


def test_every_fideslang_key_has_a_label_in_both_languages():
    from fideslang import DEFAULT_TAXONOMY

    for table, keys in ((DATA_CATEGORIES, DEFAULT_TAXONOMY.data_category), (DATA_USES, DEFAULT_TAXONOMY.data_use),
                        (DATA_SUBJECTS, DEFAULT_TAXONOMY.data_subject)):
        missing = [k.fides_key for k in keys if k.fides_key not in table]
        assert not missing
        assert all(fr and en for fr, en in table.values())


def test_a_custom_key_uses_the_register_name_in_its_language_and_words_otherwise():
    register = load_register(EXAMPLES / "004-bureau24.yaml").register
    assert taxonomy_label("data_category", "user.financial.credit_score", "fr", register) == "score de solvabilité"
    assert taxonomy_label("data_category", "user.financial.credit_score", "en", register) == "credit score"
    assert taxonomy_label("data_use", "finance.credit_assessment", "en", register) == "managing our finances"


def test_retention_periods_read_as_plain_sentences():
    register = load_register(EXAMPLES / "002-okasio.yaml").register
    rows = {r.data: r for r in build_notice(register, "fr").retention}
    proof = rows["Paiement des Prestations et Activités (STRIPE) — données de carte bancaire"]
    assert proof.period == "Jusqu'à la date de la transaction"
    assert proof.end == "Archivées 13 mois (accès restreint), puis supprimées"
    assert "Code monétaire et financier, art. L133-24" in (proof.reason or "")


def test_plain_text_keeps_french_punctuation_with_its_word_and_stays_narrow():
    text = fill("Notre intérêt légitime : « " + "une phrase assez longue " * 6 + "» ; fin", 6)
    assert all(len(line) <= 88 for line in text.splitlines()) and len(text.splitlines()) > 1
    for line in text.splitlines():
        assert not line.lstrip().startswith((":", ";", "»"))


def test_the_changes_notice_puts_major_changes_first_in_plain_words(clean_register, tmp_path):
    new = copy.deepcopy(clean_register)
    new["policy"].update(version="2026-06", effective_date="2026-06-01")
    new["retention"][0]["duration"] = "P10Y"
    new["retention"][1]["duration"] = "P1Y"
    new["activities"][0]["purposes"].append({"use": "analytics.reporting", "legal_basis": "legitimate_interests",
                                             "legitimate_interest": "améliorer le service"})
    old_register = load_dict(clean_register, tmp_path, "old.yaml").register
    new_register = load_dict(new, tmp_path, "new.yaml").register
    view = build_changes(old_register, new_register, "fr")
    assert [c.major for c in view.major + view.minor] == [True, True, False]
    texts = " ".join(c.text for c in view.major)
    assert "« Gestion des clients » : nouvelle finalité — établir des statistiques d'utilisation" in texts
    assert "vos données sont conservées plus longtemps — 10 ans après la fin du contrat (auparavant 5 ans après la fin du contrat)" in texts
    assert "vos données sont conservées moins longtemps — 1 an après notre dernier contact avec vous" in view.minor[0].text
    page = render_changes(old_register, new_register, "fr", "md")
    assert page.index("## Changements importants") < page.index("## Autres changements")
    assert "la version « 2026-06 » remplace la version « 2026-01 » à compter du 1er juin 2026" in page
    english = render_changes(old_register, new_register, "en", "txt")
    assert "IMPORTANT CHANGES" in english and "kept longer — 10 years after the contract ends" in words(english)


def test_the_changes_notice_of_an_unchanged_register_says_nothing_changes(clean_register, tmp_path):
    register = load_dict(clean_register, tmp_path).register
    assert "Aucun changement" in render_changes(register, register, "fr", "html")
