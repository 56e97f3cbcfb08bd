"""`egide register import` on texts: a fictional French policy, an English one, and the five seeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from egide.notice.importer import draft_from_file, draft_from_text
from egide.notice.importer.output import draft_json, draft_yaml
from egide.register.loader import parse_register
from egide.register.model import Register
from tests.conftest import SEEDS

FICTIVE = Path(__file__).parent / "data" / "politique_fictive.txt"


@pytest.fixture(scope="module")
def fictive():
    return draft_from_file(FICTIVE)


def quotes(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "source_quote" and value is not None:
                yield value
            else:
                yield from quotes(value)
    elif isinstance(node, list):
        for value in node:
            yield from quotes(value)


def test_the_controller_is_read_with_form_registration_address_and_email(fictive):
    controller = fictive.register["controller"]
    assert controller["name"] == "Lumière Verte"
    assert controller["legal_form"] == "SAS"
    assert controller["registration"] == "RCS Nantes 912 345 678"
    assert controller["address"] == "12 rue des Lilas, 44000 Nantes"
    assert controller["email"] == "contact@example.com"
    assert fictive.register["dpo"]["email"] == "dpo@example.com"
    assert fictive.register["supervisory_authority"]["country"] == "FR"
    assert str(fictive.register["policy"]["effective_date"]) == "2024-03-03"


def test_categories_are_fideslang_keys_at_full_depth(fictive):
    keys = {c["key"] for a in fictive.register["activities"] for c in a["data_categories"]}
    assert {"user.contact.email", "user.contact.phone_number", "user.contact.address", "user.device.ip_address",
            "user.demographic.date_of_birth", "user.financial.credit_card", "user.name"} <= keys


def test_purposes_carry_the_legal_basis_the_text_states(fictive):
    purposes = {p["use"]: p["legal_basis"] for a in fictive.register["activities"] for p in a["purposes"]}
    assert purposes["marketing.communications.email"] == "consent"
    assert purposes["analytics.reporting"] == "consent"
    assert purposes["essential.fraud_detection"] == "legitimate_interests"
    assert purposes["essential.legal_obligation"] == "legal_obligation"
    assert purposes["essential.service"] == "contract"


def test_a_consent_purpose_lists_how_to_withdraw(fictive):
    newsletter = next(p for a in fictive.register["activities"] for p in a["purposes"]
                      if p["use"] == "marketing.communications.email")
    assert "unsubscribe_link" in [c["kind"] for c in newsletter["withdrawal_channels"]]


def test_retention_reads_sentences_and_table_rows(fictive):
    rules = {(r["duration"], r["clock"]) for r in fictive.register["retention"]}
    assert ("P3Y", "last_contact") in rules  # the table row "Prospection | 3 ans | dernier contact"
    assert ("P0D", "account_deletion") in rules  # "jusqu'à la suppression du compte"
    assert ("P10Y", "end_of_collection_year") in rules  # "dix (10) ans à compter de la clôture de l'exercice"
    assert ("P0D", "contract_end") in rules  # "pendant toute la durée du contrat"
    invoices = next(r for r in fictive.register["retention"] if r["duration"] == "P10Y")
    assert invoices["legal_reference"] == "Code de commerce"


def test_recipients_are_named_and_the_transfer_has_its_safeguard(fictive):
    names = {r["key"] for r in fictive.register["recipients"]}
    assert {"brevo", "stripe", "ovh", "zendesk", "sous-traitants"} <= names
    transfers = [t for a in fictive.register["activities"] for t in a["transfers"]]
    assert [(t["country"], t["recipient"], t["safeguard"]) for t in transfers] == [
        ("US", "zendesk", "standard_contractual_clauses")]


def test_rights_deadline_and_extension_are_read(fictive):
    rights = fictive.register["rights"]
    assert set(rights["offered"]) >= {"access", "rectification", "erasure", "restriction", "objection", "portability",
                                      "withdraw_consent", "complaint"}
    assert rights["response_deadline"] == "P1M"
    assert rights["extension"]["allowed"] == "P2M"


def test_cookies_keep_their_category_and_lifetime(fictive):
    cookies = fictive.register["cookies"]
    assert any(c["category"] == "analytics" and c["lifetime"] == "P13M" for c in cookies)
    assert fictive.register["cookie_policy"]["consent_mechanism"] == "banner"


def test_every_item_has_a_confidence_and_every_quote_is_in_the_text(fictive):
    text = FICTIVE.read_text(encoding="utf-8")
    found = list(quotes(fictive.register))
    assert len(found) > 20
    assert all(q in text for q in found)
    assert all(0 <= c["confidence"] <= 1 and c["why"] for c in fictive.confidence.values())
    assert "activities[0].purposes[0]" in fictive.confidence


def test_gaps_name_what_the_text_does_not_say(fictive):
    articles = {g["article"] for g in fictive.gaps}
    assert "art. 13(2)(e)" in articles  # nothing on mandatory data
    assert "art. 13(2)(f)" in articles  # nothing on automated decisions
    assert "art. 13(1)(b)" not in articles  # the DPO is there


def test_the_yaml_draft_is_a_register_that_loads(fictive):
    text = draft_yaml(fictive)
    loaded = parse_register(text, "draft.yaml")
    assert loaded.register.controller.name == "Lumière Verte"
    assert "# --- gaps" in text and "# --- confidence" in text


def test_the_json_draft_has_the_register_and_its_side_car(fictive):
    import json

    payload = json.loads(draft_json(fictive))
    Register.model_validate(payload["register"])
    assert set(payload) >= {"register", "confidence", "gaps", "contradictions"}


ENGLISH = """Privacy Policy

Last updated: March 5, 2024

Acme Widgets Ltd, registered office 221 Baker Street, London, is the controller. Contact: privacy@example.com.
Our data protection officer can be reached at dpo@example.com.

We collect your name, email address, phone number and IP address when you create an account.
We use your data to provide our services and manage your account, which is necessary for the performance of a contract.
With your consent, we send marketing emails; you can unsubscribe at any time using the link in each email.
We keep account data for 2 years after the closure of your account.
We share data with Stripe for payments and with Mailchimp for emails. Data is transferred to the United States under standard contractual clauses.
You have the right to access, rectify and erase your data, to object and to data portability, and to lodge a complaint with the ICO.
We respond to requests within one month.
"""


def test_an_english_policy_gives_the_structural_parts():
    draft = draft_from_text(ENGLISH, "privacy.txt")
    register = draft.register
    assert draft.language == "en"
    assert register["controller"]["email"] == "privacy@example.com"
    assert register["dpo"]["email"] == "dpo@example.com"
    assert str(register["policy"]["effective_date"]) == "2024-03-05"
    keys = {c["key"] for a in register["activities"] for c in a["data_categories"]}
    assert {"user.contact.email", "user.contact.phone_number", "user.device.ip_address"} <= keys
    uses = {p["use"]: p["legal_basis"] for a in register["activities"] for p in a["purposes"]}
    assert uses["marketing.communications.email"] == "consent"
    assert ("P2Y", "account_deletion") in {(r["duration"], r["clock"]) for r in register["retention"]}
    assert {"stripe", "mailchimp"} <= {r["key"] for r in register["recipients"]}
    assert {t["country"] for a in register["activities"] for t in a["transfers"]} == {"US"}
    assert register["rights"]["response_deadline"] == "P1M"
    assert register["supervisory_authority"]["country"] == "GB"
    assert all(q in ENGLISH for q in quotes(register))


SEED_FILES = sorted(SEEDS.glob("*.txt")) if SEEDS.exists() else []


@pytest.mark.skipif(not SEED_FILES, reason="the seed policies are in ../shared/seeds")
@pytest.mark.parametrize("seed", SEED_FILES, ids=lambda p: p.name[:3])
def test_each_seed_gives_a_register_that_check_accepts_and_quotes_it_verbatim(seed):
    draft = draft_from_file(seed)
    loaded = parse_register(draft_yaml(draft), f"{seed.name}.yaml")
    assert loaded.register.activities
    text = seed.read_text(encoding="utf-8")
    assert all(q in text for q in quotes(draft.register))
    assert draft.dropped == []


@pytest.mark.skipif(not SEED_FILES, reason="the seed policies are in ../shared/seeds")
def test_seed_002_reports_its_transfer_to_the_us_despite_its_no_transfer_claim():
    draft = draft_from_file(next(p for p in SEED_FILES if p.name.startswith("002")))
    contradiction = next(c for c in draft.contradictions if c["claim"] == "no_transfer_outside_eu")
    assert "aucun transfert en dehors de l’Union européenne" in contradiction["statement_quote"]
    assert "Etats-Unis" in contradiction["conflicting_quote"]
    assert "US" in contradiction["message"]
