"""Personal data breaches (GDPR art. 33 and 34), as pure rules.

A breach is recorded with its nature (confidentiality, integrity, availability), the categories
and approximate number of data subjects and records, its likely consequences and the measures
taken, and the moment the controller became aware of it. From that moment runs the clock to
notify the supervisory authority (art. 33(1): 72 hours today; the number of hours is a setting).
Whether the authority must be notified and whether the people must be told (art. 34) follow
from the controller's risk assessment and from threshold rules that are settings too
(:class:`BreachRules`): the categories of data and the number of people from which the risk is
presumed high.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from enum import Enum

from egide.domain.errors import InvalidInputError, Problem


class Nature(str, Enum):
    """The three kinds of breach named by the EDPB guidelines 9/2022 and the CNIL's form."""

    confidentiality = "confidentiality"  # disclosure or access without authorisation
    integrity = "integrity"  # alteration without authorisation
    availability = "availability"  # loss of access or destruction


class Origin(str, Enum):
    internal_malicious = "internal_malicious"
    internal_accidental = "internal_accidental"
    external_malicious = "external_malicious"
    external_accidental = "external_accidental"
    unknown = "unknown"


class Risk(str, Enum):
    """The controller's assessment of the risk to people's rights and freedoms."""

    unlikely = "unlikely"  # art. 33(1): no notification to the authority needed (documented, art. 33(5))
    risk = "risk"  # the authority is notified
    high = "high"  # art. 34(1): the people are told as well


class Status(str, Enum):
    open = "open"
    resolved = "resolved"


DATA_CATEGORIES = (
    "civil_status", "personal_life", "economic_financial", "connection_data", "location",
    "national_identifier", "identity_document", "credentials", "health", "biometric", "genetic",
    "racial_or_ethnic_origin", "political_opinions", "religious_beliefs", "trade_union_membership",
    "sex_life_or_orientation", "criminal_offences", "other",
)

SUBJECT_CATEGORIES = (
    "customers", "prospects", "users", "employees", "job_applicants", "students", "patients",
    "minors", "vulnerable_people", "other",
)


@dataclass(frozen=True)
class BreachRules:
    """The settings the rules read: the authority's deadline and the high-risk thresholds."""

    authority_deadline_hours: int = 72
    high_risk_categories: frozenset[str] = frozenset()
    high_risk_people: int | None = None  # None: no number of people makes the risk high by itself


@dataclass(frozen=True)
class Breach:
    id: str
    reference: str
    natures: tuple[Nature, ...]
    origin: Origin
    description: str
    data_categories: tuple[str, ...]
    subject_categories: tuple[str, ...]
    approx_subjects: int
    approx_records: int
    consequences: str
    measures: str
    became_known_at: datetime
    risk: Risk
    recorded_at: datetime
    recorded_by: str
    occurred_at: datetime | None = None
    ended_at: datetime | None = None
    status: Status = Status.open
    resolved_at: datetime | None = None
    authority_notified_at: datetime | None = None
    authority_reference: str | None = None
    delay_reasons: str | None = None
    people_told_at: datetime | None = None
    people_told_how: str | None = None
    people_exemption: str | None = None  # art. 34(3): why the people are not told despite a high risk
    hold_id: int | None = None


@dataclass(frozen=True)
class Obligations:
    """What the law asks of the controller for one breach, at one moment, and why."""

    notify_authority: bool
    authority_due_at: datetime
    authority_overdue: bool
    hours_left: float
    tell_people: bool
    reasons: tuple[str, ...]


def aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=timezone.utc)


def authority_due_at(became_known_at: datetime, rules: BreachRules) -> datetime:
    """Art. 33(1): without undue delay and, where feasible, within the deadline from awareness."""
    return aware(became_known_at) + timedelta(hours=rules.authority_deadline_hours)


def high_risk_reasons(breach: Breach, rules: BreachRules) -> list[str]:
    reasons = []
    if breach.risk is Risk.high:
        reasons.append("the controller assessed the risk as high")
    sensitive = sorted(set(breach.data_categories) & rules.high_risk_categories)
    if sensitive:
        reasons.append(f"data of high-risk categories: {', '.join(sensitive)}")
    if rules.high_risk_people is not None and breach.approx_subjects >= rules.high_risk_people:
        reasons.append(f"about {breach.approx_subjects} people (threshold {rules.high_risk_people})")
    return reasons


def obligations(breach: Breach, rules: BreachRules, now: datetime) -> Obligations:
    due = authority_due_at(breach.became_known_at, rules)
    high = high_risk_reasons(breach, rules)
    notify = breach.risk is not Risk.unlikely or bool(high)
    reasons = []
    if notify:
        reasons.append(f"art. 33(1): notify the authority within {rules.authority_deadline_hours} hours "
                       "of becoming aware")
    else:
        reasons.append("art. 33(1): the risk was assessed as unlikely; the breach is documented (art. 33(5))")
    tell = bool(high) and breach.people_exemption is None
    if high:
        reasons.append("art. 34(1): " + "; ".join(high))
    if high and breach.people_exemption is not None:
        reasons.append(f"art. 34(3): the people are not told: {breach.people_exemption}")
    done_at = breach.authority_notified_at
    reference_time = aware(done_at) if done_at is not None else aware(now)
    left = (due - aware(now)).total_seconds() / 3600
    overdue = notify and reference_time > due
    return Obligations(notify, due, overdue, left, tell, tuple(reasons))


def _problems_for_counts(subjects: int, records: int) -> list[Problem]:
    problems = []
    if subjects < 0:
        problems.append(Problem("the approximate number of people cannot be negative", path="approx_subjects"))
    if records < 0:
        problems.append(Problem("the approximate number of records cannot be negative", path="approx_records"))
    return problems


def check_breach(breach: Breach, now: datetime) -> None:
    """Refuse a breach record that does not hold together; nothing is stored when it raises."""
    problems: list[Problem] = []
    for name in ("description", "consequences", "measures"):
        if not getattr(breach, name).strip():
            problems.append(Problem(f"a breach needs its {name}", path=name))
    if not breach.natures:
        problems.append(Problem("name at least one nature: confidentiality, integrity or availability",
                                path="natures"))
    for name, allowed, given in (("data_categories", DATA_CATEGORIES, breach.data_categories),
                                 ("subject_categories", SUBJECT_CATEGORIES, breach.subject_categories)):
        unknown = [c for c in given if c not in allowed]
        if unknown:
            problems.append(Problem(f"unknown {name.replace('_', ' ')}: {', '.join(unknown)} "
                                    f"(known: {', '.join(allowed)})", path=name))
        if not given:
            problems.append(Problem(f"name at least one of the {name.replace('_', ' ')}", path=name))
    problems += _problems_for_counts(breach.approx_subjects, breach.approx_records)
    known = aware(breach.became_known_at)
    if known > aware(now):
        problems.append(Problem(f"the breach became known in the future ({known.isoformat()})",
                                path="became_known_at"))
    if breach.occurred_at is not None and aware(breach.occurred_at) > known:
        problems.append(Problem("the breach cannot have started after it became known", path="occurred_at"))
    if breach.ended_at is not None and breach.occurred_at is not None and \
            aware(breach.ended_at) < aware(breach.occurred_at):
        problems.append(Problem("the breach cannot end before it started", path="ended_at"))
    if problems:
        raise InvalidInputError("invalid breach: " + "; ".join(p.message for p in problems), problems=problems)


def check_authority_notification(breach: Breach, at: datetime, delay_reasons: str | None,
                                 rules: BreachRules, now: datetime) -> None:
    """Art. 33(1): a notification after the deadline comes with the reasons for the delay."""
    problems = []
    if aware(at) < aware(breach.became_known_at):
        problems.append(Problem("the authority cannot be notified before the breach became known", path="at"))
    if aware(at) > aware(now):
        problems.append(Problem("the notification is dated in the future", path="at"))
    if aware(at) > authority_due_at(breach.became_known_at, rules) and not (delay_reasons or "").strip():
        problems.append(Problem(f"notified after {rules.authority_deadline_hours} hours: art. 33(1) asks for "
                                "the reasons for the delay", path="delay_reasons"))
    if problems:
        raise InvalidInputError("invalid notification: " + "; ".join(p.message for p in problems),
                                problems=problems)


def check_people_told(breach: Breach, at: datetime, how: str, now: datetime) -> None:
    problems = []
    if aware(at) < aware(breach.became_known_at):
        problems.append(Problem("the people cannot be told before the breach became known", path="at"))
    if aware(at) > aware(now):
        problems.append(Problem("the date is in the future", path="at"))
    if not how.strip():
        problems.append(Problem("say how the people were told (email, letter, public notice...)", path="how"))
    if problems:
        raise InvalidInputError("invalid notice to people: " + "; ".join(p.message for p in problems),
                                problems=problems)
