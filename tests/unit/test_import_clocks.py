"""What starts a retention period, read from the words after (or before) the period."""

from __future__ import annotations

import pytest

from egide.notice.importer.clocks import default_clock, find_clock, while_form
from egide.notice.importer.durations import find_periods
from egide.notice.importer.text import fold


def clock_after_period(text: str) -> str | None:
    norm = fold(text)
    period = find_periods(norm)[0]
    match = find_clock(norm, period.end) or find_clock(norm, 0, period.start)
    return match.clock.value if match else None


@pytest.mark.parametrize("text,clock", [
    ("5 ans à compter de la dernière commande", "last_order"),
    ("13 mois suivant la date de débit", "transaction_date"),
    ("3 ans à compter de la fin de notre relation commerciale", "contract_end"),
    ("10 ans après la résiliation", "contract_end"),
    ("3 ans à compter du dernier contact", "last_contact"),
    ("3 ans à compter de leur collecte ou du dernier contact émanant du prospect", "last_contact"),
    ("3 mois après la suppression de votre compte", "account_deletion"),
    ("2 ans à compter de la dernière connexion", "last_activity"),
    ("1 an à compter de la clôture de votre demande", "request_resolved"),
    ("trois ans à compter de l'exercice du droit d'opposition", "objection_made"),
    ("13 mois à compter du dépôt du cookie", "collection"),
    ("6 mois à compter de leur collecte", "collection"),
    ("3 ans à compter de la fin de l'année au cours de laquelle les données ont été collectées", "end_of_collection_year"),
    ("6 mois après la fin du jeu concours", "event_end"),
    ("5 years after the end of the contract", "contract_end"),
    ("2 years from your last login", "last_activity"),
    ("À compter de la fin du contrat, les données sont gardées 5 ans", "contract_end"),
])
def test_reads_the_event_that_starts_the_period(text, clock):
    assert clock_after_period(text) == clock


def test_an_event_without_a_trigger_word_is_not_a_clock():
    assert clock_after_period("les données collectées sont gardées 3 ans") is None


@pytest.mark.parametrize("text,clock", [
    ("pendant toute la durée du contrat", "contract_end"),
    ("jusqu'à la fin de la relation commerciale", "contract_end"),
    ("pendant la durée de la relation contractuelle", "contract_end"),
    ("tant que votre compte est actif", "account_deletion"),
    ("pendant le temps de votre inscription sur le site", "account_deletion"),
    ("jusqu'au retrait de votre consentement", "consent_withdrawn"),
    ("en cas de révocation, les données sont supprimées", "consent_withdrawn"),
    ("jusqu'au traitement complet de votre commande", "order_completed"),
    ("dès que votre demande aura été résolue", "request_resolved"),
    ("for the duration of your subscription", "contract_end"),
    ("until you delete your account", "account_deletion"),
])
def test_reads_periods_that_last_while_something_holds(text, clock):
    match = while_form(fold(text))
    assert match is not None and match.clock.value == clock


@pytest.mark.parametrize("text,clock", [
    ("les données des prospects", "last_contact"),
    ("les factures et pièces comptables", "transaction_date"),
    ("les cookies", "collection"),
    ("les enregistrements des appels au service client", "collection"),
    ("les données des clients", "contract_end"),
    ("les journaux techniques", "collection"),
])
def test_assumes_the_usual_event_when_the_text_states_none(text, clock):
    assert default_clock(fold(text)).value == clock
