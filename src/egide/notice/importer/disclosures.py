"""Where the data goes outside the EEA, what the text claims about it, and the decisions it takes
automatically: transfers with their safeguards, sweeping statements ("aucun transfert hors de
l'UE") and art. 22 decisions. Who receives the data is read in :mod:`.recipients`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from egide.domain.jurisdictions import is_eea
from egide.notice.importer.recipients import (
    RECIPIENT_CONTEXT,
    RECIPIENT_SECTION,
    RecipientFinding,
    list_intro,
    named_recipients,
)
from egide.notice.importer.text import PolicyText, Segment
from egide.register.model import Claim, RecipientKind, Safeguard

NEGATION = re.compile(r"\b(?:aucun|aucune|jamais)\b|\bne\b[^.;]{0,80}\b(?:pas|jamais|aucun|aucune)\b|\bn'[^.;]{0,80}\b"
                      r"(?:pas|jamais|aucun)\b|\b(?:no|not|never)\b")

NON_EEA = [
    (r"etats-unis|etats unis|united states|u\.s\.a\.?|\busa\b|amerique du nord", "US"),
    (r"royaume-uni|royaume uni|united kingdom|grande-bretagne|angleterre", "GB"), (r"suisse|switzerland", "CH"),
    (r"\bcanada\b", "CA"), (r"\binde\b|\bindia\b", "IN"), (r"\bchine\b|\bchina\b", "CN"), (r"japon|japan", "JP"),
    (r"israel", "IL"), (r"australie|australia", "AU"), (r"singapour|singapore", "SG"), (r"bresil|brazil", "BR"),
    (r"\bmaroc\b|morocco", "MA"), (r"tunisie|tunisia", "TN"), (r"madagascar", "MG"), (r"ile maurice|mauritius", "MU"),
    (r"senegal", "SN"), (r"philippines", "PH"), (r"ukraine", "UA"), (r"russie|russia", "RU"),
    (r"coree du sud|south korea", "KR"), (r"nouvelle-zelande|new zealand", "NZ"), (r"argentine|argentina", "AR"),
    (r"uruguay", "UY"), (r"mexique|mexico", "MX"), (r"turquie|turkey", "TR"), (r"vietnam|viet nam", "VN"),
    (r"serbie|serbia", "RS"), (r"egypte|egypt", "EG"), (r"afrique du sud|south africa", "ZA"),
    (r"emirats arabes unis|united arab emirates", "AE"), (r"hong kong", "HK"), (r"taiwan", "TW"),
    (r"colombie|colombia", "CO"), (r"\bchili\b|\bchile\b", "CL"), (r"indonesie|indonesia", "ID"),
    (r"algerie|algeria", "DZ"), (r"cote d'ivoire", "CI"), (r"cameroun|cameroon", "CM"), (r"liban|lebanon", "LB"),
]
_COUNTRIES = [(re.compile(p), code) for p, code in NON_EEA]
_TO_COUNTRY = re.compile(r"(?:\baux|\bau|\ben|vers (?:les |le |la |l')?|dans (?:un |des )?pays? (?:tiers )?(?:comme |tels? "
                         r"que )?|situes? (?:aux|au|en)|\bin the|\bto the|\bin|\bto|\bwithin the)\s*$")
TRANSFER_CUE = re.compile(r"transf|transmi|envoy|heberg|stock|serveurs?|traitees? (?:aux|en|au)|localis|situes?|"
                          r"transfer|hosted|stored|servers?|processed (?:in|outside)|sent to|acceder aux donnees")
_SAFEGUARDS = [
    (Safeguard.standard_contractual_clauses, r"clauses contractuelles (?:types|standards?|de la commission)|clauses types|"
                                             r"standard contractual clauses|\bscc\b|\bcct\b|modeles? de clauses"),
    (Safeguard.binding_corporate_rules, r"regles d'entreprise contraignantes|binding corporate rules|\bbcr\b"),
    (Safeguard.adequacy, r"decision d'adequation(?! de la commission europeenne ou)|adequacy decision|data privacy "
                         r"framework|\bdpf\b|privacy shield|bouclier de protection"),
    (Safeguard.code_of_conduct, r"code de conduite|code of conduct"),
    (Safeguard.certification, r"certification (?:approuvee|art)|approved certification"),
]
_CONSENT = re.compile(r"consent")
_NO_SAFEGUARD = re.compile(r"sans garanties?|without (?:appropriate |adequate |any )?safeguards?")


@dataclass
class TransferFinding:
    country: str
    recipient: str
    safeguard: Safeguard | None
    segment: Segment
    confidence: float
    why: str
    note: str = ""


@dataclass
class StatementFinding:
    claim: Claim
    segment: Segment
    scope: str | None = None


@dataclass
class DecisionFinding:
    segment: Segment
    logic: Segment | None = None


def find_transfers(policy: PolicyText, recipients: dict[str, RecipientFinding]) -> list[TransferFinding]:
    transfers: list[TransferFinding] = []
    for seg in policy.segments:
        if _listed_with_country(policy, seg, recipients, transfers):
            continue
        countries = _countries(seg)
        if not countries or not TRANSFER_CUE.search(seg.norm) or _negated_transfer(seg.norm):
            continue
        keys = _recipients_of(policy, seg, recipients)
        safeguard, note = _safeguard(policy, seg)
        for country in countries:
            if not keys:
                key = f"unnamed-recipient-{country.lower()}"
                if key not in recipients:
                    recipients[key] = RecipientFinding(
                        key, f"Destinataire non nommé ({country})" if policy.language == "fr" else
                        f"Unnamed recipient ({country})", RecipientKind.third_party, country,
                        "the text sends data to this country without naming who receives it", seg, 0.5,
                        "a transfer with no named recipient", [seg])
                keys = [key]
            for key in keys:
                transfers.append(TransferFinding(country, key, safeguard, seg, 0.8 if keys else 0.5,
                                                 "the text sends data to a country outside the EEA", note))
    return _unique_transfers(transfers)


_EEA_NAMES = [(re.compile(p), code) for p, code in [
    (r"\bfrance\b", "FR"), (r"irlande|ireland", "IE"), (r"allemagne|germany", "DE"), (r"pays-bas|netherlands", "NL"),
    (r"belgique|belgium", "BE"), (r"luxembourg", "LU"), (r"espagne|spain", "ES"), (r"italie|italy", "IT"),
    (r"suede|sweden", "SE"), (r"finlande|finland", "FI"), (r"danemark|denmark", "DK"), (r"pologne|poland", "PL"),
    (r"autriche|austria", "AT"), (r"portugal", "PT"), (r"norvege|norway", "NO")]]


def _listed_with_country(policy: PolicyText, seg: Segment, recipients: dict[str, RecipientFinding],
                         transfers: list[TransferFinding]) -> bool:
    """A list item or table row naming a recipient and a country ("Intercom (support, États-Unis) – clauses
    contractuelles types") states where that recipient processes the data."""
    if seg.kind not in ("item", "row"):
        return False
    intro = list_intro(policy, seg)
    if not (RECIPIENT_SECTION.search(seg.section) or (intro is not None and RECIPIENT_CONTEXT.search(intro.norm))):
        return False
    named = [key for key in named_recipients(seg, recipients) if key in recipients]
    codes = [code for pattern, code in _COUNTRIES + _EEA_NAMES if pattern.search(seg.norm)]
    if len(named) != 1 or len(set(codes)) != 1 or _negated_transfer(seg.norm):
        return False
    key, country = named[0], codes[0]
    recipients[key].country = recipients[key].country or country
    if not is_eea(country):
        safeguard, note = _safeguard(policy, seg)
        transfers.append(TransferFinding(country, key, safeguard, seg, 0.75,
                                         "a listed recipient with the country where it processes the data", note))
    return True


def _countries(seg: Segment) -> list[str]:
    codes: list[str] = []
    for pattern, code in _COUNTRIES:
        for m in pattern.finditer(seg.norm):
            if _TO_COUNTRY.search(seg.norm[max(0, m.start() - 40):m.start()]) and code not in codes:
                codes.append(code)
    if re.search(r"(?:to|in) the (?:US|U\.S\.)\b", seg.text) and "US" not in codes:
        codes.append("US")
    return [c for c in codes if not is_eea(c)]


def _negated_transfer(norm: str) -> bool:
    return bool(re.search(r"(?:aucun|pas de|sans) transfert|ne (?:sont|seront|font|feront) (?:pas|jamais|l'objet d'aucun)"
                          r"[^.;]{0,40}transf|not (?:be )?transferred|no transfers?", norm))


def _recipients_of(policy: PolicyText, seg: Segment, recipients: dict[str, RecipientFinding]) -> list[str]:
    named = named_recipients(seg, recipients)
    if seg.ends_with_colon or seg.text.rstrip().endswith(":"):
        for follower in policy.segments[seg.index + 1:seg.index + 20]:
            if follower.kind not in ("item", "row"):
                break
            named += named_recipients(follower, recipients)
    if not named:
        for previous in reversed(policy.segments[max(0, seg.index - 6):seg.index]):
            if previous.section != seg.section:
                break
            named = named_recipients(previous, recipients)
            if named:
                break
    named = [_prefer_product(k, seg, recipients) for k in named]
    return list(dict.fromkeys(k for k in named if k in recipients))


def _prefer_product(key: str, seg: Segment, recipients: dict[str, RecipientFinding]) -> str:
    """"Google" in a sentence of the Google Analytics section means Google Analytics."""
    for other, finding in recipients.items():
        if other.startswith(key + "-") and any(m.section == seg.section for m in finding.mentions):
            return other
    return key


def _safeguard(policy: PolicyText, seg: Segment) -> tuple[Safeguard | None, str]:
    section = [s for s in policy.segments if s.section == seg.section and TRANSFER_CUE.search(s.norm)]
    for candidates in ([seg], section):
        for s in candidates:
            norm = s.norm
            if _CONSENT.search(norm) and _NO_SAFEGUARD.search(norm):
                return Safeguard.explicit_consent, "consent to a transfer without safeguards (art. 49(1)(a))"
            for safeguard, pattern in _SAFEGUARDS:
                if re.search(pattern, norm):
                    note = ("the Privacy Shield was invalidated on 16 July 2020 (CJEU C-311/18)"
                            if "privacy shield" in norm or "bouclier" in norm else "")
                    return safeguard, note
            if _NO_SAFEGUARD.search(norm):
                return Safeguard.none, "the text says the transfer has no safeguard"
            if s is seg and _CONSENT.search(norm) and re.search(r"transf", norm):
                return Safeguard.explicit_consent, "the transfer rests on consent (art. 49(1)(a))"
    return None, ""


def _unique_transfers(transfers: list[TransferFinding]) -> list[TransferFinding]:
    seen: set[tuple[str, str]] = set()
    kept = []
    for t in transfers:
        if (t.country, t.recipient) not in seen:
            seen.add((t.country, t.recipient))
            kept.append(t)
    return kept


# --- statements and contradictions ------------------------------------------------------------------

_CLAIMS = [
    (Claim.no_transfer_outside_eu, r"(?:aucun|pas de) transferts?[^.;]{0,80}(?:hors|en dehors|exterieur)|ne (?:sont|seront|"
                                   r"font|feront)[^.;]{0,40}(?:pas|jamais|aucun)[^.;]{0,40}transf[^.;]{0,60}(?:hors|en dehors|"
                                   r"exterieur)|(?:not|never) (?:be )?transferred outside|no transfers? outside"),
    (Claim.data_hosted_in_eu, r"(?:heberge|stocke|conserve|localise)e?s?[^.;]{0,120}(?:en france|en europe|dans l'union "
                              r"europeenne|au sein de l'(?:ue|union europeenne)|dans l'ue|dans l'eee)|serveurs?[^.;]{0,60}"
                              r"(?:situes?|localises?|heberges?) (?:en france|en europe|dans l'union europeenne|dans l'ue)|"
                              r"(?:hosted|stored) (?:in|within) the (?:eu|european union|eea)"),
    (Claim.no_sale_of_data, r"ne (?:feront|font|seront|sont) pas l'objet (?:de|d'une?) (?:cessions?|ventes?|locations?)|"
                            r"ne (?:vendons|louons|cedons|commercialisons)[^.;]{0,40}(?:pas|jamais)|(?:jamais|pas) "
                            r"(?:vendues|louees|cedees|commercialisees)|do not sell|never sell|will not (?:be )?sold|"
                            r"(?:aucune?) (?:vente|cession|location) de (?:vos|ces) donnees"),
    (Claim.no_automated_decisions, r"(?:aucune|pas de) (?:prise de )?decisions? (?:individuelles? )?(?:entierement |"
                                   r"exclusivement )?(?:automatisees?|fondees? (?:exclusivement|uniquement) sur)|"
                                   r"no (?:solely )?automated decision|not (?:be )?subject to (?:any )?automated"),
    (Claim.no_cvv_storage, r"(?:cryptogramme|\bcvv2?\b|\bcvc\b|code de securite)[^.;]{0,100}(?:ne (?:sont|est) (?:pas|jamais) "
                           r"(?:stocke|conserve|enregistre)|n'est (?:pas|jamais) (?:stocke|conserve))"),
    (Claim.no_special_categories, r"(?:aucune|ne (?:collectons|traitons) (?:pas|aucune)) (?:de )?donnees? sensibles|"
                                  r"no (?:sensitive|special categor)"),
]
_CLAIM_PATTERNS = [(claim, re.compile(p)) for claim, p in _CLAIMS]


def find_statements(policy: PolicyText) -> list[StatementFinding]:
    found: list[StatementFinding] = []
    seen: set[Claim] = set()
    for seg in policy.segments:
        if re.search(r"\bdroit (?:de ne pas|d'opposition)|right not to", seg.norm):
            continue
        for claim, pattern in _CLAIM_PATTERNS:
            if claim in seen:
                continue
            match = pattern.search(seg.norm)
            if match:
                scope = _scope(seg)
                found.append(StatementFinding(claim, seg, scope))
                seen.add(claim)
    return found


def _scope(seg: Segment) -> str | None:
    match = re.search(r"dans le cadre (?:de|du|des)[^.;]{5,120}", seg.norm)
    return seg.text[match.start():match.end()] if match else None


_DECISION = re.compile(r"decid|decision|declin|rejet|refus|accept|approv|reject")
_AUTOMATIC = re.compile(r"automati|score|scoring|algorithm|procedure mathematique|profil")
_RIGHT = re.compile(r"\bdroit\b|\bright\b|\bvous (?:pouvez|avez)\b|ne pas faire l'objet|not to be subject")


def find_automated_decisions(policy: PolicyText) -> list[DecisionFinding]:
    found: list[DecisionFinding] = []
    for seg in policy.segments:
        norm = seg.norm
        if not (_DECISION.search(norm) and _AUTOMATIC.search(norm)) or _RIGHT.search(norm) or NEGATION.search(norm):
            continue
        if not re.search(r"automatiquement|de maniere automatique|automatisee|automated|automatically|score|scoring|"
                         r"algorithm", norm):
            continue
        previous = policy.segments[seg.index - 1] if seg.index else None
        found.append(DecisionFinding(seg, previous if previous and previous.section == seg.section else None))
    return found
