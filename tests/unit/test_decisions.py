"""The decision point's rules, with the clock injected."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from egide.domain.consent import ConsentAction, ConsentEvent, ConsentStatus, consent_state
from egide.domain.decisions import (
    Objection,
    Outcome,
    PurposePolicy,
    Restriction,
    SubjectFacts,
    decide,
)
from egide.domain.durations import Duration

T0 = datetime(2026, 1, 10, 12, 0, tzinfo=timezone.utc)
NEWSLETTER = PurposePolicy("marketing.communications.email", "consent", "newsletter")
ANALYTICS = PurposePolicy("analytics.reporting", "legitimate_interests", "analytics")
ACCOUNT = PurposePolicy("essential.service", "contract", "account", requires_live_contract=True)


def event(action, at=T0, purpose="marketing.communications.email", id="ev-1", version="v1"):
    return ConsentEvent(id, purpose, ConsentAction(action), at, version)


def test_a_consent_purpose_needs_a_consent():
    d = decide(NEWSLETTER, NEWSLETTER.purpose, SubjectFacts(), T0)
    assert d.outcome is Outcome.deny and d.rule == "consent.none"


def test_a_valid_consent_allows_and_names_its_event():
    d = decide(NEWSLETTER, NEWSLETTER.purpose, SubjectFacts(consent_events=(event("given"),)), T0 + timedelta(days=1))
    assert d.allowed and d.rule == "consent.valid" and d.evidence == ("ev-1",)


def test_withdrawal_denies_from_then_on():
    facts = SubjectFacts(consent_events=(event("given"), event("withdrawn", T0 + timedelta(days=3), id="ev-2")))
    assert decide(NEWSLETTER, NEWSLETTER.purpose, facts, T0 + timedelta(days=2)).allowed
    later = decide(NEWSLETTER, NEWSLETTER.purpose, facts, T0 + timedelta(days=4))
    assert later.rule == "consent.withdrawn" and later.evidence == ("ev-2",)


def test_a_choice_expires_after_six_months_by_default_and_not_a_day_before():
    facts = SubjectFacts(consent_events=(event("given"),))
    assert decide(NEWSLETTER, NEWSLETTER.purpose, facts, datetime(2026, 7, 10, 11, 59, tzinfo=timezone.utc)).allowed
    d = decide(NEWSLETTER, NEWSLETTER.purpose, facts, datetime(2026, 7, 10, 12, 0, tzinfo=timezone.utc))
    assert d.rule == "consent.expired"


def test_the_memory_of_a_choice_is_configurable_per_purpose():
    policy = PurposePolicy("marketing.communications.email", "consent", "newsletter", remember_for=Duration(years=2))
    facts = SubjectFacts(consent_events=(event("given"),))
    assert decide(policy, policy.purpose, facts, T0 + timedelta(days=400)).allowed


def test_a_consent_given_before_a_major_change_must_be_asked_again():
    facts = SubjectFacts(consent_events=(event("given"),), major_change_at=T0 + timedelta(days=5))
    assert decide(NEWSLETTER, NEWSLETTER.purpose, facts, T0 + timedelta(days=4)).allowed
    assert decide(NEWSLETTER, NEWSLETTER.purpose, facts, T0 + timedelta(days=6)).rule == "consent.outdated"


def test_a_refusal_is_remembered_then_lapses():
    state = consent_state([event("refused")], NEWSLETTER.purpose, T0 + timedelta(days=1))
    assert state.status is ConsentStatus.refused
    assert consent_state([event("refused")], NEWSLETTER.purpose, T0 + timedelta(days=200)).status is ConsentStatus.expired


def test_events_after_the_instant_asked_about_do_not_count():
    facts = SubjectFacts(consent_events=(event("given", T0 + timedelta(days=10)),))
    assert decide(NEWSLETTER, NEWSLETTER.purpose, facts, T0).rule == "consent.none"


def test_marketing_is_denied_on_the_opposition_list_whatever_the_consent():
    facts = SubjectFacts(consent_events=(event("given"),), on_opposition_list=True)
    d = decide(NEWSLETTER, NEWSLETTER.purpose, facts, T0 + timedelta(days=1))
    assert d.rule == "opposition_list" and not d.allowed


def test_marketing_is_denied_on_the_suppression_list():
    facts = SubjectFacts(consent_events=(event("given"),), on_suppression_list=True)
    assert decide(NEWSLETTER, NEWSLETTER.purpose, facts, T0 + timedelta(days=1)).rule == "suppression_list"


def test_legitimate_interest_allows_unless_the_person_objected():
    assert decide(ANALYTICS, ANALYTICS.purpose, SubjectFacts(), T0).allowed
    facts = SubjectFacts(objections=(Objection("obj-1", "analytics"),))
    d = decide(ANALYTICS, ANALYTICS.purpose, facts, T0)
    assert d.rule == "objection" and d.evidence == ("obj-1",)


def test_an_objection_overridden_by_compelling_grounds_no_longer_denies():
    facts = SubjectFacts(objections=(Objection("obj-1", "analytics", upheld=False),))
    assert decide(ANALYTICS, ANALYTICS.purpose, facts, T0).allowed


def test_an_objection_to_direct_marketing_cannot_be_overridden():
    policy = PurposePolicy("marketing.communications.email", "legitimate_interests", "soft", soft_opt_in=True)
    facts = SubjectFacts(objections=(Objection("obj-1", "marketing", upheld=False),))
    assert decide(policy, policy.purpose, facts, T0).rule == "objection"


def test_restriction_denies_everything_but_storage_and_legal_claims():
    facts = SubjectFacts(restrictions=(Restriction("r-1", "accuracy contested"),))
    assert decide(ANALYTICS, ANALYTICS.purpose, facts, T0).rule == "restriction"
    storage = PurposePolicy("functional.storage", "contract", "account")
    assert decide(storage, storage.purpose, facts, T0).allowed


def test_a_restriction_can_cover_some_purposes_only():
    facts = SubjectFacts(restrictions=(Restriction("r-1", "objection being assessed", ("analytics",)),))
    assert decide(ANALYTICS, ANALYTICS.purpose, facts, T0).rule == "restriction"
    assert decide(ACCOUNT, ACCOUNT.purpose, SubjectFacts(live_contract=True, restrictions=facts.restrictions), T0).allowed


def test_a_contract_purpose_can_require_a_live_contract():
    assert decide(ACCOUNT, ACCOUNT.purpose, SubjectFacts(live_contract=False), T0).rule == "contract.not_live"
    assert decide(ACCOUNT, ACCOUNT.purpose, SubjectFacts(live_contract=True), T0).allowed


def test_an_unknown_purpose_is_denied_with_a_reason():
    d = decide(None, "marketing.telepathy", SubjectFacts(), T0)
    assert d.rule == "purpose.unknown" and "marketing.telepathy" in d.reasons[0]


def test_a_decision_lists_the_rules_it_evaluated():
    d = decide(NEWSLETTER, NEWSLETTER.purpose, SubjectFacts(), T0)
    assert d.evaluated == ("restriction", "opposition_list", "suppression_list", "objection", "consent.none")


def test_seed_002_newsletter_needs_no_consent_but_yields_to_an_objection():
    from egide.register.loader import load_register
    from egide.register.policies import purpose_policies
    from tests.conftest import EXAMPLES

    policies = purpose_policies(load_register(EXAMPLES / "002-okasio.yaml").register)
    policy = policies["marketing.communications.email"]
    assert policy.legal_basis == "legitimate_interests"  # 002 offers refusal at collection, not opt-in
    assert decide(policy, policy.purpose, SubjectFacts(), T0).allowed
    assert decide(policy, policy.purpose, SubjectFacts(on_opposition_list=True), T0).rule == "opposition_list"


def test_seed_004_newsletter_needs_consent():
    from egide.register.loader import load_register
    from egide.register.policies import purpose_policies
    from tests.conftest import EXAMPLES

    policies = purpose_policies(load_register(EXAMPLES / "004-bureau24.yaml").register)
    policy = policies["marketing.communications.email"]
    assert policy.legal_basis == "consent"
    assert decide(policy, policy.purpose, SubjectFacts(), T0).rule == "consent.none"
    given = SubjectFacts(consent_events=(event("given"),))
    assert decide(policy, policy.purpose, given, T0 + timedelta(days=1)).allowed
