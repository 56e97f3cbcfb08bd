"""Retention rules read from sentences and table rows: a period, what starts it, what happens at its end.

A sentence counts when it speaks of keeping or deleting data (conserver, stocker, garder,
archiver, supprimer, retain, keep, delete...) or sits in a section about retention; a table
row counts in such a section or when one of its cells is a period ("Prospection | 3 ans |
dernier contact"). Each period takes the event named after it (or before it) behind a
trigger word; a row takes the event named in another cell; a period with no event takes the
event most policies mean for that kind of data, at lower confidence, and says so.

A labelled line about retention ("Durée de conservation : jusqu'à la fin du contrat") counts
without a verb; "puis archivées 13 mois" right after a rule is that rule's archive period; "aucune
conservation" on such a line keeps nothing (a duration of zero). A cookie's lifetime (a "Durée de
vie" column) and the time a cookie choice is remembered are not retention rules of the register.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from egide.notice.importer.clocks import (
    clock_of_phrase,
    default_clock,
    find_clock,
    while_form,
)
from egide.notice.importer.durations import PeriodMatch, find_periods
from egide.notice.importer.fields import line_field, states_retention
from egide.notice.importer.text import PolicyText, Segment, fold
from egide.register.model import RetentionAction, RetentionClock

RETENTION_VERB = re.compile(r"conserv|stock|\bgard|archiv|supprim|effac|detrui|anonymis|purg|sauvegard|retain|retention|"
                            r"\bkept\b|\bkeep|\bstored?\b|delete|erase|destroy|anonymi")
RETENTION_SECTION = re.compile(r"conservation|duree|retention|how long|combien de temps|archiv|conserv|keep")
_DEADLINE = re.compile(r"repon|repond|prolong|respond|reply|answer|delai de reponse|traiter votre demande")
_REQUEST = re.compile(r"\bdemandes?\b|requests?\b|requete|exercice (?:de vos|du) droit")
_REFERS_BACK = re.compile(r"\b(?:ce|cette) (?:delai|duree|periode)\b|this (?:period|time limit)|\bprolong|etendu|extended")
_LEGAL_REFERENCE = re.compile(
    r"(?:(?:l')?article|art\.?)\s*[LRD]\.?\s?\d+[\-\d]*\s+du\s+[Cc]ode\s+[\wéèà' ]+?(?=[,.;)]|\s+en\b|$)|"
    r"[Cc]ode (?:de commerce|mon[ée]taire et financier|g[ée]n[ée]ral des imp[ôo]ts|civil|de la consommation|du travail|"
    r"de la s[ée]curit[ée] sociale|des postes et des communications [ée]lectroniques)(?:,? (?:article|art\.?) [LRD]\.? ?\d+[\-\d]*)?|"
    r"[Ll]ivre des proc[ée]dures fiscales")
_LEGAL_OBLIGATION = re.compile(r"obligations? legales?|obligation (?:de conservation|fiscale|comptable)|exige par la loi|"
                               r"prescrit par la loi|legal(?:ly)? (?:obligation|required)|required by law|conservation fiscale")
_ANONYMIZE = re.compile(r"anonymis|anonymi[sz]")
_ARCHIVE = re.compile(r"archiv")
_PROSPECT = re.compile(r"prospects?\b|non[- ]clients?")
_CUSTOMER = re.compile(r"\bclients?\b|customers?\b")
_APPLICANT = re.compile(r"candidat|applicants?")
_RECONTACT = re.compile(r"reprendre contact|recontact|re-contact|vous (?:re)?solliciter (?:a nouveau|de nouveau)|"
                        r"get back in touch|contact you (?:again|to ask)")
_NOT_KEPT = re.compile(r"aucune conservation|pas de conservation|ne sont pas conservees|not kept|not retained|"
                       r"no retention")
_INACTIVE_BEFORE = re.compile(r"aucune activite|inactivite|sans (?:aucune )?activite|no activity|inactive|inactivity")
_INACTIVE_AFTER = re.compile(r"^\s*(?:d'inactivite|sans (?:aucune )?(?:activite|connexion)|of inactivity|"
                             r"without (?:any )?activity)")


@dataclass
class RetentionFinding:
    duration: str
    clock: RetentionClock
    action: RetentionAction
    segment: Segment
    confidence: float
    why: str
    minimum: bool = False
    subjects: list[str] = field(default_factory=list)
    legal_reference: str | None = None
    legal_obligation: bool = False
    recontact: tuple[str, Segment] | None = None  # ("P3Y", the sentence): ask before the data goes
    archive_for: str | None = None  # "puis archivées 13 mois": kept that much longer, with restricted access


def is_deadline_sentence(norm: str) -> bool:
    """A sentence about how fast requests are answered, not about keeping data."""
    return bool(_DEADLINE.search(norm) and _REQUEST.search(norm)) and not re.search(
        r"conserv|stock|archiv|retain|kept|stored|supprim|delete|efface", norm)


def find_retention(policy: PolicyText) -> list[RetentionFinding]:
    found: list[RetentionFinding] = []
    for seg in policy.segments:
        if seg.kind == "heading" or is_deadline_sentence(seg.norm) or not states_retention(seg.norm):
            continue
        in_section = bool(RETENTION_SECTION.search(seg.section))
        if seg.kind == "row":
            found += _from_row(seg, in_section)
            continue
        labelled = line_field(seg.norm) == "retention"  # "Durée de conservation : ..."
        if not (RETENTION_VERB.search(seg.norm) or labelled or (in_section and find_periods(seg.norm))):
            continue
        if _RECONTACT.search(seg.norm) and found and found[-1].segment.section == seg.section:
            periods = find_periods(seg.norm)
            if periods:
                found[-1].recontact = (periods[0].iso, seg)
            continue
        if _archived_after(seg, found):
            continue
        found += _from_sentence(seg, found, labelled)
    return _deduplicated(found)


def _archived_after(seg: Segment, found: list[RetentionFinding]) -> bool:
    """"Puis archivées 13 mois" right after a rule: the archive period of that rule, not a rule of its own."""
    periods = find_periods(seg.norm)
    if len(periods) != 1 or not found or found[-1].archive_for or found[-1].segment.index < seg.index - 3:
        return False
    period = periods[0]
    if not _ARCHIVE.search(seg.norm[max(0, period.start - 30):period.start]) or find_clock(seg.norm, period.end):
        return False
    found[-1].archive_for = period.iso
    found[-1].action = RetentionAction.archive
    return True


def _from_sentence(seg: Segment, earlier: list[RetentionFinding], labelled: bool = False) -> list[RetentionFinding]:
    norm = seg.norm
    periods = [p for p in find_periods(norm) if not _is_cookie_consent_memory(norm, seg.section)]
    results: list[RetentionFinding] = []
    if not periods:
        return _without_period(seg, labelled)
    for i, period in enumerate(periods):
        end = periods[i + 1].start if i + 1 < len(periods) else len(norm)
        start = periods[i - 1].end if i else 0
        clock = find_clock(norm, period.end, end) or find_clock(norm, start, period.start)
        if _INACTIVE_AFTER.match(norm[period.end:]) or _INACTIVE_BEFORE.search(norm[max(start, period.start - 90):period.start]):
            results.append(_finding(seg, period.iso, RetentionClock.last_activity, 0.8,
                                    "a period of inactivity: the clock is the last activity", period))
        elif clock is not None:
            results.append(_finding(seg, period.iso, clock.clock, 0.85, "period and its starting event both stated",
                                    period))
        elif _REFERS_BACK.search(norm) and earlier and earlier[-1].segment.section == seg.section:
            previous = earlier[-1]
            results.append(_finding(seg, period.iso, previous.clock, 0.6, "the event is the one of the sentence "
                                    "before (the text refers back to it)", period, previous.action))
        else:
            results.append(_finding(seg, period.iso, default_clock(norm + " " + seg.section), 0.5,
                                    "the text states no starting event: the usual one for this data is assumed", period))
    return results


def _without_period(seg: Segment, labelled: bool) -> list[RetentionFinding]:
    """"Jusqu'à la fin du contrat", "tant que votre compte est actif" (kept while an event lasts), or, on a line
    about retention, "aucune conservation après la collecte" (not kept at all): a duration of zero."""
    if labelled and _NOT_KEPT.search(seg.norm):
        clock = find_clock(seg.norm)
        return [_finding(seg, "P0D", clock.clock if clock else RetentionClock.collection, 0.7,
                         "the text says the data is not kept")]
    match = while_form(seg.norm)
    if match is None or not (labelled or RETENTION_VERB.search(seg.norm)):
        return []
    return [_finding(seg, "P0D", match.clock, 0.7, "kept while an event lasts, then deleted (no period stated)")]


def _from_row(seg: Segment, in_section: bool) -> list[RetentionFinding]:
    folded = [fold(c) for c in seg.cells]
    header = " ".join(seg.header)
    if folded and tuple(f.strip() for f in folded) == seg.header:
        return []  # the header row itself
    lifetimes = {i for i, title in enumerate(seg.header) if line_field(f"{title} : x") == "lifetime"}
    with_period = [(i, ps[0]) for i, cell in enumerate(folded) if i not in lifetimes and (ps := find_periods(cell))]
    archived = [(i, p) for i, p in with_period if _ARCHIVE.search(folded[i][max(0, p.start - 30):p.start])]
    kept = [(i, p) for i, p in with_period if (i, p) not in archived]
    about_retention = in_section or bool(RETENTION_SECTION.search(header))
    if not kept:
        rest = " | ".join(cell for i, cell in enumerate(folded) if i not in lifetimes and i not in dict(archived))
        if about_retention and _NOT_KEPT.search(rest):
            clock = find_clock(rest)
            finding = _finding(seg, "P0D", clock.clock if clock else RetentionClock.collection, 0.65,
                               "table row: the data is not kept")
        elif about_retention and (row_while := while_form(rest)) is not None:
            finding = _finding(seg, "P0D", row_while.clock, 0.65, "table row: kept while an event lasts")
        elif archived:
            kept, archived = archived[:1], []
            finding = None
        else:
            return []
        if finding is not None:
            return [_archived(finding, archived)]
    if not (about_retention or RETENTION_VERB.search(seg.norm) or len(folded) >= 2):
        return []
    index, period = kept[0]
    clock_value, how = _row_clock(seg, folded, index, period)
    confidence = 0.8 if "assumed" not in how else 0.5
    return [_archived(_finding(seg, period.iso, clock_value, confidence, how, period), archived)]


def _archived(finding: RetentionFinding, archived: list[tuple[int, PeriodMatch]]) -> RetentionFinding:
    if archived:
        finding.archive_for = archived[0][1].iso
        finding.action = RetentionAction.archive
    return finding


def _row_clock(seg: Segment, folded: list[str], index: int, period: PeriodMatch) -> tuple[RetentionClock, str]:
    """What starts the period of a row: named in its cell, else in a "point de départ" column or another cell."""
    clock = find_clock(folded[index], period.end)
    if clock is not None:
        return clock.clock, "table row: period and starting event in the same cell"
    starts = [j for j, h in enumerate(seg.header) if re.search(r"depart|compter|debut|declencheur|start|from", h)]
    order = starts + [j for j in range(index + 1, len(folded))] + list(range(index))
    for j in dict.fromkeys(order):
        if j != index and j < len(folded) and (phrase_clock := clock_of_phrase(folded[j])) is not None:
            return phrase_clock, "table row: the starting event is in another cell"
    return (default_clock(seg.norm + " " + seg.section),
            "table row with no starting event: the usual one for this data is assumed")


def _finding(seg: Segment, duration: str, clock: RetentionClock, confidence: float, why: str,
             period: PeriodMatch | None = None, action: RetentionAction | None = None) -> RetentionFinding:
    norm = seg.norm
    if action is None:
        action = (RetentionAction.anonymize if _ANONYMIZE.search(norm) and not _ARCHIVE.search(norm)
                  else RetentionAction.archive if _ARCHIVE.search(norm) else RetentionAction.delete)
    subjects = ["prospect"] if _PROSPECT.search(norm) else ["customer"] if _CUSTOMER.search(norm) \
        else ["job_applicant"] if _APPLICANT.search(norm) else []
    reference = _LEGAL_REFERENCE.search(seg.text)
    return RetentionFinding(
        duration=duration, clock=clock, action=action, segment=seg, confidence=confidence, why=why,
        minimum=bool(period and period.minimum), subjects=subjects,
        legal_reference=" ".join(reference.group(0).split()) if reference else None,
        legal_obligation=bool(_LEGAL_OBLIGATION.search(norm)) and duration != "P0D",
    )


def _is_cookie_consent_memory(norm: str, section: str = "") -> bool:
    """"Nous conservons votre choix (sur les cookies) pendant six mois": how long the banner's answer is kept."""
    about_cookies = re.search(r"cookie|traceur|bandeau", norm) or re.search(r"cookie|traceur",
                                                                             section.rsplit(" / ", 1)[-1])
    return bool(re.search(r"(?:votre |vos )?choix|consentement", norm) and about_cookies
                and not re.search(r"donnees", norm))


def _deduplicated(found: list[RetentionFinding]) -> list[RetentionFinding]:
    seen: set[tuple[str, str, int]] = set()
    kept = []
    for f in found:
        ident = (f.duration, f.clock.value, f.segment.index)
        if ident not in seen:
            seen.add(ident)
            kept.append(f)
    return kept
