"""Draft a register from a privacy policy: read the text, collect what each rule finds, assemble a
register that validates, and list what the text does not say.

Every item of the draft carries ``source_quote``: the exact sentence, list item or table row
it was read from (a substring of the input), and a confidence with the reason for it.

Purposes and categories are read from list items by their label first (an item of a list
announced as data or as purposes that names a key by the notice's own words, see
:mod:`.labels`), else by the cue words of :mod:`.purposes` and :mod:`.categories`, on the parts of
a segment that may state them (:mod:`.fields`: a labelled line or a table column about something
else, a cookie's card and the titles of the text's own sections are not read).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from egide.notice.importer import categories as cat
from egide.notice.importer import purposes as pur
from egide.notice.importer.controller import (
    Found,
    find_authority,
    find_controller,
    find_dpo,
    find_policy_date,
    find_title,
)
from egide.notice.importer.disclosures import (
    DecisionFinding,
    StatementFinding,
    TransferFinding,
    find_automated_decisions,
    find_statements,
    find_transfers,
)
from egide.notice.importer.fields import (
    is_cookie_card,
    readable,
    section_titles,
    without_titles,
)
from egide.notice.importer.html_text import html_to_text, looks_like_html
from egide.notice.importer.labels import Labels, labels
from egide.notice.importer.recipients import (
    RECIPIENT_SECTION,
    RecipientFinding,
    find_recipients,
)
from egide.notice.importer.retention import (
    RETENTION_SECTION,
    RetentionFinding,
    find_retention,
)
from egide.notice.importer.rights import (
    CookieFinding,
    CookiePolicyFinding,
    RightsFinding,
    find_cookies,
    find_rights,
    withdrawal_channels,
)
from egide.notice.importer.text import (
    PolicyText,
    Segment,
    decode_policy,
    detect_language,
    read_policy_file,
    segment_policy,
)
from egide.register.model import CustomTaxonomy, LegalBasis


@dataclass
class PurposeFinding:
    use: str
    basis: LegalBasis
    how: str  # stated | section | default
    segment: Segment
    confidence: float
    interest: str | None = None
    legal_reference: str | None = None
    pre_ticked: Segment | None = None
    soft_opt_in: Segment | None = None


@dataclass
class CategoryFinding:
    key: str
    source: str
    segment: Segment
    confidence: float
    listed: bool = False  # an item of a list of data, named by the category's label


@dataclass
class Findings:
    """Everything the rules read from one policy, before it is shaped into a register."""

    policy: PolicyText
    name: str
    controller: Found
    dpo: Found
    authority: Found
    date: tuple[str, Any, Segment] | None
    title: Segment | None
    purposes: list[PurposeFinding] = field(default_factory=list)
    categories: list[CategoryFinding] = field(default_factory=list)
    recipients: dict[str, RecipientFinding] = field(default_factory=dict)
    transfers: list[TransferFinding] = field(default_factory=list)
    statements: list[StatementFinding] = field(default_factory=list)
    decisions: list[DecisionFinding] = field(default_factory=list)
    retention: list[RetentionFinding] = field(default_factory=list)
    rights: RightsFinding = field(default_factory=RightsFinding)
    cookies: list[CookieFinding] = field(default_factory=list)
    cookie_policy: CookiePolicyFinding | None = None
    subjects: set[str] = field(default_factory=set)
    mandatory_data: Segment | None = None
    transfers_mentioned: Segment | None = None
    labels: Labels = field(default_factory=labels)


def read_policy(path: str | Path, lang: str | None = None, taxonomy: CustomTaxonomy | None = None) -> Findings:
    """Read a policy file and collect findings. Raises UnreadableInputError for bad input."""
    text = read_policy_file(path)
    return collect(text, str(path), lang, source=Path(path).name, taxonomy=taxonomy)


def collect(text: str, name: str = "<policy>", lang: str | None = None, source: str | None = None,
            taxonomy: CustomTaxonomy | None = None) -> Findings:
    """Findings of one policy text. ``name`` is used in error messages, ``source`` (default: name) in the draft;
    ``taxonomy``: a register's own keys, recognised by the names it gives them."""
    if looks_like_html(text):
        text = html_to_text(text)  # a web page: its text, headings, lists and tables kept
    language = detect_language(text, name, lang)
    policy = segment_policy(text, language)
    findings = Findings(policy, source or name, find_controller(policy), find_dpo(policy), find_authority(policy),
                        find_policy_date(policy), find_title(policy), labels=labels(taxonomy))
    findings.purposes = _purposes(policy, findings.labels)
    findings.categories = _categories(policy, findings.labels)
    findings.recipients = find_recipients(policy, frozenset(c.segment.index for c in findings.categories if c.listed))
    findings.transfers = find_transfers(policy, findings.recipients)
    findings.statements = find_statements(policy)
    findings.decisions = find_automated_decisions(policy)
    findings.retention = find_retention(policy)
    findings.rights = find_rights(policy)
    findings.cookies, findings.cookie_policy, _ = find_cookies(policy)
    findings.subjects = _subjects(text)
    findings.mandatory_data = next((s for s in policy.segments if _MANDATORY.search(s.norm)), None)
    findings.transfers_mentioned = next((s for s in policy.segments if _TRANSFER_TALK.search(s.norm)), None)
    return findings


def collect_bytes(raw: bytes, name: str = "<policy>", lang: str | None = None) -> Findings:
    return collect(decode_policy(raw, name), name, lang)


_MANDATORY = re.compile(r"obligatoire|facultati|champs? (?:marques?|signales?|indiques?) (?:d'un|par un) asterisque|"
                        r"n'etes pas oblige|pas tenu de|required fields?|mandatory|optional|not obliged|are not required")
_TRANSFER_TALK = re.compile(r"(?:hors|en dehors) de l'(?:union europeenne|ue|eee|espace economique)|pays tiers|"
                            r"transferts? (?:de donnees )?(?:hors|vers|international)|outside the (?:eu|eea|european)|"
                            r"third countr|international transfers?")
_SUBJECTS = [("customer", r"\bclients?\b|customers?\b|acheteurs?|abonnes?\b"), ("prospect", r"prospects?\b|prospection"),
             ("visitor", r"visiteurs?|internautes?|visitors?|naviguant"), ("job_applicant", r"candidats?\b|applicants?")]


def _subjects(text: str) -> set[str]:
    from egide.notice.importer.text import fold

    folded = fold(text)
    return {subject for subject, pattern in _SUBJECTS if re.search(pattern, folded)}


def _intro(policy: PolicyText, seg: Segment) -> Segment | None:
    """The segment before the list an item belongs to: the items before it, and the lines written under
    them (indented deeper, or following an item on its line), are passed over."""
    i = seg.index - 1
    while i >= 0 and policy.segments[i].line >= seg.line - 40:
        before = policy.segments[i]
        if before.kind in ("item", "row") or before.indent > seg.indent or _on_an_item_line(policy, i):
            i -= 1
            continue
        break
    return policy.segments[i] if i >= 0 else None


def _on_an_item_line(policy: PolicyText, i: int) -> bool:
    line = policy.segments[i].line
    while i >= 0 and policy.segments[i].line == line:
        if policy.segments[i].kind == "item":
            return True
        i -= 1
    return False


def _purposes(policy: PolicyText, lab: Labels) -> list[PurposeFinding]:
    section_bases: dict[str, list[tuple[int, LegalBasis, Segment]]] = {}
    for seg in policy.segments:
        for basis in pur.find_bases(seg.norm):
            section_bases.setdefault(seg.section, []).append((seg.index, basis.basis, seg))
    found: list[PurposeFinding] = []
    titles = section_titles(policy)
    for seg in policy.segments:
        if seg.kind == "heading":
            continue
        intro = _intro(policy, seg) if seg.kind in ("item", "row") else None
        bases = pur.find_bases(seg.norm)
        if _in_list(seg, intro, pur.PURPOSE_SECTION) and (named := lab.use(seg.norm)):
            mention = pur.PurposeMention(named, 0, len(seg.norm))
            found.append(_purpose(policy, seg, mention, bases or _bases_below(policy, seg),
                                  section_bases.get(seg.section, []), intro))
            continue
        heading = seg.section.split(" / ")[-1] if seg.section else ""
        if pur.RIGHTS_SECTION.search(heading) or pur.SKIPPED_SECTION.search(heading):
            continue
        if _in_list(seg, intro, cat.DATA_LEAD) and lab.category(seg.norm):
            continue  # an item naming a category is a list of data, not of purposes
        if seg.kind == "item" and RECIPIENT_SECTION.search(" / ".join(seg.section.split(" / ")[-2:])):
            continue  # an item of a list of recipients names who receives the data, not why
        if is_cookie_card(policy, seg):
            continue
        context = (pur.PURPOSE_CONTEXT.search(seg.norm)
                   or (intro is not None and intro.ends_with_colon and pur.PURPOSE_CONTEXT.search(intro.norm))
                   or (seg.kind in ("item", "row") and pur.PURPOSE_SECTION.search(seg.section)))
        in_retention = seg.kind in ("row", "item") and RETENTION_SECTION.search(heading)
        for mention in pur.find_purposes(without_titles(readable(seg, "purposes"), titles)):
            if not (context or bases or mention.use in pur.STRONG_USES) or (in_retention and not bases):
                continue
            found.append(_purpose(policy, seg, mention, bases, section_bases.get(seg.section, []), intro))
    return found


def _purpose(policy: PolicyText, seg: Segment, mention: pur.PurposeMention, bases: list[pur.BasisMention],
             section_bases: list[tuple[int, LegalBasis, Segment]], intro: Segment | None) -> PurposeFinding:
    stated = pur.nearest_basis(bases, mention.start)
    intro_bases = pur.find_bases(intro.norm) if intro is not None and intro.ends_with_colon else []
    if stated is not None:
        finding = PurposeFinding(mention.use, stated.basis, "stated", seg, 0.85)
    elif len({b.basis for b in intro_bases}) == 1:
        finding = PurposeFinding(mention.use, intro_bases[0].basis, "section", seg, 0.7)
    elif section_bases:
        _, basis, _ = min(section_bases, key=lambda b: (abs(b[0] - seg.index), -b[0]))
        finding = PurposeFinding(mention.use, basis, "section", seg, 0.6)
    else:
        finding = PurposeFinding(mention.use, pur.default_basis(mention.use), "default", seg, 0.4)
    if finding.basis is LegalBasis.legitimate_interests:
        finding.interest = _interest(policy, seg)
    if finding.use.startswith("marketing.communications"):
        near = [s for s in policy.segments if s.section == seg.section]
        finding.pre_ticked = next((s for s in near if _PRE_TICKED.search(s.norm)), None)
        finding.soft_opt_in = next((s for s in near if _SOFT_OPT_IN.search(s.norm)), None)
    return finding


def _bases_below(policy: PolicyText, seg: Segment) -> list[pur.BasisMention]:
    """The legal basis stated on the lines under an item ("- Répondre à vos demandes" / "Base légale : ...")."""
    for below in policy.segments[seg.index + 1:seg.index + 6]:
        if below.kind == "heading" or (below.kind == "item" and not pur.find_bases(below.norm)):
            break
        bases = pur.find_bases(below.norm)
        if bases:
            return bases
    return []


_PRE_TICKED = re.compile(r"automatiquement ajoutee?|a moins que vous (?:n')?(?:ayez|ayiez) indique|pre-?cochee?|"
                         r"automatically (?:added|subscribed)|unless you (?:have )?(?:indicated|opted out)")
_SOFT_OPT_IN = re.compile(r"(?:produits|services|prestations) (?:similaires|analogues)|similar (?:products|services)")


def _interest(policy: PolicyText, seg: Segment) -> str | None:
    for candidate in [seg] + [s for s in policy.segments if s.section == seg.section and s is not seg]:
        span = pur.stated_interest(candidate.norm)
        if span:
            return candidate.text[span[0]:span[1]].strip()
    return None


def _categories(policy: PolicyText, lab: Labels) -> list[CategoryFinding]:
    found: list[CategoryFinding] = []
    titles = section_titles(policy)
    for seg in policy.segments:
        if seg.kind == "heading":
            continue
        intro = _intro(policy, seg) if seg.kind in ("item", "row") else None
        if _in_list(seg, intro, cat.DATA_LEAD) and (named := lab.category(seg.norm)):
            found.append(CategoryFinding(named, cat.usual_source(named).value, seg, 0.9, listed=True))
            continue
        if pur.RIGHTS_SECTION.search(seg.section.split(" / ")[-1] if seg.section else ""):
            continue
        if _in_list(seg, intro, pur.PURPOSE_SECTION) and lab.use(seg.norm):
            continue  # an item naming a purpose is a list of purposes, not of data
        if is_cookie_card(policy, seg):
            continue
        list_context = intro is not None and bool(cat.DATA_CONTEXT.search(intro.norm)) and intro.ends_with_colon
        for mention in cat.find_categories(without_titles(readable(seg, "data"), titles), list_context):
            confidence = 0.85 if not mention.key.startswith(("user.contact.organization", "user.job_title")) else 0.6
            found.append(CategoryFinding(mention.key, mention.source.value, seg, confidence))
    return found


def _in_list(seg: Segment, intro: Segment | None, lead: re.Pattern[str]) -> bool:
    """An item of a list that ``lead`` announces: in the sentence before the list ("Quelles données :"),
    or in the heading right above it ("**Pourquoi**")."""
    return (seg.kind == "item" and intro is not None and (intro.ends_with_colon or intro.kind == "heading")
            and bool(lead.search(intro.norm)))


def withdrawal_for(policy: PolicyText, seg: Segment) -> list[tuple[Any, str | None, Segment]]:
    """Ways to withdraw consent for a purpose: those of its section first, else those of the whole text."""
    local = withdrawal_channels([s for s in policy.segments if s.section == seg.section])
    return local or withdrawal_channels(policy.segments)
