"""The rights a policy lists, how and how fast requests are answered, the channels it gives,
and its cookies: categories, lifetimes and how consent is asked."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from egide.notice.importer.controller import EMAIL, find_address
from egide.notice.importer.durations import find_periods
from egide.notice.importer.gazetteer import find_known_recipients
from egide.notice.importer.text import PolicyText, Segment, fold
from egide.register.model import ChannelKind, ConsentMechanism, CookieCategory, Right

_RIGHTS: list[tuple[Right, str]] = [
    (Right.portability, r"portabilite|portability|format structure|lisible par (?:une )?machine|machine-readable"),
    (Right.restriction, r"limitation du traitement|\blimitation\b(?! de (?:responsabilite|duree))|limiter (?:le|ce|leur) traitement|restreindre|restriction|limit the processing"),
    (Right.erasure, r"effacement|droit a l'oubli|suppression (?:de (?:vos|leurs|ses)|des) (?:donnees|informations)|"
                    r"supprimer (?:vos|des|leurs|ses) (?:donnees|informations)|demander la suppression|erasure|right to be "
                    r"forgotten|delete your (?:data|information)|deletion of your"),
    (Right.rectification, r"rectifi|corriger|correction|mise a jour (?:des|de vos) (?:informations|donnees)|modifier vos "
                          r"donnees|completer (?:vos|ces) (?:informations|donnees)|rectification|correct (?:your|inaccurate)"),
    (Right.access, r"droits? d'acces|acceder a (?:vos|leurs|ses) (?:donnees|informations)|obtenir (?:la )?communication|"
                   r"obtenir (?:une )?copie|copies? (?:de vos|des) donnees|apercu des donnees|(?:demander|obtenir) des "
                   r"(?:informations|explications) sur (?:vos|les) (?:informations|donnees)|confirmation que vos|connaitre "
                   r"les donnees|right (?:of|to) access|access (?:to )?your (?:data|personal)"),
    (Right.objection, r"droit d'opposition|droit a l'opposition|vous opposer|s'opposer|\bd'opposition\b|opposition au traitement|right to "
                      r"object|object to"),
    (Right.withdraw_consent, r"retirer (?:votre|son|leur|la permission|le consentement|ce consentement)|retrait (?:de votre|du|"
                             r"de son) consentement|revoquer (?:a tout moment )?(?:votre |son |le )?consentement|"
                             r"consentement peut etre revoque|withdraw (?:your )?consent"),
    (Right.human_review, r"(?:ne pas faire l'objet|pas etre sujet)[^.;]{0,60}decision|intervention humaine|human intervention|"
                         r"not to be subject to a decision"),
    (Right.complaint, r"reclamation aupres|(?:introduire|adresser|deposer|porter|formuler) (?:une )?(?:reclamation|plainte)|plainte aupres|saisir la cnil|"
                      r"lodge a complaint|complaint with|services de la cnil"),
    (Right.post_mortem_directives, r"directives (?:relatives au sort|post[- ]mortem|anticipees)|sort de (?:vos|leurs) donnees "
                                   r"apres|apres (?:votre|leur|son) deces"),
]
_RIGHT_PATTERNS = [(right, re.compile(p)) for right, p in _RIGHTS]
RIGHTS_CONTEXT = re.compile(r"\bdroits?\b|\brights?\b|\bpouvez\b|\bpeuvent\b|\bdisposez\b|\bdisposent\b|\bmay\b|\bcan\b|"
                            r"\brequest\b|\bdemander\b|\bexiger\b|vous avez le|ils peuvent|\bobtenir\b")
_DEADLINE_CUE = re.compile(r"repon|repond|respond|reply|answer|traiter|traitee|sera fait|delai")
_REQUEST_CUE = re.compile(r"\bdemandes?\b|requests?\b|requete|exercice du droit")
_EXTENSION = re.compile(r"prolong|prorog|etendu|extended|porte a|supplementaires?|additional")
_IDENTITY = re.compile(r"piece d'identite|justificatif d'identite|preuve de (?:votre |leur |l')?identite|proof of "
                       r"(?:your )?identity|copie (?:d'une|de votre) (?:piece|carte)|verifier (?:votre|leur) identite")
_ALWAYS = re.compile(r"doit etre accompagnee|toute demande doit|obligatoirement|must (?:be accompanied|include)")
_FEE = re.compile(r"gratuit|sans frais|free of charge|frais d'un montant raisonnable|reasonable fee|without charge")


@dataclass
class RightsFinding:
    offered: dict[Right, Segment] = field(default_factory=dict)
    deadline: tuple[str, Segment] | None = None
    extension: tuple[str, Segment] | None = None
    identity: tuple[str, Segment] | None = None
    fee: Segment | None = None
    channels: list[tuple[ChannelKind, str | None, Segment]] = field(default_factory=list)


def find_rights(policy: PolicyText) -> RightsFinding:
    found = RightsFinding()
    for seg in policy.segments:
        norm = seg.norm
        in_rights = bool(re.search(r"droit|right|acces|reclamation|complaint|opposition", seg.section))
        if RIGHTS_CONTEXT.search(norm) or in_rights:
            for right, pattern in _RIGHT_PATTERNS:
                if right not in found.offered and pattern.search(norm):
                    found.offered[right] = seg
        if _DEADLINE_CUE.search(norm) and (_REQUEST_CUE.search(norm) or in_rights) and not re.search(r"conserv|stock", norm):
            for period in find_periods(norm):
                if period.iso in ("P0D",) or _longer_than_three_months(period.iso):
                    continue
                if _EXTENSION.search(norm[max(0, period.start - 40):period.start]):
                    found.extension = found.extension or (period.iso, seg)
                elif found.deadline is None:
                    found.deadline = (period.iso, seg)
        if found.identity is None and _IDENTITY.search(norm) and (in_rights or _REQUEST_CUE.search(norm)):
            found.identity = ("always" if _ALWAYS.search(norm) else "on_reasonable_doubt", seg)
        if found.fee is None and _FEE.search(norm) and (in_rights or _REQUEST_CUE.search(norm)
                                                        or re.search(r"\bdroit|right", norm)):
            found.fee = seg
        if in_rights or re.search(r"exercer (?:vos|ces|leurs) droits|exercise (?:your|these) rights|en (?:vous )?adressant", norm):
            found.channels += _channels(policy, seg)
    found.channels = _unique_channels(found.channels)
    return found


def _longer_than_three_months(iso: str) -> bool:
    from egide.domain.durations import Duration

    return Duration.parse(iso).approximate_days() > 92


def _channels(policy: PolicyText, seg: Segment) -> list[tuple[ChannelKind, str | None, Segment]]:
    found: list[tuple[ChannelKind, str | None, Segment]] = []
    for email in EMAIL.finditer(seg.text):
        found.append((ChannelKind.email, email.group(0).rstrip("."), seg))
    if re.search(r"courrier postal|voie postale|par courrier|adresse postale|by post|postal address|en ecrivant", seg.norm):
        address = find_address(policy.source[seg.start:seg.end + 120])
        found.append((ChannelKind.post, address[0] if address else None, seg))
    if re.search(r"formulaire|\bform\b", seg.norm):
        found.append((ChannelKind.form, None, seg))
    if re.search(r"page contact|page de contact|contact page", seg.norm):
        found.append((ChannelKind.contact_page, None, seg))
    return found


def _unique_channels(channels: list[tuple[ChannelKind, str | None, Segment]]) -> list[tuple[ChannelKind, str | None, Segment]]:
    seen: set[tuple[ChannelKind, str | None]] = set()
    kept = []
    for kind, address, seg in channels:
        if (kind, address) in seen or (address is None and any(k == kind for k, _ in seen)):
            continue
        seen.add((kind, address))
        kept.append((kind, address, seg))
    return kept


_WITHDRAWAL = [
    (ChannelKind.unsubscribe_link, r"lien (?:de (?:desinscription|desabonnement)|figurant|prevu|se desinscrire|present)|"
                                   r"se desinscrire|desabonner|desinscri|unsubscrib"),
    (ChannelKind.account_settings, r"(?:parametres|preferences|reglages) (?:de|du) (?:votre |son )?compte|espace (?:client|"
                                   r"personnel)|dans (?:votre|son) compte|account settings|via votre compte"),
    (ChannelKind.app_settings, r"parametres (?:de (?:votre|l') )?(?:appareil|application|appli)|app settings|device settings"),
    (ChannelKind.cookie_banner, r"gestionnaire de (?:cookies|consentement)|bandeau|panneau de gestion|module de gestion|"
                                r"cookie settings|consent manager|politique en matiere de cookies"),
    (ChannelKind.browser_settings, r"(?:parametres|parametrage|configuration|reglages|preferences) (?:de |du )?(?:votre |son )?"
                                   r"(?:navigateur|logiciel de navigation)|browser settings|module (?:de )?(?:desactivation|"
                                   r"navigateur)"),
]
_WITHDRAWAL_PATTERNS = [(kind, re.compile(p)) for kind, p in _WITHDRAWAL]


def withdrawal_channels(segments: list[Segment]) -> list[tuple[ChannelKind, str | None, Segment]]:
    """Ways to withdraw consent or object stated in these segments."""
    found: list[tuple[ChannelKind, str | None, Segment]] = []
    for seg in segments:
        if not re.search(r"retir|revoq|desinscri|desabonn|oppos|refus|desactiv|unsubscrib|withdraw|object|opt.?out|"
                         r"gerer (?:votre|son) consentement|modifier vos preferences", seg.norm):
            continue
        for kind, pattern in _WITHDRAWAL_PATTERNS:
            if pattern.search(seg.norm):
                found.append((kind, None, seg))
        for email in EMAIL.finditer(seg.text):
            found.append((ChannelKind.email, email.group(0).rstrip("."), seg))
    return _unique_channels(found)


# --- cookies ----------------------------------------------------------------------------------------

_COOKIE = re.compile(r"cookies?|traceurs?|trackers?|pixels?|balises?|tags?\b|sdk")
_COOKIE_CATEGORIES = [
    (CookieCategory.strictly_necessary, r"strictement necessaires?|indispensables? (?:au|a la)|strictly necessary|essential "
                                        r"cookies|cookies essentiels|techniquement necessaires"),
    (CookieCategory.analytics, r"mesure d'audience|analyse d'audience|analytiques?|statistiques?|de performance|analytics|"
                               r"statistics|audience measurement|frequentation"),
    (CookieCategory.advertising, r"publicitaires?|publicite|ciblage|reciblage|remarketing|advertising|targeting|retargeting"),
    (CookieCategory.social, r"reseaux sociaux|boutons? (?:de )?partage|social (?:media|network)|plugins? (?:sociaux|"
                            r"reseaux)"),
    (CookieCategory.partners, r"cookies? (?:des )?partenaires|partner cookies|cookies? tiers|third.party cookies"),
    (CookieCategory.functional, r"fonctionnel|fonctionnalite|preferences|personnalisation|functional|functionality|"
                                r"cookies? de session|session cookies|convivialite"),
]
_CATEGORY_PATTERNS = [(c, re.compile(p)) for c, p in _COOKIE_CATEGORIES]
_SERVICE_CATEGORY = {"web analytics": CookieCategory.analytics, "session analytics": CookieCategory.analytics,
                     "product analytics": CookieCategory.analytics, "advertising": CookieCategory.advertising,
                     "advertising and conversion tracking": CookieCategory.advertising,
                     "social network and advertising": CookieCategory.advertising,
                     "social network": CookieCategory.social, "chat": CookieCategory.functional,
                     "video platform": CookieCategory.social, "A/B testing": CookieCategory.analytics,
                     "tag management": CookieCategory.functional}
_NAMES_FR = {CookieCategory.strictly_necessary: "Cookies strictement nécessaires", CookieCategory.functional:
             "Cookies fonctionnels", CookieCategory.analytics: "Cookies de mesure d'audience",
             CookieCategory.advertising: "Cookies publicitaires", CookieCategory.social: "Cookies de réseaux sociaux",
             CookieCategory.partners: "Cookies de partenaires"}
_NAMES_EN = {c: c.value.replace("_", " ").capitalize() + " cookies" for c in CookieCategory}


@dataclass
class CookieFinding:
    name: str
    provider_key: str | None  # a recipient key, or None for the controller
    category: CookieCategory
    segment: Segment
    lifetime: str | None = None
    confidence: float = 0.7
    why: str = ""


@dataclass
class CookiePolicyFinding:
    mechanism: ConsentMechanism
    segment: Segment
    remember_for: str | None = None


def find_cookies(policy: PolicyText) -> tuple[list[CookieFinding], CookiePolicyFinding | None, tuple[str, Segment] | None]:
    cookies: dict[tuple[str, str | None], CookieFinding] = {}
    global_lifetime: tuple[str, Segment] | None = None
    for seg in policy.segments:
        norm = seg.norm
        if not (_COOKIE.search(norm) or (seg.kind == "row" and re.search(r"cookie", " ".join(seg.header)))):
            continue
        if re.search(r"\b(?:ne|n')\b[^.;]{0,30}(?:pas|aucun)\b", norm) and not re.search(r"sans (?:votre )?consent", norm):
            continue
        periods = [p for p in find_periods(norm) if not p.is_zero]
        lifetime = periods[0].iso if periods and re.search(r"conserv|dur[ee]|expir|valid|lifetime|stock|vie", norm) else None
        if seg.kind == "row" and periods:
            lifetime = periods[0].iso
        categories = [c for c, p in _CATEGORY_PATTERNS if p.search(norm)]
        named = [m for m in find_known_recipients(seg.text, norm)]
        if seg.kind == "row" and seg.cells:
            category = categories[0] if categories else _section_category(seg)
            if category is not None:
                provider = named[0].known.key if named else None
                _add(cookies, CookieFinding(seg.cells[0][:80], provider, category, seg, lifetime, 0.8, "a row of a cookie table"))
            continue
        for mention in named:
            category = _SERVICE_CATEGORY.get(mention.known.service)
            if category is None or not _COOKIE.search(norm):
                continue
            _add(cookies, CookieFinding(mention.known.name, mention.known.key, category, seg, lifetime, 0.75,
                                        "a named service that places cookies"))
        if re.search(r"cookie|traceur", norm):
            for category in categories:
                names = _NAMES_FR if policy.language == "fr" else _NAMES_EN
                _add(cookies, CookieFinding(names[category], None, category, seg, lifetime, 0.7,
                                            "a cookie category the text describes"))
            if lifetime and not categories and not named and global_lifetime is None:
                global_lifetime = (lifetime, seg)
    found = list(cookies.values())
    if global_lifetime:
        for cookie in found:
            if cookie.lifetime is None and cookie.category is not CookieCategory.strictly_necessary:
                cookie.lifetime = global_lifetime[0]
    return found, _cookie_policy(policy), global_lifetime


def _add(cookies: dict[tuple[str, str | None], CookieFinding], cookie: CookieFinding) -> None:
    key = (cookie.name, cookie.provider_key)
    if key not in cookies:
        cookies[key] = cookie
    elif cookies[key].lifetime is None and cookie.lifetime:
        cookies[key].lifetime = cookie.lifetime


def _section_category(seg: Segment) -> CookieCategory | None:
    for category, pattern in _CATEGORY_PATTERNS:
        if pattern.search(seg.section) or pattern.search(fold(" ".join(seg.header))):
            return category
    return None


def _cookie_policy(policy: PolicyText) -> CookiePolicyFinding | None:
    browsing = banner = browser = None
    for seg in policy.segments:
        norm = seg.norm
        if re.search(r"poursui(?:vant|te)(?: de)? (?:sa|votre|la) navigation|en continuant (?:a|de) naviguer|continu(?:ing|ed) "
                     r"(?:to )?brows", norm):
            browsing = browsing or seg
        elif re.search(r"bandeau|banniere|gestionnaire de (?:consentement|cookies)|cookie banner|consent (?:banner|manager)|"
                       r"nous vous demandons votre consentement pour l'utilisation|module de gestion des cookies", norm):
            banner = banner or seg
        elif re.search(r"cookie", norm) and re.search(r"parametr\w* (?:de |du )?(?:votre |son )?navigateur|browser settings", norm):
            browser = browser or seg
    chosen = (ConsentMechanism.continued_browsing, browsing) if browsing else \
        (ConsentMechanism.banner, banner) if banner else (ConsentMechanism.browser_settings, browser) if browser else None
    if chosen is None or chosen[1] is None:
        return None
    return CookiePolicyFinding(chosen[0], chosen[1])
