"""What the policy does not say, article by article of GDPR art. 13 (and art. 12(3)).

Each gap names the article, the item the text should state, and what is missing, so a DPO
knows what to add to the notice, not only what to fix in the register.
"""

from __future__ import annotations

from typing import Any

from egide.domain.jurisdictions import is_eea
from egide.notice.importer.extract import Findings
from egide.register.model import Claim, LegalBasis, Register, Right

_CORE_RIGHTS = [Right.access, Right.rectification, Right.erasure, Right.restriction, Right.objection, Right.portability]


def _gap(article: str, item: str, message: str) -> dict[str, str]:
    return {"article": article, "item": item, "message": message}


def completeness_gaps(f: Findings, register: Register) -> list[dict[str, str]]:
    gaps: list[dict[str, str]] = []
    gaps += _identity(f, register)
    gaps += _purposes(f, register)
    gaps += _recipients_and_transfers(f, register)
    gaps += _retention(f, register)
    gaps += _rights(f, register)
    gaps += _other(f, register)
    return gaps


def _identity(f: Findings, register: Register) -> list[dict[str, str]]:
    gaps = []
    c = register.controller
    if "name" not in f.controller.fields:
        gaps.append(_gap("art. 13(1)(a)", "controller identity", "the text does not name the controller"))
    if not (c.email or c.address or c.phone or c.postal_address or register.rights.channels):
        gaps.append(_gap("art. 13(1)(a)", "controller contact details",
                         "the text gives no way to contact the controller (email, postal address or phone)"))
    if register.dpo is None:
        gaps.append(_gap("art. 13(1)(b)", "DPO contact", "the text gives no contact for a data protection officer "
                         "(needed where a DPO is designated, art. 37)"))
    elif not (register.dpo.email or register.dpo.postal_address or register.dpo.phone):
        gaps.append(_gap("art. 13(1)(b)", "DPO contact", "the text mentions a DPO but gives no contact for it"))
    return gaps


def _purposes(f: Findings, register: Register) -> list[dict[str, str]]:
    gaps = []
    if not f.purposes:
        gaps.append(_gap("art. 13(1)(c)", "purposes", "the text states no purpose this import could read"))
    stated = {p.use for p in f.purposes if p.how != "default"}
    assumed = sorted({p.use for p in f.purposes if p.how == "default"} - stated)
    if assumed:
        gaps.append(_gap("art. 13(1)(c)", "legal basis", "no legal basis is stated for: " + ", ".join(assumed)))
    unstated = sorted({p.use for a in register.activities for p in a.purposes
                       if p.legal_basis is LegalBasis.legitimate_interests and not p.legitimate_interest})
    if unstated:
        gaps.append(_gap("art. 13(1)(d)", "legitimate interests",
                         "the interest pursued is not stated for: " + ", ".join(unstated)))
    return gaps


def _recipients_and_transfers(f: Findings, register: Register) -> list[dict[str, str]]:
    gaps = []
    if not register.recipients:
        gaps.append(_gap("art. 13(1)(e)", "recipients", "the text names no recipient or category of recipients"))
    transfers = [t for _, t in register.all_transfers() if not is_eea(t.country)]
    claims = {s.claim for s in register.statements}
    if not transfers and not claims & {Claim.no_transfer_outside_eu, Claim.data_hosted_in_eu} \
            and f.transfers_mentioned is None:
        gaps.append(_gap("art. 13(1)(f)", "transfers outside the EEA",
                         "the text does not say whether personal data leaves the EEA"))
    elif not transfers and f.transfers_mentioned is not None and not claims & {Claim.no_transfer_outside_eu}:
        gaps.append(_gap("art. 13(1)(f)", "transfer countries",
                         "the text speaks of transfers outside the EEA without naming the countries"))
    for t in transfers:
        if t.safeguard is None:
            gaps.append(_gap("art. 13(1)(f)", f"safeguard for {t.recipient} ({t.country})",
                             "the text names no safeguard (adequacy decision, standard contractual clauses, BCR, "
                             "art. 49 derogation) nor where to obtain a copy"))
    return gaps


def _retention(f: Findings, register: Register) -> list[dict[str, str]]:
    gaps = []
    if not register.retention:
        gaps.append(_gap("art. 13(2)(a)", "retention period",
                         "the text states no retention period nor the criteria used to set it"))
        return gaps
    covered = {key for r in register.retention for key in r.activities}
    missing = [a.key for a in register.activities if a.key not in covered]
    if missing:
        gaps.append(_gap("art. 13(2)(a)", "retention period",
                         "no retention period was read for the activities: " + ", ".join(missing)))
    assumed = [r for r in f.retention if "assumed" in r.why]
    for r in assumed:
        gaps.append(_gap("art. 13(2)(a)", "start of the retention period",
                         f"the text keeps data {r.duration} without saying from when (« {r.segment.text[:90]} »)"))
    return gaps


def _rights(f: Findings, register: Register) -> list[dict[str, str]]:
    gaps = []
    offered = set(register.rights.offered)
    missing = [r.value for r in _CORE_RIGHTS if r not in offered]
    if missing:
        gaps.append(_gap("art. 13(2)(b)", "rights", "the text does not mention the rights: " + ", ".join(missing)))
    consent = any(p.legal_basis is LegalBasis.consent for a in register.activities for p in a.purposes)
    if consent and Right.withdraw_consent not in offered:
        gaps.append(_gap("art. 13(2)(c)", "withdrawal of consent",
                         "processing rests on consent but the text does not say it can be withdrawn at any time"))
    if Right.complaint not in offered:
        gaps.append(_gap("art. 13(2)(d)", "complaint", "the text does not mention the right to lodge a complaint"))
    if register.supervisory_authority is None:
        gaps.append(_gap("art. 13(2)(d)", "supervisory authority", "the text does not name the supervisory authority"))
    if f.rights.deadline is None:
        gaps.append(_gap("art. 12(3)", "response time",
                         "the text does not say how fast requests are answered (one month, extendable by two)"))
    return gaps


def _other(f: Findings, register: Register) -> list[dict[str, str]]:
    gaps = []
    if f.mandatory_data is None:
        gaps.append(_gap("art. 13(2)(e)", "obligation to provide data",
                         "the text does not say which data is mandatory and what happens if it is not provided"))
    decisions = [d for a in register.activities for d in a.automated_decisions]
    claims = {s.claim for s in register.statements}
    if not decisions and Claim.no_automated_decisions not in claims:
        gaps.append(_gap("art. 13(2)(f)", "automated decisions",
                         "the text does not say whether decisions are taken solely by automated means"))
    for d in decisions:
        if not d.significance:
            gaps.append(_gap("art. 13(2)(f)", f"automated decision {d.key}",
                             "check that the text explains the logic involved and the consequences for the person"))
    if register.policy.effective_date is None:
        gaps.append(_gap("art. 12(1)", "date of the notice", "the text is undated: people cannot tell which version applies"))
    if register.cookies and all(c.lifetime is None for c in register.cookies):
        gaps.append(_gap("CNIL délibération 2020-091", "cookie lifetimes", "the text gives no cookie lifetime"))
    return gaps


def summary(gaps: list[dict[str, Any]]) -> str:
    return "\n".join(f"{g['article']}: {g['item']}: {g['message']}" for g in gaps)
