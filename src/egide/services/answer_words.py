"""The plain words of a request's answer, in the request's language (French first, English too):
what was found, erased, sent, corrected, limited or recorded. One table, so a line is never
written in one language only."""

from __future__ import annotations

from typing import Any

WORDS: dict[str, dict[str, str]] = {
    "fr": {
        "done": "Votre demande a été traitée.",
        "access.found": "Copie de vos données : {total} élément(s) trouvé(s) ; le rapport accompagne ce message.",
        "access.none": "Nous ne détenons aucune donnée vous concernant dans nos bases.",
        "erasure.none": "Nous ne détenions aucune donnée vous concernant.",
        "erasure.suppression": "Vos identifiants sont conservés sous forme chiffrée irréversible (liste de "
                               "suppression) pour qu'aucun import ne vous réinscrive à nos envois commerciaux.",
        "portability": "Vos données (celles que vous nous avez fournies) sont jointes au format JSON et CSV.",
        "rectification.done": "Corrigé : {table} ({count} ligne(s)).",
        "rectification.disputed": "Nous contestons cette correction ; votre déclaration est enregistrée et sera "
                                  "jointe à toute transmission de ces données.",
        "restriction": "Le traitement de vos données est limité : elles sont conservées mais ne sont plus "
                       "utilisées, sauf pour la constatation de droits en justice. Nous vous préviendrons avant "
                       "de lever cette limitation.",
        "objection": "Votre opposition à la prospection est enregistrée : vous ne recevrez plus de messages "
                     "commerciaux, sur aucun canal.",
        "withdrawal.done": "Consentement(s) retiré(s) : {purposes}.",
        "withdrawal.none": "Aucun consentement en cours à retirer.",
    },
    "en": {
        "done": "Your request has been handled.",
        "access.found": "A copy of your data: {total} item(s) found; the report comes with this message.",
        "access.none": "We hold no data about you in our databases.",
        "erasure.none": "We held no data about you.",
        "erasure.suppression": "Your identifiers are kept in an irreversibly encrypted form (a suppression list) "
                               "so that no import signs you up to our marketing again.",
        "portability": "Your data (what you gave us) is attached as JSON and CSV.",
        "rectification.done": "Corrected: {table} ({count} row(s)).",
        "rectification.disputed": "We dispute this correction; your statement is recorded and will go with any "
                                  "disclosure of this data.",
        "restriction": "The processing of your data is restricted: it is kept but no longer used, except to "
                       "establish legal claims. We will tell you before lifting the restriction.",
        "objection": "Your objection to direct marketing is recorded: you will receive no more marketing "
                     "messages, on any channel.",
        "withdrawal.done": "Consent(s) withdrawn: {purposes}.",
        "withdrawal.none": "No consent in force to withdraw.",
    },
}


def say(key: str, language: str | None, **values: Any) -> str:
    """The line ``key`` in ``language`` (French unless English), with ``values`` filled in."""
    return WORDS["en" if language == "en" else "fr"][key].format(**values)
