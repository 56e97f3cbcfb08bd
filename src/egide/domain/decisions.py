"""The decision point: may we process this person's data for this purpose now?

``decide`` reads what the register says of the purpose (a :class:`PurposePolicy`) and what is
known of the person (:class:`SubjectFacts`), applies the rules in a fixed order, and returns a
:class:`Decision` that names the rule that decided, the reasons and the evidence, and lists
every rule it evaluated, so the audit trail can say why.

Order: unknown purpose, restriction (art. 18), opposition and suppression lists (marketing),
objection (art. 21), then the legal basis (art. 6): consent needs a valid consent, a contract
purpose may need a live contract, the other bases allow.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from egide.domain.consent import DEFAULT_REMEMBER_FOR, ConsentEvent, ConsentStatus, consent_state
from egide.domain.durations import Duration

# Art. 18(2): restricted data may still be stored, and used for legal claims.
ALLOWED_UNDER_RESTRICTION = ("functional.storage", "essential.legal_obligation", "third_party_sharing.legal_obligation")
MARKETING = "marketing"


class Outcome(str, Enum):
    allow = "allow"
    deny = "deny"
    no_decision = "no_decision"


@dataclass(frozen=True)
class PurposePolicy:
    """What the register says about one purpose (data-use key)."""

    purpose: str
    legal_basis: str  # a LegalBasis value: consent, contract, legitimate_interests...
    activity: str
    remember_for: Duration = DEFAULT_REMEMBER_FOR
    requires_live_contract: bool = False
    soft_opt_in: bool = False


@dataclass(frozen=True)
class Restriction:
    id: str
    reason: str
    purposes: tuple[str, ...] = ()  # empty: every purpose


@dataclass(frozen=True)
class Objection:
    id: str
    purpose: str  # a data-use key or a parent (e.g. "marketing" covers all marketing)
    upheld: bool = True  # False once the DPO recorded compelling legitimate grounds (art. 21(1))


@dataclass(frozen=True)
class SubjectFacts:
    consent_events: tuple[ConsentEvent, ...] = ()
    restrictions: tuple[Restriction, ...] = ()
    objections: tuple[Objection, ...] = ()
    on_opposition_list: bool = False
    on_suppression_list: bool = False
    live_contract: bool | None = None
    major_change_at: datetime | None = None


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    purpose: str
    legal_basis: str | None
    rule: str
    reasons: tuple[str, ...]
    evidence: tuple[str, ...] = ()
    evaluated: tuple[str, ...] = field(default_factory=tuple)
    valid_until: datetime | None = None  # a consent's expiry: the answer may change then

    @property
    def allowed(self) -> bool:
        return self.outcome is Outcome.allow


def _covers(general: str, specific: str) -> bool:
    return specific == general or specific.startswith(general + ".")


def decide(policy: PurposePolicy | None, purpose: str, facts: SubjectFacts, at: datetime) -> Decision:
    evaluated: list[str] = []

    def done(outcome: Outcome, rule: str, reason: str, evidence: tuple[str, ...] = (),
             valid_until: datetime | None = None) -> Decision:
        if not evaluated or evaluated[-1] != rule:
            evaluated.append(rule)
        return Decision(outcome, purpose, policy.legal_basis if policy else None, rule, (reason,), evidence,
                        tuple(evaluated), valid_until)

    if policy is None:
        return done(Outcome.deny, "purpose.unknown",
                    f"{purpose!r} is not a purpose of the active register: no legal basis to process")
    evaluated.append("restriction")
    for r in facts.restrictions:
        if (not r.purposes or any(_covers(p, purpose) for p in r.purposes)) and not any(
                _covers(a, purpose) for a in ALLOWED_UNDER_RESTRICTION):
            return done(Outcome.deny, "restriction", f"processing is restricted (art. 18): {r.reason}", (r.id,))
    marketing = _covers(MARKETING, purpose)
    if marketing:
        evaluated.append("opposition_list")
        if facts.on_opposition_list:
            return done(Outcome.deny, "opposition_list",
                        "the person objected to direct marketing (art. 21(3)) and is on the opposition list")
        evaluated.append("suppression_list")
        if facts.on_suppression_list:
            return done(Outcome.deny, "suppression_list",
                        "the person's data was erased; their identifiers are on the suppression list")
    evaluated.append("objection")
    for o in facts.objections:
        if _covers(o.purpose, purpose) and (o.upheld or marketing):
            return done(Outcome.deny, "objection", f"the person objected to {o.purpose} (art. 21)", (o.id,))
    return _by_legal_basis(policy, purpose, facts, at, done)


def _by_legal_basis(policy: PurposePolicy, purpose: str, facts: SubjectFacts, at: datetime, done) -> Decision:  # type: ignore[no-untyped-def]
    basis = policy.legal_basis
    if basis == "consent":
        state = consent_state(facts.consent_events, purpose, at, policy.remember_for, facts.major_change_at)
        evidence = (state.decided_by.id,) if state.decided_by else ()
        if state.status is ConsentStatus.valid:
            return done(Outcome.allow, "consent.valid",
                        f"consent given on {state.decided_by.at:%Y-%m-%d} under register version "  # type: ignore[union-attr]
                        f"{state.decided_by.register_version[:12]}, valid until {state.expires_at:%Y-%m-%d}", evidence,
                        state.expires_at)
        return done(Outcome.deny, f"consent.{state.status.value}", {
            ConsentStatus.none: "no consent was ever given for this purpose",
            ConsentStatus.refused: "the person refused consent",
            ConsentStatus.withdrawn: "the person withdrew consent (art. 7(3))",
            ConsentStatus.expired: "the consent or refusal has expired: ask again",
            ConsentStatus.outdated: "consent was given before a major change of the notice: ask again",
        }[state.status], evidence)
    if basis == "contract" and policy.requires_live_contract and not facts.live_contract:
        return done(Outcome.deny, "contract.not_live", "this purpose needs a live contract and there is none")
    if basis == "legitimate_interests":
        return done(Outcome.allow, "legitimate_interests",
                    "legitimate interest (art. 6(1)(f)); the person has not objected"
                    + (" (soft opt-in, CPCE L34-5)" if policy.soft_opt_in else ""))
    return done(Outcome.allow, f"basis.{basis}", f"legal basis: {basis.replace('_', ' ')} (art. 6(1))")
