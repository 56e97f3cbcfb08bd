"""Pieces of the draft register: where an item goes (which activity), cookies, rights, and the
contradictions between what the text claims and what it describes."""

from __future__ import annotations

import re
from typing import Any

from egide.domain.jurisdictions import is_eea
from egide.notice.importer.extract import CategoryFinding, Findings
from egide.notice.importer.gazetteer import KNOWN, find_known_recipients
from egide.notice.importer.recipients import RecipientFinding
from egide.notice.importer.retention import RetentionFinding
from egide.notice.importer.text import Segment
from egide.register.model import ChannelKind, Claim, CookieCategory, LegalBasis, Right

_OBSERVED_KEYS = ("user.device", "user.behavior.browsing_history", "user.telemetry", "user.location")
_SERVICE_FAMILY = {"web analytics": "analytics", "session analytics": "analytics", "product analytics": "analytics",
                   "A/B testing": "analytics", "tag management": "analytics", "advertising": "advertising",
                   "advertising and conversion tracking": "advertising", "social network and advertising": "advertising",
                   "lead generation ads": "advertising", "social network": "advertising", "email marketing": "marketing",
                   "payment": "service", "delivery": "service", "chat": "service", "customer support": "service",
                   "customer messaging": "service", "credit information": "service"}
_KNOWN_SERVICE = {k.key: k.service for k in KNOWN}


def quote(seg: Segment | None) -> str | None:
    return seg.quote() if seg is not None else None


def conf(value: float, why: str) -> dict[str, Any]:
    return {"_conf": {"confidence": round(value, 2), "why": why}}


def channel(kind: ChannelKind, address: str | None, seg: Segment) -> dict[str, Any]:
    item: dict[str, Any] = {"kind": kind.value, "source_quote": seg.quote()}
    if address:
        item["address"] = address
    return item


def _first(activities: dict[str, dict[str, Any]], *keys: str) -> str:
    return next((k for k in keys if k in activities), next(iter(activities)))


def _by_section(activities: dict[str, dict[str, Any]], sections: list[str]) -> list[str]:
    return [k for k, a in activities.items() if any(s in a["_sections"] for s in sections)]


def activity_for_category(activities: dict[str, dict[str, Any]], c: CategoryFinding) -> str:
    same = _by_section(activities, [c.segment.section])
    if same:
        return same[0]
    if c.key.startswith(("user.device.cookie_id",)):
        return _first(activities, "analytics", "advertising", "personalization", "service")
    if c.key.startswith(_OBSERVED_KEYS):
        return _first(activities, "analytics", "security", "service")
    return _first(activities, "service", "marketing")


def activity_for_recipient(activities: dict[str, dict[str, Any]], r: RecipientFinding) -> str:
    same = _by_section(activities, [m.section for m in r.mentions])
    family = _SERVICE_FAMILY.get(_KNOWN_SERVICE.get(r.key, ""))
    if family and family in activities and (not same or family in same):
        return family
    if same:
        return same[0]
    if r.kind.value == "public_body":
        return _first(activities, "legal", "service")
    return _first(activities, family or "service", "service")


_RETENTION_CUES = [
    (r"prospect|prospection|newsletter|lettres? d'information|marketing|sollicitation|commercial",
     ("marketing", "advertising")),
    (r"cookie|traceur|audience|statisti|analytics", ("analytics", "advertising", "personalization")),
    (r"fraude|securite|journa|\blogs?\b|connexion|incident|ddos|video|camera", ("security",)),
    (r"comptab|factur|fiscal|preuve|obligation legale|contentieux|litige", ("legal", "service")),
    (r"candidat|recrut|applicant", ("recruitment",)),
    (r"opposition|desinscri|consentement", ("marketing", "personalization")),
]


def activity_for_retention(activities: dict[str, dict[str, Any]], r: RetentionFinding) -> list[str]:
    same = _by_section(activities, [r.segment.section])
    if same:
        return same[:2]
    text = r.segment.norm + " " + r.segment.section
    for pattern, families in _RETENTION_CUES:
        if re.search(pattern, text):
            present = [f for f in families if f in activities]
            if present:
                return present[:1]
    return [_first(activities, "service")]


# --- cookies -----------------------------------------------------------------------------------------

_PURPOSE_FR = {CookieCategory.strictly_necessary: "fonctionnement du site (strictement nécessaires)",
               CookieCategory.functional: "mémoriser les choix et préférences", CookieCategory.analytics:
               "mesure d'audience et statistiques", CookieCategory.advertising: "publicité et ciblage",
               CookieCategory.social: "partage et fonctions des réseaux sociaux",
               CookieCategory.partners: "cookies déposés par des partenaires"}
_PURPOSE_EN = {c: c.value.replace("_", " ") for c in CookieCategory}
_COOKIE_ACTIVITY = {CookieCategory.analytics: ("analytics", "advertising"),
                    CookieCategory.advertising: ("advertising", "marketing", "analytics"),
                    CookieCategory.social: ("advertising", "analytics"), CookieCategory.partners: ("advertising",),
                    CookieCategory.functional: ("personalization", "analytics"), CookieCategory.strictly_necessary: ()}


def build_cookies(f: Findings, activities: dict[str, dict[str, Any]],
                  recipients: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    keys = {r["key"] for r in recipients}
    controller = f.controller.fields.get("name", "controller")
    cookies = []
    for c in f.cookies:
        item: dict[str, Any] = {
            "name": c.name, "provider": c.provider_key if c.provider_key in keys else controller,
            "category": c.category.value,
            "purpose": (_PURPOSE_FR if f.policy.language == "fr" else _PURPOSE_EN)[c.category],
            "source_quote": quote(c.segment), **conf(c.confidence, c.why)}
        if c.lifetime:
            item["lifetime"] = c.lifetime
        if c.category is CookieCategory.strictly_necessary:
            item["exempt"] = True
        else:
            activity = next((k for k in _COOKIE_ACTIVITY[c.category] if k in activities and any(
                p["legal_basis"] == LegalBasis.consent.value for p in activities[k]["purposes"])), None)
            if activity:
                item["activity"] = activity
        cookies.append(item)
    policy = None
    if f.cookie_policy is not None:
        policy = {"consent_mechanism": f.cookie_policy.mechanism.value, "source_quote": quote(f.cookie_policy.segment),
                  **conf(0.75, "how the text says cookie consent is obtained")}
    return cookies, policy


# --- rights ------------------------------------------------------------------------------------------

def build_rights(f: Findings) -> dict[str, Any]:
    r = f.rights
    order = list(Right)
    rights: dict[str, Any] = {"offered": [x.value for x in sorted(r.offered, key=order.index)]}
    if r.deadline:
        rights["response_deadline"] = r.deadline[0]
    if r.extension:
        rights["extension"] = {"allowed": r.extension[0], "condition": r.extension[1].text}
    if r.identity:
        rights["identity_proof"] = r.identity[0]
        rights["identity_proof_method"] = r.identity[1].text
    if r.fee is not None:
        rights["fee_policy"] = r.fee.text
    if r.channels:
        rights["channels"] = [channel(kind, address, seg) for kind, address, seg in r.channels]
    first = r.deadline[1] if r.deadline else next(iter(r.offered.values()), None)
    if first is not None:
        rights["source_quote"] = first.quote()
    why = "response deadline stated" if r.deadline else "response deadline not stated: the legal default (P1M) applies"
    return {**rights, **conf(0.8 if r.offered else 0.2, why)}


# --- contradictions ---------------------------------------------------------------------------------

def contradictions(f: Findings) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    claims = {s.claim: s for s in f.statements}
    outside = [t for t in f.transfers if not is_eea(t.country)]
    for claim in (Claim.no_transfer_outside_eu, Claim.data_hosted_in_eu):
        statement = claims.get(claim)
        named = {m.known.key for m in find_known_recipients(statement.segment.text, statement.segment.norm)} \
            if statement else set()
        for t in outside if statement else []:
            if named and not any(t.recipient == k or t.recipient.startswith(k + "-") for k in named):
                continue  # the claim is about other recipients ("X only uses servers in the EU")
            found.append({
                "claim": claim.value, "statement_quote": statement.segment.quote(), "conflicting_quote": t.segment.quote(),
                "message": f"the text says {claim.value.replace('_', ' ')}, yet sends data to {t.country} "
                           f"({t.recipient})"})
    statement = claims.get(Claim.no_automated_decisions)
    for d in f.decisions if statement else []:
        found.append({"claim": Claim.no_automated_decisions.value, "statement_quote": statement.segment.quote(),
                      "conflicting_quote": d.segment.quote(),
                      "message": "the text says no decision is automated, yet describes one"})
    statement = claims.get(Claim.no_sale_of_data)
    for p in f.purposes if statement else []:
        if p.use == "third_party_sharing":
            found.append({"claim": Claim.no_sale_of_data.value, "statement_quote": statement.segment.quote(),
                          "conflicting_quote": p.segment.quote(),
                          "message": "the text says data is not sold or given away, yet shares it with partners"})
    mechanisms = {f.cookie_policy.mechanism.value} if f.cookie_policy else set()
    if "continued_browsing" in mechanisms and any(re.search(r"bandeau|banniere|consent banner", s.norm)
                                                  for s in f.policy.segments):
        found.append({"claim": "cookie_consent", "statement_quote": f.cookie_policy.segment.quote() if f.cookie_policy else "",
                      "conflicting_quote": next(s.quote() for s in f.policy.segments
                                                if re.search(r"bandeau|banniere|consent banner", s.norm)),
                      "message": "the text takes cookie consent from continued browsing and also mentions a banner"})
    return found
