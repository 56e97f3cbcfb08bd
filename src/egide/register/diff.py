"""What changed between two versions of a register, for the people concerned.

A change is *major* when people must be told before it applies (art. 13(3) for a new
purpose; EDPB guidelines on transparency WP260 rev.01 §29-32 for substantive changes):
a new purpose or activity, a new data category, a new recipient or transfer, a longer
retention, a changed legal basis or controller. Other changes are *minor*.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Iterator

from egide.domain.durations import Duration
from egide.register.model import Activity, Register, RetentionRule


class Impact(str, Enum):
    major = "major"
    minor = "minor"


@dataclass(frozen=True)
class Change:
    kind: str
    impact: Impact
    path: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "impact": self.impact.value, "path": self.path, "message": self.message}

    def __str__(self) -> str:
        return f"{self.impact.value.upper():5} {self.kind}: {self.message}"


def diff_registers(old: Register, new: Register) -> list[Change]:
    changes = list(_controller(old, new)) + list(_activities(old, new)) + list(_recipients(old, new))
    changes += list(_retention(old, new)) + list(_cookies(old, new)) + list(_rights(old, new))
    return sorted(changes, key=lambda c: (c.impact is not Impact.major, c.path))


def is_major(changes: list[Change]) -> bool:
    return any(c.impact is Impact.major for c in changes)


def _controller(old: Register, new: Register) -> Iterator[Change]:
    for field in ("name", "legal_form", "registration", "address"):
        before, after = getattr(old.controller, field), getattr(new.controller, field)
        if before != after:
            yield Change("controller_changed", Impact.major if field in ("name", "registration") else Impact.minor,
                         f"controller.{field}", f"controller {field}: {before!r} -> {after!r}")
    if (old.dpo and old.dpo.email) != (new.dpo and new.dpo.email):
        yield Change("dpo_changed", Impact.minor, "dpo", "the DPO's contact changed")
    old_auth = old.supervisory_authority.name if old.supervisory_authority else None
    new_auth = new.supervisory_authority.name if new.supervisory_authority else None
    if old_auth != new_auth:
        yield Change("authority_changed", Impact.minor, "supervisory_authority",
                     f"supervisory authority: {old_auth!r} -> {new_auth!r}")


def _activities(old: Register, new: Register) -> Iterator[Change]:
    before = {a.key: a for a in old.activities}
    after = {a.key: a for a in new.activities}
    for key in after.keys() - before.keys():
        a = after[key]
        yield Change("activity_added", Impact.major, f"activities.{key}",
                     f"new processing activity {a.name!r} for {', '.join(p.use for p in a.purposes)}")
    for key in before.keys() - after.keys():
        yield Change("activity_removed", Impact.minor, f"activities.{key}",
                     f"processing activity {before[key].name!r} ends")
    for key in sorted(before.keys() & after.keys()):
        yield from _activity(before[key], after[key])


def _activity(old: Activity, new: Activity) -> Iterator[Change]:
    base = f"activities.{new.key}"
    old_purposes = {p.use: p for p in old.purposes}
    new_purposes = {p.use: p for p in new.purposes}
    for use in new_purposes.keys() - old_purposes.keys():
        yield Change("purpose_added", Impact.major, f"{base}.purposes",
                     f"{new.key}: new purpose {use} ({new_purposes[use].legal_basis.value})")
    for use in old_purposes.keys() - new_purposes.keys():
        yield Change("purpose_removed", Impact.minor, f"{base}.purposes", f"{new.key}: purpose {use} dropped")
    for use in sorted(old_purposes.keys() & new_purposes.keys()):
        if old_purposes[use].legal_basis != new_purposes[use].legal_basis:
            yield Change("legal_basis_changed", Impact.major, f"{base}.purposes",
                         f"{new.key}: {use} now relies on {new_purposes[use].legal_basis.value} "
                         f"instead of {old_purposes[use].legal_basis.value}")
    old_categories = {c.key for c in old.data_categories}
    new_categories = {c.key for c in new.data_categories}
    for key in sorted(new_categories - old_categories):
        yield Change("category_added", Impact.major, f"{base}.data_categories", f"{new.key}: now collects {key}")
    for key in sorted(old_categories - new_categories):
        yield Change("category_removed", Impact.minor, f"{base}.data_categories", f"{new.key}: no longer collects {key}")
    for key in sorted(set(new.recipients) - set(old.recipients)):
        yield Change("recipient_added", Impact.major, f"{base}.recipients", f"{new.key}: data now goes to {key}")
    for key in sorted(set(old.recipients) - set(new.recipients)):
        yield Change("recipient_removed", Impact.minor, f"{base}.recipients", f"{new.key}: data no longer goes to {key}")
    old_transfers = {(t.country, t.recipient): t for t in old.transfers}
    new_transfers = {(t.country, t.recipient): t for t in new.transfers}
    for country, recipient in sorted(new_transfers.keys() - old_transfers.keys()):
        yield Change("transfer_added", Impact.major, f"{base}.transfers",
                     f"{new.key}: new transfer to {country} ({recipient})")
    for country, recipient in sorted(old_transfers.keys() - new_transfers.keys()):
        yield Change("transfer_removed", Impact.minor, f"{base}.transfers",
                     f"{new.key}: transfer to {country} ({recipient}) ends")
    for ident in sorted(old_transfers.keys() & new_transfers.keys()):
        if old_transfers[ident].safeguard != new_transfers[ident].safeguard:
            yield Change("safeguard_changed", Impact.major, f"{base}.transfers",
                         f"{new.key}: transfer to {ident[0]} ({ident[1]}) now relies on "
                         f"{getattr(new_transfers[ident].safeguard, 'value', None)}")
    old_decisions = {d.key for d in old.automated_decisions}
    for d in new.automated_decisions:
        if d.key not in old_decisions:
            yield Change("automated_decision_added", Impact.major, f"{base}.automated_decisions",
                         f"{new.key}: new automated decision {d.key!r}")


def _recipients(old: Register, new: Register) -> Iterator[Change]:
    before = {r.key for r in old.recipients}
    for r in new.recipients:
        if r.key not in before:
            yield Change("recipient_added", Impact.major, f"recipients.{r.key}",
                         f"new recipient {r.name} ({r.kind.value})")


def _length(rule: RetentionRule) -> float:
    extra = Duration.parse(rule.archive_for).approximate_days() if rule.archive_for else 0.0
    return (Duration.parse(rule.duration).approximate_days() if rule.duration else float("inf")) + extra


def _retention(old: Register, new: Register) -> Iterator[Change]:
    before = {r.key: r for r in old.retention}
    after = {r.key: r for r in new.retention}
    for key in sorted(after.keys() - before.keys()):
        r = after[key]
        yield Change("retention_added", Impact.minor, f"retention.{key}",
                     f"new retention rule {key!r}: {r.duration or 'while ' + str(getattr(r.while_open, 'value', ''))}"
                     f" from {getattr(r.clock, 'value', '-')}")
    for key in sorted(before.keys() - after.keys()):
        yield Change("retention_removed", Impact.major, f"retention.{key}",
                     f"retention rule {key!r} removed: the data it covered may be kept longer")
    for key in sorted(before.keys() & after.keys()):
        o, n = before[key], after[key]
        if _length(n) > _length(o):
            yield Change("retention_longer", Impact.major, f"retention.{key}",
                         f"{key}: kept longer, {o.duration} -> {n.duration}")
        elif _length(n) < _length(o):
            yield Change("retention_shorter", Impact.minor, f"retention.{key}",
                         f"{key}: kept shorter, {o.duration} -> {n.duration}")
        if o.clock != n.clock:
            yield Change("retention_clock_changed", Impact.major, f"retention.{key}",
                         f"{key}: the period now starts at {getattr(n.clock, 'value', None)} "
                         f"instead of {getattr(o.clock, 'value', None)}")
        if o.action != n.action:
            yield Change("retention_action_changed", Impact.minor, f"retention.{key}",
                         f"{key}: at the end, {n.action.value} instead of {o.action.value}")


def _cookies(old: Register, new: Register) -> Iterator[Change]:
    before = {(c.name, c.provider): c for c in old.cookies}
    for c in new.cookies:
        previous = before.get((c.name, c.provider))
        if previous is None:
            yield Change("cookie_added", Impact.minor if c.exempt else Impact.major, f"cookies.{c.name}",
                         f"new {c.category.value} cookie {c.name!r} ({c.provider})")
        elif c.lifetime and previous.lifetime and (
                Duration.parse(c.lifetime).approximate_days() > Duration.parse(previous.lifetime).approximate_days()):
            yield Change("cookie_longer", Impact.major, f"cookies.{c.name}",
                         f"cookie {c.name!r} now lives {c.lifetime} instead of {previous.lifetime}")
    now = {(c.name, c.provider) for c in new.cookies}
    for ident in sorted(before.keys() - now):
        yield Change("cookie_removed", Impact.minor, f"cookies.{ident[0]}", f"cookie {ident[0]!r} is no longer set")


def _rights(old: Register, new: Register) -> Iterator[Change]:
    if (Duration.parse(new.rights.response_deadline).approximate_days()
            > Duration.parse(old.rights.response_deadline).approximate_days()):
        yield Change("deadline_longer", Impact.major, "rights.response_deadline",
                     f"requests answered within {new.rights.response_deadline} instead of {old.rights.response_deadline}")
    dropped = set(old.rights.offered) - set(new.rights.offered)
    if dropped:
        yield Change("rights_dropped", Impact.major, "rights.offered",
                     f"the notice no longer mentions: {', '.join(sorted(r.value for r in dropped))}")
