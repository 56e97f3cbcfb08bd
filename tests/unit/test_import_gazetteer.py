"""Recipients named in a policy: known processors by canonical name, and kinds of recipient."""

from __future__ import annotations

import pytest

from egide.notice.importer.gazetteer import (
    find_generic_recipients,
    find_known_recipients,
)
from egide.notice.importer.text import fold
from egide.register.model import RecipientKind


def known(text: str) -> list[str]:
    return [m.known.key for m in find_known_recipients(text, fold(text))]


@pytest.mark.parametrize("text,keys", [
    ("Nous utilisons Google Analytics pour mesurer l'audience.", ["google-analytics"]),
    ("hébergé par OVH et payé via Stripe", ["ovh", "stripe"]),
    ("Meta Platforms Ireland Ltd et le pixel Facebook", ["facebook", "facebook-pixel"]),
    ("nos campagnes Sendinblue (Brevo) et Mailchimp", ["brevo", "brevo", "mailchimp"]),
    ("Amazon Web Services (AWS) héberge l'application", ["aws", "aws"]),
    ("paiements PayPal et Adyen", ["paypal", "adyen"]),
    ("CRM HubSpot puis Salesforce", ["hubspot", "salesforce"]),
    ("Microsoft Azure", ["microsoft"]),
])
def test_names_known_recipients_with_their_canonical_key(text, keys):
    assert known(text) == keys


def test_a_product_wins_over_its_company():
    assert known("les outils Google Analytics et Google Tag Manager") == ["google-analytics", "google-tag-manager"]


def test_browsers_are_not_recipients():
    assert known("Dans Google Chrome, ouvrez les paramètres ; sous Firefox ou Safari de même.") == []


def test_common_words_count_only_with_their_capital():
    assert known("une méta-analyse de l'amazone") == []
    assert known("Nous vendons sur Amazon") == ["amazon"]


def test_the_alias_sets_the_country_of_the_entity():
    text = "Google Ireland Limited et Google LLC"
    mentions = find_known_recipients(text, fold(text))
    assert [(m.known.key, m.country) for m in mentions] == [("google", "IE"), ("google", "US")]


@pytest.mark.parametrize("text,kind", [
    ("nos sous-traitants techniques", RecipientKind.processor),
    ("les autorités administratives ou judiciaires", RecipientKind.public_body),
    ("le commissaire aux comptes", RecipientKind.third_party),
    ("les sociétés de notre groupe", RecipientKind.group_company),
    ("le personnel habilité", RecipientKind.internal),
])
def test_reads_kinds_of_recipient(text, kind):
    assert [g.kind for g in find_generic_recipients(fold(text))][:1] == [kind]
