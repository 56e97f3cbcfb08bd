"""Compliance lint: what a valid register still gets wrong, with the article and the fix.

Each rule is a function registered with :func:`rule`; it reads the register and yields
findings with a dotted path that :func:`lint_register` places at a YAML line. A rule speaks
only when the register gives it something to say: a field left empty because the policy is
silent is a gap worth reporting only where the law requires the information.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Callable, Iterator

from egide.domain.durations import Duration
from egide.domain.jurisdictions import has_adequacy_decision, is_eea
from egide.register.loader import LoadedRegister
from egide.register.model import (
    Activity,
    CategoryUse,
    Claim,
    ConsentMechanism,
    IdentityProof,
    LegalBasis,
    Purpose,
    RecipientKind,
    Register,
    Right,
    Safeguard,
)
from egide.register.taxonomy import covers


class Severity(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    article: str
    path: str
    message: str
    fix: str
    file: str | None = None
    line: int | None = None
    column: int | None = None

    def as_dict(self) -> dict[str, object]:
        return {"rule": self.rule, "severity": self.severity.value, "article": self.article,
                "file": self.file, "line": self.line, "column": self.column, "path": self.path,
                "message": self.message, "fix": self.fix}

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}" if self.file else self.path
        return f"{place}: {self.severity.value} [{self.rule}] {self.message} ({self.article}) -> {self.fix}"


@dataclass(frozen=True)
class _Hit:
    path: str
    message: str
    severity: Severity | None = None  # a rule may speak more softly in a milder case


RuleFn = Callable[[Register], Iterator[_Hit]]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    article: str
    fix: str
    check: RuleFn


RULES: list[Rule] = []


def rule(id: str, severity: Severity, article: str, fix: str) -> Callable[[RuleFn], RuleFn]:
    def register(fn: RuleFn) -> RuleFn:
        RULES.append(Rule(id, severity, article, fix, fn))
        return fn
    return register


def lint_register(loaded: LoadedRegister) -> list[Finding]:
    findings = []
    for r in RULES:
        for hit in r.check(loaded.register):
            line, column = loaded.locate(_parts(hit.path))
            findings.append(Finding(r.id, hit.severity or r.severity, r.article, hit.path, hit.message, r.fix,
                                    loaded.file, line, column))
    order = {Severity.error: 0, Severity.warning: 1, Severity.info: 2}
    return sorted(findings, key=lambda f: (order[f.severity], f.line or 0, f.rule))


def _parts(path: str) -> list[str | int]:
    parts: list[str | int] = []
    for token in path.replace("[", ".[").split("."):
        if token:
            parts.append(int(token[1:-1]) if token.startswith("[") else token)
    return parts


def _purposes(register: Register) -> Iterator[tuple[str, Activity, Purpose]]:
    for a, activity in enumerate(register.activities):
        for p, purpose in enumerate(activity.purposes):
            yield f"activities[{a}].purposes[{p}]", activity, purpose


def _categories(register: Register) -> Iterator[tuple[str, Activity, CategoryUse]]:
    for a, activity in enumerate(register.activities):
        for c, category in enumerate(activity.data_categories):
            yield f"activities[{a}].data_categories[{c}]", activity, category


# --- the rules ------------------------------------------------------------------------------


@rule("retention.category_without_rule", Severity.warning, "art. 5(1)(e), art. 13(2)(a)",
      "add a retention rule covering these categories (duration, clock, action)")
def _category_without_rule(register: Register) -> Iterator[_Hit]:
    """A stored data category of an activity that no retention rule with a period covers."""
    for a, activity in enumerate(register.activities):
        uncovered = []
        for category in activity.data_categories:
            if not category.stored:
                continue
            if not any(activity.key in r.activities and (
                       not r.categories or any(covers(k, category.key) for k in r.categories))
                       for r in register.retention if r.duration is not None):
                uncovered.append(category.key)
        if uncovered:
            yield _Hit(f"activities[{a}].data_categories",
                       f"activity {activity.key!r} keeps {', '.join(uncovered)} with no retention period")


@rule("consent.no_withdrawal_channel", Severity.error, "art. 7(3)",
      "list the withdrawal channels (unsubscribe link, account settings, email...) under withdrawal_channels")
def _consent_without_withdrawal(register: Register) -> Iterator[_Hit]:
    """A consent-based purpose with no withdrawal channel."""
    for path, activity, purpose in _purposes(register):
        if purpose.legal_basis is LegalBasis.consent and not purpose.withdrawal_channels:
            yield _Hit(path, f"{activity.key}: consent to {purpose.use} has no way to withdraw it")


@rule("legitimate_interest.no_statement", Severity.error, "art. 13(1)(d)",
      "state the legitimate interest pursued in legitimate_interest")
def _legitimate_interest_without_statement(register: Register) -> Iterator[_Hit]:
    """A purpose on legitimate interests whose interest is not stated."""
    for path, activity, purpose in _purposes(register):
        if purpose.legal_basis is LegalBasis.legitimate_interests and not purpose.legitimate_interest:
            yield _Hit(f"{path}.legal_basis",
                       f"{activity.key}: {purpose.use} relies on a legitimate interest that is not stated")


@rule("legal_obligation.no_reference", Severity.warning, "art. 6(3)",
      "name the law in legal_reference (code and article)")
def _legal_obligation_without_reference(register: Register) -> Iterator[_Hit]:
    """A purpose or retention rule on a legal obligation that names no law."""
    for path, activity, purpose in _purposes(register):
        if purpose.legal_basis is LegalBasis.legal_obligation and not purpose.legal_reference:
            yield _Hit(f"{path}.legal_basis",
                       f"{activity.key}: {purpose.use} invokes a legal obligation without naming the law")
    for r, retention in enumerate(register.retention):
        if retention.legal_basis is LegalBasis.legal_obligation and not retention.legal_reference:
            yield _Hit(f"retention[{r}].legal_basis",
                       f"retention {retention.key!r} invokes a legal obligation without naming the law")


@rule("transfer.no_safeguard", Severity.error, "art. 44-46, art. 13(1)(f)",
      "name the safeguard: adequacy decision, standard contractual clauses, BCR, or art. 49 consent")
def _transfer_without_safeguard(register: Register) -> Iterator[_Hit]:
    """A transfer outside the EEA, to a country without adequacy decision, with no safeguard."""
    for a, activity in enumerate(register.activities):
        for t, transfer in enumerate(activity.transfers):
            if (not is_eea(transfer.country) and not has_adequacy_decision(transfer.country)
                    and transfer.safeguard in (None, Safeguard.none)):
                yield _Hit(f"activities[{a}].transfers[{t}]",
                           f"{activity.key}: transfer to {transfer.country} ({transfer.recipient}) has no safeguard")


@rule("statement.contradicted_by_transfer", Severity.error, "art. 5(1)(a), art. 13(1)(f)",
      "remove the statement or the transfer: the notice must say what happens")
def _transfer_contradicts_statement(register: Register) -> Iterator[_Hit]:
    """A 'no transfer outside the EU' (or 'hosted in the EU') claim contradicted by a declared transfer."""
    claims = [(s, st) for s, st in enumerate(register.statements) if st.claim is Claim.no_transfer_outside_eu]
    if not claims:  # "hosted in the EU" says the same only when no explicit no-transfer claim exists
        claims = [(s, st) for s, st in enumerate(register.statements) if st.claim is Claim.data_hosted_in_eu]
    for s, statement in claims[:1]:
        outside = [(a.key, t) for a, t in register.all_transfers()
                   if not is_eea(t.country) and (not statement.activities or a.key in statement.activities)]
        if outside:
            listed = ", ".join(f"{t.recipient} to {t.country} ({key})" for key, t in outside)
            yield _Hit(f"statements[{s}]",
                       f"the notice says {statement.claim.value.replace('_', ' ')}, yet declares transfers: {listed}")


@rule("card_security_code.retained", Severity.error, "art. 5(1)(c); PCI DSS req. 3.2; CNIL délibération 2018-303",
      "never store the card security code: set stored: false and give it no retention rule")
def _cvv_retained(register: Register) -> Iterator[_Hit]:
    """A card security code (CVV) that is stored or has a retention rule."""
    for path, activity, category in _categories(register):
        if _is_card_security_code(category.key) and category.stored:
            yield _Hit(path, f"{activity.key}: the card security code ({category.key}) is stored")
    for r, retention in enumerate(register.retention):
        if any(_is_card_security_code(k) for k in retention.categories):
            yield _Hit(f"retention[{r}].categories", f"retention {retention.key!r} keeps the card security code")


def _is_card_security_code(key: str) -> bool:
    leaf = key.rsplit(".", 1)[-1]
    return leaf in {"cvv", "cvv2", "cvc", "security_code", "card_security_code", "cryptogram"}


@rule("automated_decision.no_human_review", Severity.error, "art. 22(3), art. 13(2)(f)",
      "give a channel to obtain human intervention and contest the decision (human_review)")
def _automated_decision_without_review(register: Register) -> Iterator[_Hit]:
    """An automated decision (art. 22) with no human-review channel."""
    for a, activity in enumerate(register.activities):
        for d, decision in enumerate(activity.automated_decisions):
            if decision.human_review is None:
                yield _Hit(f"activities[{a}].automated_decisions[{d}]",
                           f"{activity.key}: automated decision {decision.key!r} offers no human review")


@rule("cookie.no_consent_purpose", Severity.error, "Loi Informatique et Libertés art. 82; ePrivacy art. 5(3)",
      "link the cookie to an activity with a consent purpose, or mark it exempt if it is strictly necessary")
def _cookie_without_consent(register: Register) -> Iterator[_Hit]:
    """A cookie that is not exempt and that no consent purpose covers."""
    for c, cookie in enumerate(register.cookies):
        if cookie.exempt:
            continue
        activity = register.activity(cookie.activity) if cookie.activity else None
        if activity is None or not any(p.legal_basis is LegalBasis.consent for p in activity.purposes):
            yield _Hit(f"cookies[{c}]", f"cookie {cookie.name!r} ({cookie.provider}) is not exempt "
                       "but no consent purpose covers it")


@rule("cookie.lifetime_over_13_months", Severity.warning, "CNIL délibération 2020-091 art. 5",
      "limit the cookie's lifetime to 13 months (P13M)")
def _cookie_too_long(register: Register) -> Iterator[_Hit]:
    """A non-exempt cookie living longer than 13 months."""
    limit = Duration.parse("P13M").approximate_days()
    for c, cookie in enumerate(register.cookies):
        if cookie.lifetime and not cookie.exempt and Duration.parse(cookie.lifetime).approximate_days() > limit:
            yield _Hit(f"cookies[{c}].lifetime", f"cookie {cookie.name!r} lives {cookie.lifetime}, over 13 months")


@rule("cookie.consent_not_explicit", Severity.error, "art. 4(11), art. 7; CNIL délibération 2020-091",
      "ask with a banner offering accept and refuse alike; continued browsing or browser settings are not consent")
def _cookie_consent_not_explicit(register: Register) -> Iterator[_Hit]:
    """Cookie consent by continued browsing, browser settings or nothing."""
    policy = register.cookie_policy
    if policy is None or policy.consent_mechanism is ConsentMechanism.banner:
        return
    if any(not c.exempt for c in register.cookies) or not register.cookies:
        yield _Hit("cookie_policy.consent_mechanism",
                   f"cookie consent is obtained by {policy.consent_mechanism.value.replace('_', ' ')}")


@rule("consent.pre_ticked", Severity.warning, "art. 4(11), art. 7(2); CJEU C-673/17 Planet49",
      "ask for an active opt-in (unticked box), or rely on CPCE L34-5 soft opt-in for existing customers")
def _pre_ticked_consent(register: Register) -> Iterator[_Hit]:
    """Consent assumed unless refused (pre-ticked box, automatic subscription)."""
    for path, activity, purpose in _purposes(register):
        if purpose.consent is not None and purpose.consent.pre_ticked:
            yield _Hit(f"{path}.consent.pre_ticked",
                       f"{activity.key}: people are subscribed to {purpose.use} unless they refuse")


@rule("special_category.no_basis", Severity.error, "art. 9(1)-(2), art. 10",
      "name the art. 9(2) exception in special_category_basis, or stop processing the category")
def _special_category_without_basis(register: Register) -> Iterator[_Hit]:
    """A special category (art. 9) or criminal data (art. 10) with no art. 9(2) basis."""
    for path, activity, category in _categories(register):
        if any(covers(s, category.key) for s in SPECIAL_CATEGORIES) and category.special_category_basis is None:
            yield _Hit(path, f"{activity.key}: {category.key} is a special category with no art. 9(2) basis")


SPECIAL_CATEGORIES = (
    "user.biometric", "user.health_and_medical", "user.criminal_history",
    "user.demographic.race_ethnicity", "user.demographic.political_opinion",
    "user.demographic.religious_belief", "user.demographic.sexual_orientation",
    "user.authorization.biometric",
)


@rule("processor.no_contract", Severity.warning, "art. 28(3)",
      "sign a data processing agreement with the processor")
def _processor_without_contract(register: Register) -> Iterator[_Hit]:
    """A processor declared without an art. 28 contract."""
    for r, recipient in enumerate(register.recipients):
        if recipient.kind is RecipientKind.processor and recipient.dpa is False:
            yield _Hit(f"recipients[{r}].dpa", f"processor {recipient.key!r} works without an art. 28 contract")


@rule("authority.missing", Severity.warning, "art. 13(2)(d), art. 77",
      "name the supervisory authority people can complain to (e.g. the CNIL) and say they may")
def _authority_missing(register: Register) -> Iterator[_Hit]:
    """No supervisory authority named (warning when the right to complain is not mentioned either)."""
    if register.supervisory_authority is not None:
        return
    if Right.complaint in register.rights.offered:
        yield _Hit("controller", "the notice mentions the right to complain but names no supervisory authority",
                   Severity.info)
    else:
        yield _Hit("controller", "the notice names no supervisory authority and does not mention the right "
                   "to complain")


@rule("dpo.missing", Severity.info, "art. 13(1)(b), art. 37",
      "give the DPO's contact if one is designated (mandatory for large-scale monitoring)")
def _dpo_missing(register: Register) -> Iterator[_Hit]:
    """No DPO contact."""
    if register.dpo is None:
        yield _Hit("controller", "no data protection officer contact is given")


@rule("controller.no_contact", Severity.error, "art. 13(1)(a), art. 12(2)",
      "give an email or postal address where people can exercise their rights")
def _controller_without_contact(register: Register) -> Iterator[_Hit]:
    """No way to contact the controller."""
    c = register.controller
    dpo = register.dpo
    if not (c.email or c.postal_address or c.address or register.rights.channels
            or (dpo and (dpo.email or dpo.postal_address))):
        yield _Hit("controller", "there is no way to contact the controller")


@rule("rights.deadline_exceeds_law", Severity.error, "art. 12(3)",
      "answer within one month (P1M), extendable by at most two months (P2M)")
def _deadline_too_long(register: Register) -> Iterator[_Hit]:
    """A response deadline over one month or an extension over two."""
    rights = register.rights
    if Duration.parse(rights.response_deadline).approximate_days() > Duration.parse("P1M").approximate_days():
        yield _Hit("rights.response_deadline", f"the response deadline {rights.response_deadline} exceeds one month")
    if Duration.parse(rights.extension.allowed).approximate_days() > Duration.parse("P2M").approximate_days():
        yield _Hit("rights.extension.allowed", f"the extension {rights.extension.allowed} exceeds two months")


@rule("rights.not_mentioned", Severity.warning, "art. 13(2)(b)-(d)",
      "tell people about each of these rights and how to exercise them")
def _rights_not_mentioned(register: Register) -> Iterator[_Hit]:
    """Rights the notice must mention but does not (portability and consent withdrawal when they apply)."""
    offered = set(register.rights.offered)
    bases = {p.legal_basis for a in register.activities for p in a.purposes}
    expected = [Right.access, Right.rectification, Right.erasure, Right.restriction, Right.objection,
                Right.complaint]
    if bases & {LegalBasis.consent, LegalBasis.contract}:
        expected.append(Right.portability)
    if LegalBasis.consent in bases:
        expected.append(Right.withdraw_consent)
    if register.supervisory_authority is None:
        expected.remove(Right.complaint)  # authority.missing reports it
    missing = [r.value for r in expected if r not in offered]
    if missing:
        yield _Hit("rights.offered", f"the notice does not mention the right(s): {', '.join(missing)}")


@rule("rights.identity_document_always", Severity.warning, "art. 12(2), art. 12(6); CNIL guidance on rights",
      "ask for an ID document only when there is a reasonable doubt about the requester's identity")
def _identity_always(register: Register) -> Iterator[_Hit]:
    """An identity document demanded with every request."""
    if register.rights.identity_proof is IdentityProof.always:
        yield _Hit("rights.identity_proof", "every request must come with an identity document")


@rule("policy.undated", Severity.warning, "art. 12(1), art. 13(3); EDPB WP260 rev.01 §29",
      "date the notice (effective_date) so people can tell which version applied when")
def _policy_undated(register: Register) -> Iterator[_Hit]:
    """A notice with no date."""
    if register.policy.effective_date is None:
        yield _Hit("policy", "the notice carries no date")
