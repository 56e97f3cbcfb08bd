"""The importer reads a well-structured policy by its structure: wrapped lines, lists announced by a
lead-in, labelled lines, recipients grouped under headings, retention cards and tables, web pages."""

from __future__ import annotations

import textwrap

from egide.notice.importer import draft_from_text
from egide.notice.importer.html_text import html_to_text
from egide.notice.importer.text import segment_policy

INTRO = ("Cette politique explique quelles données personnelles nous traitons, pourquoi nous les traitons et "
         "combien de temps nous les conservons, ainsi que vos droits sur vos données.")


def categories(draft) -> set[str]:
    return {c["key"] for a in draft.register["activities"] for c in a["data_categories"]}


def purposes(draft) -> set[str]:
    return {p["use"] for a in draft.register["activities"] for p in a["purposes"]}


def test_a_hard_wrapped_text_reads_as_whole_sentences_and_quotes_the_lines_as_written():
    paragraphs = [INTRO] * 4 + ["Nous conservons vos factures et les pièces comptables qui les accompagnent pendant "
                                "une durée de dix ans à compter de la date de la transaction, comme la loi l'exige."]
    text = "\n\n".join(textwrap.fill(p, width=60) for p in paragraphs) + "\n"
    draft = draft_from_text(text)
    rule = next(r for r in draft.register["retention"] if r["duration"] == "P10Y")
    assert rule["clock"] == "transaction_date"
    assert "\n" in rule["source_quote"] and rule["source_quote"] in text


def test_items_named_by_the_label_of_a_category_give_its_key():
    text = f"{INTRO}\n\nQuelles données collectons-nous :\n\n- Adresse e-mail\n- Coordonnées\n- Historique d'achats\n"
    assert categories(draft_from_text(text)) >= {"user.contact.email", "user.contact", "user.behavior.purchase_history"}


def test_a_labelled_line_is_read_only_for_what_its_label_announces():
    text = (f"{INTRO}\n\n## Gestion des commandes\n\nFinalité : gérer vos commandes et leur livraison.\n"
            "Base légale : exécution du contrat.\n"
            "Destinataires : nos prestataires de paiement, notre hébergeur.\n"
            "Pour retirer votre consentement : dans les paramètres de votre navigateur.\n"
            "Durée de conservation : 3 ans après la fin du contrat.\n")
    draft = draft_from_text(text)
    assert "essential.service" in purposes(draft)
    assert "essential.service.payment_processing" not in purposes(draft)  # the recipients' line says who, not why
    assert "user.device" not in categories(draft)  # where to refuse, not the browser's data
    assert [(r["duration"], r["clock"]) for r in draft.register["retention"]] == [("P3Y", "contract_end")]
    assert {r["name"] for r in draft.register["recipients"]} >= {"Prestataire de paiement", "Hébergeur"}


def test_a_list_of_recipients_under_kind_headings_gives_one_recipient_per_item():
    text = (f"{INTRO}\n\n## Qui reçoit vos données ?\n\n### Nos prestataires (sous-traitants)\n\n"
            "- Hébergeur du site (France)\n- Google (Google Analytics)\n\n"
            "### Les autorités et organismes publics\n\n- Administration fiscale\n\n"
            "Destinataires des commandes : Google (Google Analytics) ; Administration fiscale.\n")
    recipients = {r["name"]: r for r in draft_from_text(text).register["recipients"]}
    assert set(recipients) == {"Hébergeur du site", "Google (Google Analytics)", "Administration fiscale"}
    assert recipients["Hébergeur du site"]["country"] == "FR"
    assert recipients["Google (Google Analytics)"]["kind"] == "processor"
    assert recipients["Administration fiscale"]["kind"] == "public_body"


def test_a_retention_card_reads_its_until_line_and_its_archive_line_as_one_rule():
    heading = "COMBIEN DE TEMPS CONSERVONS-NOUS VOS DONNÉES ?"
    text = (f"{INTRO}\n\n{heading}\n{'-' * len(heading)}\n\n"
            "  - Factures\n      Durée : jusqu'à la date de la transaction\n"
            "      À la fin : archivées 10 ans (accès restreint), puis supprimées\n"
            "  - Compte client\n      Durée : jusqu'à la suppression de votre compte\n")
    rules = [(r["duration"], r["clock"], r.get("archive_for")) for r in draft_from_text(text).register["retention"]]
    assert rules == [("P0D", "transaction_date", "P10Y"), ("P0D", "account_deletion", None)]


def test_cookie_lifetimes_and_the_memory_of_the_cookie_choice_are_not_retention_rules():
    text = (f"{INTRO}\n\n## Cookies et traceurs\n\nNous conservons votre choix pendant six mois.\n\n"
            "| Cookie | Déposé par | Finalité | Durée de vie |\n|---|---|---|---|\n"
            "| _ga | Google Analytics | Mesure d'audience et publicité ciblée | 13 mois |\n")
    draft = draft_from_text(text)
    assert draft.register["retention"] == []
    assert "marketing.advertising.third_party.targeted" not in purposes(draft)  # the cookie's, not a processing's


def test_headings_may_be_underlined_or_in_bold():
    text = "Titre\n=====\n\nSection\n-------\n\n**Pourquoi**\n\n- Répondre à vos demandes\n"
    sections = {s.text: s.section for s in segment_policy(text, "fr").segments}
    assert sections["Répondre à vos demandes"] == "titre / section / **pourquoi**"


def test_a_web_page_is_read_as_its_headings_lists_and_tables():
    page = ("<!DOCTYPE html><html><head><title>x</title><style>p{}</style></head><body><nav><a>Menu</a></nav>"
            f"<h1>Politique</h1><p>{INTRO}</p><h2>Quelles données ?</h2><p><strong>Données collectées</strong></p>"
            "<ul><li>Adresse e-mail<br><span>Source : vous-même</span></li><li>Numéro de téléphone</li></ul>"
            "<table><thead><tr><th>Données</th><th>Durée de conservation</th></tr></thead>"
            "<tbody><tr><td>Compte</td><td>3 ans après votre dernière activité</td></tr></tbody></table>"
            "</body></html>")
    text = html_to_text(page)
    assert "# Politique" in text and "- Adresse e-mail\n    Source : vous-même" in text and "Menu" not in text
    assert "| Données | Durée de conservation |\n| Compte | 3 ans après votre dernière activité |" in text
    draft = draft_from_text(page)
    assert categories(draft) >= {"user.contact.email", "user.contact.phone_number"}
    assert [(r["duration"], r["clock"]) for r in draft.register["retention"]] == [("P3Y", "last_activity")]
