"""One test per lint rule: a register that triggers it, and the clean register that does not."""

from __future__ import annotations

import pytest

from egide.register.lint import RULES, Severity
from tests.unit.registers import lint_dict, rules


def test_the_clean_register_has_no_finding(clean_register, tmp_path):
    assert lint_dict(clean_register, tmp_path) == []


def test_every_rule_has_an_article_and_a_fix():
    for r in RULES:
        assert r.article and r.fix and r.id.count(".") == 1


def _only(findings, rule_id):
    assert rules(findings) == {rule_id}, [str(f) for f in findings]
    return [f for f in findings if f.rule == rule_id]


def test_flags_a_category_with_no_retention_rule(clean_register, tmp_path):
    clean_register["activities"][0]["data_categories"].append({"key": "user.contact.phone_number"})
    clean_register["retention"][0]["categories"] = ["user.contact.email", "user.name"]
    [finding] = _only(lint_dict(clean_register, tmp_path), "retention.category_without_rule")
    assert "user.contact.phone_number" in finding.message and finding.line is not None


def test_a_parent_category_in_a_rule_covers_its_children(clean_register, tmp_path):
    clean_register["activities"][0]["data_categories"].append({"key": "user.contact.phone_number"})
    clean_register["retention"][0]["categories"] = ["user.contact", "user.name"]
    assert lint_dict(clean_register, tmp_path) == []


def test_a_category_that_is_never_stored_needs_no_retention(clean_register, tmp_path):
    clean_register["taxonomy"] = {"data_categories": [
        {"key": "user.financial.credit_card.security_code", "parent": "user.financial.credit_card"}]}
    clean_register["activities"][0]["data_categories"].append(
        {"key": "user.financial.credit_card.security_code", "stored": False})
    clean_register["retention"][0]["categories"] = ["user.contact.email", "user.name"]
    assert lint_dict(clean_register, tmp_path) == []


def test_flags_consent_without_a_withdrawal_channel(clean_register, tmp_path):
    clean_register["activities"][1]["purposes"][0]["withdrawal_channels"] = []
    [finding] = _only(lint_dict(clean_register, tmp_path), "consent.no_withdrawal_channel")
    assert finding.severity is Severity.error and finding.article == "art. 7(3)"


def test_flags_a_legitimate_interest_with_no_statement(clean_register, tmp_path):
    clean_register["activities"][0]["purposes"].append({"use": "analytics.reporting", "legal_basis": "legitimate_interests"})
    _only(lint_dict(clean_register, tmp_path), "legitimate_interest.no_statement")
    clean_register["activities"][0]["purposes"][-1]["legitimate_interest"] = "measure our audience"
    assert lint_dict(clean_register, tmp_path) == []


def test_flags_a_legal_obligation_with_no_law_named(clean_register, tmp_path):
    clean_register["retention"][0]["legal_basis"] = "legal_obligation"
    _only(lint_dict(clean_register, tmp_path), "legal_obligation.no_reference")
    clean_register["retention"][0]["legal_reference"] = "Code de commerce, art. L123-22"
    assert lint_dict(clean_register, tmp_path) == []


def test_flags_a_transfer_outside_the_eea_with_no_safeguard(clean_register, tmp_path):
    clean_register["recipients"].append({"key": "google", "name": "Google LLC", "kind": "processor", "country": "US"})
    clean_register["activities"][0]["recipients"].append("google")
    clean_register["activities"][0]["transfers"] = [{"country": "US", "recipient": "google"}]
    _only(lint_dict(clean_register, tmp_path), "transfer.no_safeguard")
    clean_register["activities"][0]["transfers"][0]["safeguard"] = "standard_contractual_clauses"
    assert lint_dict(clean_register, tmp_path) == []


def test_a_transfer_to_an_adequate_country_needs_no_further_safeguard(clean_register, tmp_path):
    clean_register["recipients"].append({"key": "swiss", "name": "Swiss AG", "kind": "processor", "country": "CH"})
    clean_register["activities"][0]["transfers"] = [{"country": "CH", "recipient": "swiss"}]
    assert lint_dict(clean_register, tmp_path) == []


def test_flags_a_transfer_that_contradicts_a_no_transfer_statement(clean_register, tmp_path):
    clean_register["statements"] = [{"claim": "no_transfer_outside_eu", "source_quote": "aucun transfert"}]
    clean_register["recipients"].append({"key": "google", "name": "Google LLC", "kind": "processor", "country": "US"})
    clean_register["activities"][0]["transfers"] = [
        {"country": "US", "recipient": "google", "safeguard": "adequacy"}]
    [finding] = _only(lint_dict(clean_register, tmp_path), "statement.contradicted_by_transfer")
    assert "google to US" in finding.message


def test_flags_a_stored_card_security_code(clean_register, tmp_path):
    clean_register["taxonomy"] = {"data_categories": [
        {"key": "user.financial.credit_card.cvv", "parent": "user.financial.credit_card"}]}
    clean_register["activities"][0]["data_categories"].append({"key": "user.financial.credit_card.cvv"})
    _only(lint_dict(clean_register, tmp_path), "card_security_code.retained")


def test_flags_an_automated_decision_without_human_review(clean_register, tmp_path):
    clean_register["activities"][0]["automated_decisions"] = [{"key": "fraud", "description": "declines payments"}]
    _only(lint_dict(clean_register, tmp_path), "automated_decision.no_human_review")
    clean_register["activities"][0]["automated_decisions"][0]["human_review"] = {"kind": "contact_page"}
    assert lint_dict(clean_register, tmp_path) == []


def test_flags_a_non_exempt_cookie_with_no_consent_purpose(clean_register, tmp_path):
    clean_register["cookies"].append({"name": "_ga", "provider": "Google", "category": "analytics",
                                      "purpose": "audience", "lifetime": "P13M"})
    _only(lint_dict(clean_register, tmp_path), "cookie.no_consent_purpose")
    clean_register["cookies"][-1]["activity"] = "newsletter"
    assert lint_dict(clean_register, tmp_path) == []


def test_flags_a_cookie_living_longer_than_13_months(clean_register, tmp_path):
    clean_register["cookies"].append({"name": "_ga", "provider": "Google", "category": "analytics",
                                      "purpose": "audience", "lifetime": "P2Y", "activity": "newsletter"})
    _only(lint_dict(clean_register, tmp_path), "cookie.lifetime_over_13_months")


def test_flags_cookie_consent_by_continued_browsing(clean_register, tmp_path):
    clean_register["cookie_policy"]["consent_mechanism"] = "continued_browsing"
    clean_register["cookies"].append({"name": "_ga", "provider": "Google", "category": "analytics",
                                      "purpose": "audience", "activity": "newsletter"})
    _only(lint_dict(clean_register, tmp_path), "cookie.consent_not_explicit")


def test_flags_a_pre_ticked_newsletter(clean_register, tmp_path):
    clean_register["activities"][1]["purposes"][0]["consent"] = {"pre_ticked": True}
    _only(lint_dict(clean_register, tmp_path), "consent.pre_ticked")


def test_flags_a_special_category_with_no_article_9_basis(clean_register, tmp_path):
    clean_register["activities"][0]["data_categories"].append({"key": "user.health_and_medical"})
    _only(lint_dict(clean_register, tmp_path), "special_category.no_basis")
    clean_register["activities"][0]["data_categories"][-1]["special_category_basis"] = "explicit_consent"
    assert lint_dict(clean_register, tmp_path) == []


def test_flags_a_processor_without_contract(clean_register, tmp_path):
    clean_register["recipients"][0]["dpa"] = False
    _only(lint_dict(clean_register, tmp_path), "processor.no_contract")


def test_flags_a_missing_supervisory_authority(clean_register, tmp_path):
    del clean_register["supervisory_authority"]
    [finding] = _only(lint_dict(clean_register, tmp_path), "authority.missing")
    assert finding.severity is Severity.info  # the right to complain is mentioned
    clean_register["rights"]["offered"].remove("complaint")
    [finding] = _only(lint_dict(clean_register, tmp_path), "authority.missing")
    assert finding.severity is Severity.warning and "does not mention" in finding.message


def test_notes_a_missing_dpo_contact(clean_register, tmp_path):
    del clean_register["dpo"]
    [finding] = _only(lint_dict(clean_register, tmp_path), "dpo.missing")
    assert finding.severity is Severity.info


def test_flags_a_controller_nobody_can_reach(clean_register, tmp_path):
    for field in ("email", "address"):
        del clean_register["controller"][field]
    del clean_register["dpo"]
    clean_register["rights"]["channels"] = []
    assert rules(lint_dict(clean_register, tmp_path)) == {"controller.no_contact", "dpo.missing"}


@pytest.mark.parametrize("field,value", [("response_deadline", "P2M"), ("extension", {"allowed": "P3M"})])
def test_flags_deadlines_beyond_the_law(clean_register, tmp_path, field, value):
    clean_register["rights"][field] = value
    _only(lint_dict(clean_register, tmp_path), "rights.deadline_exceeds_law")


def test_flags_rights_the_notice_does_not_mention(clean_register, tmp_path):
    clean_register["rights"]["offered"].remove("portability")
    [finding] = _only(lint_dict(clean_register, tmp_path), "rights.not_mentioned")
    assert "portability" in finding.message


def test_flags_an_identity_document_required_with_every_request(clean_register, tmp_path):
    clean_register["rights"]["identity_proof"] = "always"
    _only(lint_dict(clean_register, tmp_path), "rights.identity_document_always")


def test_every_rule_is_tested_here():
    import inspect
    import sys

    source = inspect.getsource(sys.modules[__name__])
    untested = [r.id for r in RULES if f'"{r.id}"' not in source]
    assert untested == []


def test_flags_an_undated_notice(clean_register, tmp_path):
    del clean_register["policy"]["effective_date"]
    _only(lint_dict(clean_register, tmp_path), "policy.undated")


def test_a_scoped_statement_is_contradicted_only_by_its_own_activities(clean_register, tmp_path):
    clean_register["statements"] = [{"claim": "data_hosted_in_eu", "activities": ["newsletter"]}]
    clean_register["recipients"].append({"key": "google", "name": "Google LLC", "kind": "processor", "country": "US"})
    clean_register["activities"][0]["transfers"] = [{"country": "US", "recipient": "google", "safeguard": "adequacy"}]
    assert lint_dict(clean_register, tmp_path) == []
    clean_register["activities"][1]["transfers"] = [{"country": "US", "recipient": "google", "safeguard": "adequacy"}]
    _only(lint_dict(clean_register, tmp_path), "statement.contradicted_by_transfer")
