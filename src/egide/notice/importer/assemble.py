"""Shape findings into a register that `egide register check` accepts.

Purposes are grouped into activities by family (service, marketing, advertising, analytics,
personalisation, security, legal, recruitment); categories, recipients and retention rules
join the activities whose purposes the text states in the same section, else the family
their kind belongs to. Each item keeps ``source_quote`` and, under the private key ``_conf``,
its confidence and why; :func:`strip_confidence` takes those out keyed by the item's path.
If the draft still does not validate, the offending items are dropped and listed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from egide.domain.jurisdictions import is_eea
from egide.notice.importer.assemble_parts import (
    activity_for_category,
    activity_for_recipient,
    activity_for_retention,
    build_cookies,
    build_rights,
    channel,
    conf,
    contradictions,
    quote,
)
from egide.notice.importer.extract import Findings, PurposeFinding, withdrawal_for
from egide.register.model import LegalBasis, Register
from egide.register.validation import validate_register

FAMILIES: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("security", "Sécurité et prévention de la fraude", "Security and fraud prevention",
     ("essential.service.security", "essential.fraud_detection")),
    ("legal", "Obligations légales et contentieux", "Legal obligations and disputes",
     ("essential.legal_obligation", "third_party_sharing.legal_obligation", "operations")),
    ("analytics", "Mesure d'audience et amélioration des services", "Analytics and service improvement",
     ("analytics.reporting.system", "functional.service.improve", "essential.service.operations.improve")),
    ("marketing", "Prospection et communications commerciales", "Marketing communications",
     ("marketing.communications", "third_party_sharing")),
    ("advertising", "Publicité et ciblage", "Advertising and targeting", ("marketing", "analytics.reporting.ad_performance")),
    ("analytics", "Mesure d'audience et amélioration des services", "Analytics and service improvement", ("analytics",)),
    ("personalization", "Personnalisation et préférences", "Personalisation and preferences", ("personalize", "functional")),
    ("recruitment", "Recrutement", "Recruitment", ("employment",)),
    ("service", "Fourniture du service et gestion des clients", "Service delivery and customer management",
     ("essential", "sales", "finance")),
    ("other", "Autres traitements", "Other processing", ("",)),
]
_SUBJECTS = {"service": ["customer"], "marketing": ["customer", "prospect"], "advertising": ["visitor", "customer"],
             "analytics": ["visitor", "customer"], "personalization": ["visitor", "customer"],
             "security": ["visitor", "customer"], "legal": ["customer"], "recruitment": ["job_applicant"],
             "other": ["customer"]}


def family_of(use: str) -> tuple[str, str, str]:
    for key, fr, en, prefixes in FAMILIES:
        if any(p == "" or use == p or use.startswith(p + ".") for p in prefixes):
            return key, fr, en
    return "other", "Autres traitements", "Other processing"


@dataclass
class Draft:
    """A draft register with, beside it, what a DPO needs to review it."""

    register: dict[str, Any]
    confidence: dict[str, dict[str, Any]]
    gaps: list[dict[str, str]]
    contradictions: list[dict[str, str]]
    language: str
    source: str
    dropped: list[str] = field(default_factory=list)


def build_register(f: Findings) -> tuple[dict[str, Any], list[str]]:
    """The register as a dict (items carry ``_conf``), and the items dropped to make it valid."""
    lang = f.policy.language
    register: dict[str, Any] = {"egide": 1, "policy": _policy(f), "controller": _controller(f)}
    if f.dpo.fields:
        register["dpo"] = {**f.dpo.fields, "source_quote": quote(f.dpo.segment), **conf(f.dpo.confidence, f.dpo.why)}
    if f.authority.fields:
        register["supervisory_authority"] = {**f.authority.fields, "source_quote": quote(f.authority.segment),
                                             **conf(f.authority.confidence, f.authority.why)}
    activities = _activities(f)
    taxonomy = _taxonomy(f, activities)
    if taxonomy:
        register["taxonomy"] = taxonomy
    recipients = _recipients(f, activities)
    register["statements"] = [{"claim": s.claim.value, **({"scope": s.scope} if s.scope else {}),
                               "source_quote": quote(s.segment), **conf(0.8, "a sweeping statement of the text")}
                              for s in f.statements]
    register["recipients"] = recipients
    _transfers(f, activities)
    _decisions(f, activities, lang)
    register["activities"] = list(activities.values())
    register["retention"] = _retention(f, activities)
    cookies, cookie_policy = build_cookies(f, activities, recipients)
    if cookie_policy:
        register["cookie_policy"] = cookie_policy
    register["cookies"] = cookies
    register["rights"] = build_rights(f)
    return register, repair(register)


def _policy(f: Findings) -> dict[str, Any]:
    policy: dict[str, Any] = {"version": f.date[0] if f.date else "undated (imported draft)",
                              "language": f.policy.language, "source": f.name}
    if f.date:
        policy["effective_date"] = f.date[1]
        policy["source_quote"] = quote(f.date[2])
    if f.title is not None:
        policy["title"] = f.title.text
    policy.update(conf(0.9 if f.date else 0.3, "the text's date" if f.date else "the text states no date"))
    return policy


def _controller(f: Findings) -> dict[str, Any]:
    fields = dict(f.controller.fields)
    fields.setdefault("name", "(not stated in the text)" if f.policy.language == "en" else "(non indiqué dans le texte)")
    if f.controller.segment is not None:
        fields["source_quote"] = quote(f.controller.segment)
    return {**fields, **conf(f.controller.confidence, f.controller.why)}


def _activities(f: Findings) -> dict[str, dict[str, Any]]:
    activities: dict[str, dict[str, Any]] = {}
    best: dict[tuple[str, str], PurposeFinding] = {}
    for p in f.purposes:
        family = family_of(p.use)[0]
        if (family, p.use) not in best or p.confidence > best[(family, p.use)].confidence:
            best[(family, p.use)] = p
    for (family, _), p in sorted(best.items(), key=lambda item: item[1].segment.index):
        key, fr, en = family_of(p.use)
        activity = activities.setdefault(key, {
            "key": key, "name": fr if f.policy.language == "fr" else en,
            "data_subjects": [s for s in _SUBJECTS[key] if s in f.subjects],
            "purposes": [], "data_categories": [], "recipients": [], "transfers": [], "automated_decisions": [],
            "source_quote": quote(p.segment), "_sections": set(), **conf(0.7, "grouped by the family of its purposes")})
        activity["purposes"].append(_purpose(f, p))
        activity["_sections"].add(p.segment.section)
    if not activities:
        activities["service"] = {
            "key": "service", "name": "Traitement non décrit" if f.policy.language == "fr" else "Processing not described",
            "data_subjects": [], "description": "The text states no purpose this import could read: placeholder.",
            "purposes": [{"use": "essential.service", "legal_basis": "contract",
                          "description": "placeholder: the text states no purpose", **conf(0.0, "placeholder")}],
            "data_categories": [], "recipients": [], "transfers": [], "automated_decisions": [], "_sections": set(),
            **conf(0.0, "no purpose found in the text")}
    for c in f.categories:
        key = activity_for_category(activities, c)
        entry = activities[key]
        if any(existing["key"] == c.key for existing in entry["data_categories"]):
            continue
        item = {"key": c.key, "source_quote": quote(c.segment), **conf(c.confidence, "named in the text")}
        if c.source != "provided":
            item["source"] = c.source
        entry["data_categories"].append(item)
    return activities


def _taxonomy(f: Findings, activities: dict[str, dict[str, Any]]) -> dict[str, list[dict[str, str]]]:
    """The register's own keys the draft uses (and their own parents), as the taxonomy given declares them."""
    used = {c["key"] for a in activities.values() for c in a["data_categories"]} | \
        {p["use"] for a in activities.values() for p in a["purposes"]}
    wanted: list[str] = []
    while used:
        key = used.pop()
        entry = f.labels.entry(key)
        if entry is not None and key not in wanted:
            wanted.append(key)
            used.add(entry.parent)
    taxonomy: dict[str, list[dict[str, str]]] = {}
    for kind, entries in (("data_categories", f.labels.custom_categories), ("data_uses", f.labels.custom_uses)):
        chosen = [{k: v for k, v in e.model_dump(mode="json").items() if v is not None} for e in entries
                  if e.key in wanted]
        if chosen:
            taxonomy[kind] = chosen
    return taxonomy


def _purpose(f: Findings, p: PurposeFinding) -> dict[str, Any]:
    why = {"stated": "legal basis stated in the same sentence",
           "section": "legal basis stated elsewhere in the same section or list",
           "default": "legal basis not stated: the usual basis for this purpose is assumed"}[p.how]
    item: dict[str, Any] = {"use": p.use, "legal_basis": p.basis.value, "source_quote": quote(p.segment),
                            **conf(p.confidence, why)}
    if p.how == "default":
        item["description"] = f"Legal basis not stated in the text: {p.basis.value} assumed."
    if p.basis is LegalBasis.legitimate_interests and p.interest:
        item["legitimate_interest"] = p.interest
    if p.basis is LegalBasis.consent:
        item["withdrawal_channels"] = [channel(k, a, s) for k, a, s in withdrawal_for(f.policy, p.segment)]
        consent: dict[str, Any] = {}
        if p.pre_ticked is not None:
            consent.update(pre_ticked=True, source_quote=quote(p.pre_ticked))
        if p.soft_opt_in is not None:
            consent.update(soft_opt_in=True, source_quote=consent.get("source_quote") or quote(p.soft_opt_in))
        if consent:
            item["consent"] = consent
    return item


def _recipients(f: Findings, activities: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    items = []
    for r in f.recipients.values():
        item: dict[str, Any] = {"key": r.key, "name": r.name, "kind": r.kind.value, "description": r.description,
                                "source_quote": quote(r.segment), **conf(r.confidence, r.why)}
        if r.country:
            item["country"] = r.country
        items.append(item)
        key = activity_for_recipient(activities, r)
        if r.key not in activities[key]["recipients"]:
            activities[key]["recipients"].append(r.key)
    return items


def _transfers(f: Findings, activities: dict[str, dict[str, Any]]) -> None:
    for t in f.transfers:
        if is_eea(t.country):
            continue
        key = next((k for k, a in activities.items() if t.recipient in a["recipients"]), next(iter(activities)))
        if t.recipient not in activities[key]["recipients"]:
            activities[key]["recipients"].append(t.recipient)
        item: dict[str, Any] = {"country": t.country, "recipient": t.recipient, "source_quote": quote(t.segment),
                                **conf(t.confidence, t.why + (f"; {t.note}" if t.note else ""))}
        if t.safeguard is not None:
            item["safeguard"] = t.safeguard.value
        activities[key]["transfers"].append(item)


def _decisions(f: Findings, activities: dict[str, dict[str, Any]], lang: str) -> None:
    for n, d in enumerate(f.decisions, start=1):
        key = next((k for k, a in activities.items() if d.segment.section in a["_sections"]),
                   "security" if "security" in activities else next(iter(activities)))
        item: dict[str, Any] = {"key": f"automated-decision-{n}",
                                "description": "Décision prise automatiquement (voir la citation)." if lang == "fr"
                                else "A decision taken automatically (see the quote).",
                                "source_quote": quote(d.segment), **conf(0.6, "a decision the text says is automatic")}
        if d.logic is not None:
            item["logic"] = d.logic.text
        activities[key]["automated_decisions"].append(item)


def _retention(f: Findings, activities: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = []
    used: set[str] = set()
    for n, r in enumerate(f.retention, start=1):
        keys = activity_for_retention(activities, r)
        key = f"retention-{n}"
        rule: dict[str, Any] = {"key": key, "activities": keys, "duration": r.duration, "clock": r.clock.value,
                                "action": r.action.value, "source_quote": quote(r.segment), **conf(r.confidence, r.why)}
        if r.subjects:
            rule["data_subjects"] = r.subjects
        if r.minimum:
            rule["minimum"] = True
        if r.legal_reference:
            rule["legal_reference"] = r.legal_reference
        if r.legal_obligation:
            rule["legal_basis"] = "legal_obligation"
        if r.recontact:
            rule["recontact"] = {"after": r.recontact[0], "source_quote": quote(r.recontact[1])}
        if r.archive_for:
            rule["archive_for"] = r.archive_for
        ident = f"{r.duration}|{r.clock.value}|{','.join(keys)}|{r.segment.index}"
        if ident not in used:
            used.add(ident)
            rules.append(rule)
    return rules


def repair(register: dict[str, Any]) -> list[str]:
    """Drop the items that keep the draft from validating; say which."""
    dropped: list[str] = []
    for _ in range(40):
        clean, _conf = strip_confidence(register)
        try:
            model = Register.model_validate(clean)
        except ValidationError as exc:
            location = [p for p in exc.errors()[0]["loc"] if isinstance(p, (str, int))]
            dropped.append(_drop(register, location, exc.errors()[0]["msg"]))
            continue
        problems = validate_register(model)
        if not problems:
            return dropped
        dropped.append(_drop(register, _parts(problems[0].path), problems[0].message))
    return dropped


def _parts(path: str) -> list[str | int]:
    parts: list[str | int] = []
    for token in path.replace("[", ".[").split("."):
        if token:
            parts.append(int(token[1:-1]) if token.startswith("[") else token)
    return parts


def _drop(register: dict[str, Any], location: list[str | int], reason: str) -> str:
    node: Any = register
    parent: Any = None
    index: Any = None
    for part in location:
        if isinstance(node, list) and isinstance(part, int) and part < len(node):
            parent, index = node, part
        elif not (isinstance(node, dict) and part in node):
            break
        node = node[part]
    if parent is None:
        key = location[0] if location else "?"
        if isinstance(register.get(key), dict) and key not in ("policy", "controller"):
            register.pop(key)
            return f"{key}: dropped ({reason})"
        raise RuntimeError(f"cannot repair the draft at {location}: {reason}")
    removed = parent.pop(index)
    return f"{'.'.join(str(p) for p in location)}: dropped {removed.get('key') or removed.get('use') or ''} ({reason})"


def strip_confidence(node: Any, path: str = "") -> tuple[Any, dict[str, dict[str, Any]]]:
    """The register without private keys, and the confidences keyed by item path."""
    found: dict[str, dict[str, Any]] = {}
    if isinstance(node, dict):
        clean = {}
        for key, value in node.items():
            if key == "_conf":
                found[path or "register"] = value
            elif not key.startswith("_"):
                sub, more = strip_confidence(value, f"{path}.{key}" if path else key)
                clean[key] = sub
                found.update(more)
        return clean, found
    if isinstance(node, list):
        items = []
        for i, value in enumerate(node):
            sub, more = strip_confidence(value, f"{path}[{i}]")
            items.append(sub)
            found.update(more)
        return items, found
    return node, found


__all__ = ["Draft", "build_register", "contradictions", "family_of", "strip_confidence"]
