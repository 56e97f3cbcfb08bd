"""Who receives the data: the recipients a policy lists, names (known processors and platforms)
or designates by kind ("nos sous-traitants", "les autorités compétentes").

A list of recipients (the items of a section about recipients, or of a list introduced by "nous
partageons vos données avec :") is the text's own inventory: each item is one recipient, named in
the item's words, of the kind its group heading says ("Nos prestataires (sous-traitants)"). A
name that list already holds, met again elsewhere ("Destinataires : Stripe ; OVH"), is that
recipient, not a new one; recipients named only elsewhere are found by the gazetteer of known
names and by the kinds of recipient the text speaks of.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from egide.domain.jurisdictions import is_eea
from egide.notice.countries import codes_by_name
from egide.notice.importer.fields import readable, section_titles, without_titles
from egide.notice.importer.gazetteer import (
    KNOWN,
    KnownRecipient,
    RecipientMention,
    find_generic_recipients,
    find_known_recipients,
)
from egide.notice.importer.text import PolicyText, Segment, fold
from egide.notice.vocabulary import RECIPIENT_KINDS, values_by_words
from egide.register.model import RecipientKind

RECIPIENT_CONTEXT = re.compile(
    r"destinataires?|partag|transmi|communiqu|ont acces|auront acces|acces (?:a|aux) (?:vos|ces|les) donnees|divulg|"
    r"\bceder|fourni(?:rons|r) (?:vos|les) donnees|sous-trait|prestataires?|recipients?|\bshar|disclos|transf|"
    r"access to|service providers?|third part|tierces? parties|\btiers\b|faisons appel|recourons|nous utilisons")
RECIPIENT_SECTION = re.compile(r"destinataire|partage|communication|tiers|divulgation|recipient|sharing|disclos"
                               r"|qui (?:recoit|a acces)|who (?:receives|can see)"
                               r"|sous-trait|prestataire|transfert|transfer|who we share|third parties")

_JOINT = re.compile(r"conjointement responsables?|responsables? conjoints?|responsabilite conjointe|joint(?:ly)? controllers?")
_OWN_ACCOUNT = re.compile(r"sous (?:sa|leur) propre responsabilite|pour (?:son|leur) propre compte|own responsibility|"
                          r"independent controllers?|responsables? de traitement (?:distincts?|independants?)")
_ON_OUR_BEHALF = re.compile(r"pour notre compte|en notre nom|sous-traitants?|on our behalf|processors?\b|accords? de "
                            r"traitement|contrat de sous-traitance")



@dataclass
class RecipientFinding:
    key: str
    name: str
    kind: RecipientKind
    country: str | None
    description: str
    segment: Segment
    confidence: float
    why: str
    mentions: list[Segment] = field(default_factory=list)
    aliases: tuple[str, ...] = ()  # known names its list item holds ("google-analytics" in "Google (Google Analytics)")



def slug(text: str) -> str:
    value = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    return (value or "recipient")[:48].strip("-") or "recipient"


def list_intro(policy: PolicyText, seg: Segment) -> Segment | None:
    """The sentence that introduces the list an item belongs to ("... avec les tiers suivants :")."""
    i = seg.index - 1
    while i >= 0 and policy.segments[i].kind in ("item", "row"):
        i -= 1
    return policy.segments[i] if i >= 0 and policy.segments[i].ends_with_colon else None


def find_recipients(policy: PolicyText, data_items: frozenset[int] = frozenset()) -> dict[str, RecipientFinding]:
    """The recipients of a text; ``data_items``: the segments already read as items of a list of data (which
    name data, not who receives it)."""
    found: dict[str, RecipientFinding] = {}
    for seg in policy.segments:
        if _in_list_of_recipients(policy, seg) and (listed := _listed_recipient(policy, seg, found)) is not None:
            found[listed.key] = listed
    names = listed_names(found)
    aliases = _aliases(found)
    titles = section_titles(policy)
    listed_at = {r.segment.index for r in found.values()}
    for seg in policy.segments:
        if seg.index in listed_at:
            continue
        for name, key in names:
            if name in seg.norm and seg not in found[key].mentions:
                found[key].mentions.append(seg)
        text, norm = _without_names(seg.text, seg.norm, names)
        for mention in find_known_recipients(text, norm):
            _add_known(found, mention, seg, aliases)
        if seg.kind == "heading" or seg.index in data_items:
            continue
        intro = list_intro(policy, seg) if seg.kind in ("item", "row") else None
        intro_context = intro is not None and _intro_speaks_of_recipients(policy, intro)
        if not (RECIPIENT_CONTEXT.search(norm) or RECIPIENT_SECTION.search(seg.section) or intro_context):
            continue
        readable_norm = readable(seg, "recipients")
        blanked = "".join(" " if r == " " else c for c, r in zip(norm, readable_norm))
        for generic in find_generic_recipients(without_titles(blanked, titles)):
            name = generic.name_fr if policy.language == "fr" else generic.name_en
            key = slug(name)
            if key in found:
                found[key].mentions.append(seg)
                continue
            found[key] = RecipientFinding(key, name, generic.kind, None, "named by kind, not by name", seg, 0.6,
                                          "a kind of recipient listed where the text speaks of recipients", [seg])
    return found


def listed_names(found: dict[str, RecipientFinding]) -> list[tuple[str, str]]:
    """(folded name, key) of the recipients the text lists, longest first; a name with a bracket also
    without it ("agence de credit (non nommee)", "agence de credit") when that leaves two words or more."""
    names = []
    for r in found.values():
        if r.why != _LISTED:
            continue
        name = fold(r.name)
        names.append((name, r.key))
        bare = re.sub(r"\s*\([^()]*\)\s*$", "", name)
        if bare != name and len(bare.split()) >= 2:
            names.append((bare, r.key))
    return sorted(names, key=lambda n: len(n[0]), reverse=True)


def named_recipients(seg: Segment, found: dict[str, RecipientFinding]) -> list[str]:
    """The keys of the recipients a segment names: listed ones by their name, others by a known name."""
    names = listed_names(found)
    keys = [key for name, key in names if name in seg.norm]
    text, norm = _without_names(seg.text, seg.norm, names)
    aliases = _aliases(found)
    keys += [aliases.get(m.known.key, m.known.key) for m in find_known_recipients(text, norm)]
    return list(dict.fromkeys(keys))


def _aliases(found: dict[str, RecipientFinding]) -> dict[str, str]:
    return {alias: r.key for r in found.values() for alias in r.aliases if alias not in found}


def _add_known(found: dict[str, RecipientFinding], mention: RecipientMention, seg: Segment,
               aliases: dict[str, str]) -> None:
    known = mention.known
    key = aliases.get(known.key, known.key)
    if key in found:
        found[key].mentions.append(seg)
        return
    kind = known.kind
    if _JOINT.search(seg.norm):
        kind = RecipientKind.joint_controller
    elif _OWN_ACCOUNT.search(seg.norm):
        kind = RecipientKind.third_party
    explicit_country = mention.country if mention.country != known.country or mention.country and \
        is_eea(mention.country) else None
    description = (f"{known.service}; named in the text as « {mention.alias} »"
                   + (f"; established in {known.country} (gazetteer), processing location not read"
                      if known.country and not explicit_country else ""))
    found[known.key] = RecipientFinding(known.key, known.name, kind, explicit_country, description, seg, 0.9,
                                        "named in the text (gazetteer of known recipients)", [seg])


def _without_names(text: str, norm: str, names: list[tuple[str, str]] | list[str]) -> tuple[str, str]:
    """The text and folded text with the given folded names blanked (same length)."""
    for entry in names:
        name = entry[0] if isinstance(entry, tuple) else entry
        at = norm.find(name)
        while at >= 0:
            end = at + len(name)
            text, norm = text[:at] + " " * len(name) + text[end:], norm[:at] + " " * len(name) + norm[end:]
            at = norm.find(name, end)
    return text, norm


_CLAUSE_START = re.compile(r"^(?:lorsque|lorsqu'|quand|si\b|s'il|afin|dans|en cas|pour|when|if\b|where|in order|to\b|"
                           r"ceci|cela|c'est|ce\b|this\b|it\b|"
                           r"vous|nous|we\b|you\b|il\b|elles?\b|ils\b)")
_NOUN_PHRASE_END = re.compile(r"\s*(?:[;,.:(]|\s(?:qui|afin|lorsque|lorsqu'|pour|dont|avec lesquel\w*|that|who|which|to|"
                              r"in order)\b)")
_PROCESSOR_WORDS = re.compile(r"prestataire|fournisseur|sous-trait|plateforme|hebergeur|provider|processor|vendor|supplier")


def _intro_speaks_of_recipients(policy: PolicyText, intro: Segment) -> bool:
    """The sentence introducing a list (or the one before it) says the data goes to someone."""
    before = policy.segments[intro.index - 1] if intro.index else None
    return bool(_RECIPIENT_INTRO.search(intro.norm) or (before is not None and before.section == intro.section
                                                         and _RECIPIENT_INTRO.search(before.norm)))


_RECIPIENT_INTRO = re.compile(r"destinataires?|partag|transmi|communiqu|divulg|fourni(?:rons|r|ssons) (?:vos|les|ces) "
                              r"donnees|ont acces|auront acces|sous-trait|tierces? parties|parties (?:suivantes|dont|"
                              r"avec)|\btiers\b|recipients?|share|disclose|third parties")
_ORGANISATION = re.compile(r"prestataires?|fournisseurs?|sous-traitants?|partenaires?|parties|societes?|entreprises?|"
                           r"organismes?|organisations?|autorites?|administrations?|services?|agences?|plateformes?|"
                           r"banques?|etablissements?|assureurs?|filiales?|cabinets?|transporteurs?|hebergeurs?|editeurs?|"
                           r"acheteurs?|acquereurs?|conseils|providers?|partners?|companies|authorities|agencies|vendors?|"
                           r"suppliers?|affiliates?|processors?|insurers?|banks?")


_TRANSFER_SECTION = re.compile(r"transf|hors de l'|outside the")


def _in_list_of_recipients(policy: PolicyText, seg: Segment) -> bool:
    """An item of a list of recipients: under a heading about recipients (not about transfers), or after a
    sentence that says the data goes to the following."""
    if seg.kind != "item":
        return False
    intro = list_intro(policy, seg)
    if intro is not None and _intro_speaks_of_recipients(policy, intro):
        return True
    if intro is not None and intro.section == seg.section and intro.ends_with_colon:
        return False  # a list announced as something else ("Pourquoi :", "Quelles données :")
    *parents, heading = seg.section.split(" / ")
    parent = parents[-1] if parents else ""
    about = RECIPIENT_SECTION.search(heading) or (_group_kind(seg) and RECIPIENT_SECTION.search(parent))
    return bool(about) and not _TRANSFER_SECTION.search(f"{parent} / {heading}")


def _listed_recipient(policy: PolicyText, seg: Segment, found: dict[str, RecipientFinding]) -> RecipientFinding | None:
    """An item of a list of recipients names one recipient in its own words ("Google (Google Analytics)",
    "Prestataires d'assistance utilisateurs (États-Unis)"): its name, its kind, where it is established."""
    known = find_known_recipients(seg.text, seg.norm)
    group = _group_kind(seg)
    if not known and group is None and not _ORGANISATION.search(seg.norm):
        return None
    if len({m.known.key for m in known} - _companies()) > 1:
        return None  # "Google Analytics, Google Ads": several recipients in one item, each found by its name
    if _CLAUSE_START.match(seg.norm.strip()):
        return None
    name, country = _listed_name(seg)
    if name is None:
        return None
    key = next((m.known.key for m in known if m.known.key not in found), None) or slug(name)
    if key in found:
        return None
    kind = group or (known[0].known.kind if known else None)
    if kind is None:
        generic = find_generic_recipients(seg.norm)
        kind = generic[0].kind if generic else RecipientKind.processor if _PROCESSOR_WORDS.search(seg.norm) \
            else RecipientKind.third_party
    if country is None and known and known[0].country and known[0].country != known[0].known.country:
        country = known[0].country
    description = (f"{known[0].known.service}; listed by the text as « {name} »" if known
                   else "a recipient listed by the text")
    return RecipientFinding(key, name, kind, country, description, seg, 0.8, _LISTED, [seg],
                            tuple(dict.fromkeys(m.known.key for m in known if m.known.key != key)))


_LISTED = "an item of a list of recipients"


def _listed_name(seg: Segment) -> tuple[str | None, str | None]:
    """The name an item gives (a short item whole, a longer one up to its first clause) and the country
    it adds in brackets ("OVH (France)")."""
    text = seg.text.strip().rstrip(".;,")
    country = None
    bracket = re.search(r"\s*\(([^()]+)\)$", text)
    if bracket and (code := _country_codes().get(fold(bracket.group(1)).strip())):
        text, country = text[:bracket.start()], code
    longest = (120, 16)  # a short item is a name, whole
    if len(text.split()) > 16 or _CLAUSE_WORDS.search(fold(text)):
        longest = (90, 12)  # a sentence: its name is the noun phrase it starts with
        end = _NOUN_PHRASE_END.search(text)
        name = text[:end.start()] if end else text
        if len(name.split()) < 2:  # "Parties qui effectuent ...": the relative clause is the name
            stop = re.search(r"\s*[;,.:(]", text)
            name = text[:stop.start()] if stop else text
    else:
        name = text
    name = re.sub(r"^(?:les|des|nos|aux|a|à|le|la|l'|l’|the|our)\s+", "", name.strip(), flags=re.IGNORECASE).strip()
    if not (2 <= len(name) <= longest[0]) or len(name.split()) > longest[1]:
        return None, None
    return name[0].upper() + name[1:], country


_CLAUSE_WORDS = re.compile(r"\s(?:qui|afin|lorsque|lorsqu'|pour|dont|that|who|which|in order to)\s|, (?:notamment|"
                           r"such as|including)\b|:\s")


def _group_kind(seg: Segment) -> RecipientKind | None:
    """The kind the heading of the item's group names ("Nos prestataires (sous-traitants)")."""
    heading = re.sub(r"^[#*_\s]+|[*_:\s]+$", "", seg.section.rsplit(" / ", 1)[-1])
    kind = _kinds_by_label().get(heading)
    if kind is not None:
        return kind
    generic = find_generic_recipients(heading) if heading else []
    return generic[0].kind if generic and not RECIPIENT_SECTION.search(heading) else None


@lru_cache(maxsize=1)
def _kinds_by_label() -> dict[str, RecipientKind]:
    return {fold(label): kind for label, kind in values_by_words(RECIPIENT_KINDS).items()}


@lru_cache(maxsize=1)
def _country_codes() -> dict[str, str]:
    return {fold(name): code for name, code in codes_by_name().items()}


@lru_cache(maxsize=1)
def _companies() -> frozenset[str]:
    """Known recipients that are the company behind others ("Google" behind "Google Analytics")."""
    def behind(company: KnownRecipient, product: KnownRecipient) -> bool:
        first, words = company.name.split()[0].lower(), product.name.lower().split()
        return product.key.startswith(company.key + "-") or (words[0] == first and len(words) > 1
                                                              and len(company.name.split()) == 1)
    return frozenset(c.key for c in KNOWN if any(p is not c and behind(c, p) for p in KNOWN))
