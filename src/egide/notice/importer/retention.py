"""Retention rules read from sentences and table rows: a period, what starts it, what happens at its end.

A sentence counts when it speaks of keeping or deleting data (conserver, stocker, garder,
archiver, supprimer, retain, keep, delete...) or sits in a section about retention; a table
row counts in such a section or when one of its cells is a period ("Prospection | 3 ans |
dernier contact"). Each period takes the event named after it (or before it) behind a
trigger word; a row takes the event named in another cell; a period with no event takes the
event most policies mean for that kind of data, at lower confidence, and says so.
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
from egide.notice.importer.text import PolicyText, Segment
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
                        r"get back in touch|contact you again")
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


def is_deadline_sentence(norm: str) -> bool:
    """A sentence about how fast requests are answered, not about keeping data."""
    return bool(_DEADLINE.search(norm) and _REQUEST.search(norm)) and not re.search(
        r"conserv|stock|archiv|retain|kept|stored|supprim|delete|efface", norm)


def find_retention(policy: PolicyText) -> list[RetentionFinding]:
    found: list[RetentionFinding] = []
    for seg in policy.segments:
        if seg.kind == "heading" or is_deadline_sentence(seg.norm):
            continue
        in_section = bool(RETENTION_SECTION.search(seg.section))
        if seg.kind == "row":
            found += _from_row(seg, in_section)
            continue
        if not (RETENTION_VERB.search(seg.norm) or (in_section and find_periods(seg.norm))):
            continue
        if _RECONTACT.search(seg.norm) and found and found[-1].segment.section == seg.section:
            periods = find_periods(seg.norm)
            if periods:
                found[-1].recontact = (periods[0].iso, seg)
            continue
        found += _from_sentence(seg, found)
    return _deduplicated(found)


def _from_sentence(seg: Segment, earlier: list[RetentionFinding]) -> list[RetentionFinding]:
    norm = seg.norm
    periods = [p for p in find_periods(norm) if not _is_cookie_consent_memory(norm)]
    results: list[RetentionFinding] = []
    if not periods:
        match = while_form(norm)
        if match is None or not RETENTION_VERB.search(norm):
            return []
        return [_finding(seg, "P0D", match.clock, 0.7, "kept while an event lasts, then deleted (no period stated)")]
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


def _from_row(seg: Segment, in_section: bool) -> list[RetentionFinding]:
    cells = [c for c in seg.cells]
    from egide.notice.importer.text import fold

    folded = [fold(c) for c in cells]
    header = " ".join(seg.header)
    if folded and tuple(f.strip() for f in folded) == seg.header:
        return []  # the header row itself
    periods_by_cell = [(i, find_periods(c)) for i, c in enumerate(folded)]
    with_period = [(i, ps[0]) for i, ps in periods_by_cell if ps]
    if not with_period:
        row_while = while_form(seg.norm)
        if row_while is not None and (in_section or RETENTION_SECTION.search(header)):
            return [_finding(seg, "P0D", row_while.clock, 0.65, "table row: kept while an event lasts")]
        return []
    if not (in_section or RETENTION_SECTION.search(header) or RETENTION_VERB.search(seg.norm)
            or len(cells) >= 2):
        return []
    results = []
    for index, period in with_period[:1]:
        clock = find_clock(folded[index], period.end)
        how = "table row: period and starting event in the same cell"
        if clock is None:
            starts = [j for j, h in enumerate(seg.header) if re.search(r"depart|compter|debut|declencheur|start|from", h)]
            order = starts + [j for j in range(index + 1, len(folded))] + list(range(index))
            for j in dict.fromkeys(order):
                if j == index or j >= len(folded):
                    continue
                cell = folded[j]
                phrase_clock = clock_of_phrase(cell)
                if phrase_clock is not None:
                    clock_value = phrase_clock
                    how = "table row: the starting event is in another cell"
                    break
            else:
                clock_value = default_clock(seg.norm + " " + seg.section)
                how = "table row with no starting event: the usual one for this data is assumed"
        else:
            clock_value = clock.clock
        confidence = 0.8 if "assumed" not in how else 0.5
        results.append(_finding(seg, period.iso, clock_value, confidence, how, period))
    return results


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


def _is_cookie_consent_memory(norm: str) -> bool:
    return bool(re.search(r"(?:votre |vos )?choix|consentement", norm) and re.search(r"cookie|traceur|bandeau", norm)
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
