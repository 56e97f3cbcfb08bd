"""Labelled lines: "Destinataires : ...", "Base légale : ...", "Durée de conservation : ...".

Policies written on the CNIL's model describe each processing as a card of labelled lines
(finalité, base légale, données, destinataires, durée de conservation), and cookie tables do the
same for each cookie. A labelled line says one thing, so each rule reads only the lines whose
label announces what it looks for: a list of recipients names no data and states no purpose, a
way to withdraw consent ("dans les paramètres de votre navigateur") is not the browser data, a
cookie's lifetime is not a retention rule of the register. The same goes for the columns of a
table, by their header, and for a cookie's card in a list. The titles of the text's own sections,
named again in a sentence or a row ("Journaux du serveur : conservés tant que..."), refer to those
sections and are not read again.
"""

from __future__ import annotations

import re

from egide.notice.importer.text import PolicyText, Segment, fold

_FIELDS: list[tuple[str, str]] = [
    ("lifetime", r"duree de vie|lifetime|expiration|expire"),
    ("retention", r"durees?(?: de (?:conservation|stockage))?|conservation|pourquoi cette duree|(?:retention|storage) "
                  r"(?:period|time)|retention|how long|why this (?:period|long)|a la fin(?: de la duree)?|at the end"),
    ("purpose", r"finalites?|objectifs?|purposes?|pourquoi|why"),
    ("basis", r"bases? (?:legales?|juridiques?)|fondements?(?: juridiques?| legal)?|legal basis|lawful basis"),
    ("data", r"(?:categories de |types de )?donnees(?: (?:concernees|collectees|traitees|personnelles|transferees))?|"
             r"(?:categories of |personal )?data(?: categories| concerned| collected)?|informations collectees"),
    ("recipients", r"destinataires?|recipients?|deposes? par|set by|partenaires?|partners?"),
    ("subjects", r"personnes concernees|people concerned|data subjects"),
    ("channel", r"pour (?:retirer votre consentement|vous y opposer|exercer vos droits|vous desinscrire)|"
                r"to (?:withdraw (?:your )?consent|object|unsubscribe)"),
    ("safeguard", r"garanties?|safeguards?"),
    ("interest", r"(?:notre |nos )?interets? legitimes?|(?:our )?legitimate interests?"),
    ("reference", r"textes? applicables?|applicable (?:law|text)"),
    ("source", r"sources?"),
    ("consequence", r"a defaut|if (?:you do not provide it|not provided)|otherwise"),
    ("consent", r"consentement requis|consent required"),
    ("category", r"categorie|category"),
    ("transfer", r"pays|country"),
]
_LABELLED = [(field, re.compile(rf"^\s*(?:{pattern})\s*:\s")) for field, pattern in _FIELDS]


def line_field(norm: str) -> str | None:
    """What a labelled line is about ("destinataires : ..." -> "recipients"), or None for any other segment."""
    if " :" not in norm[:48] and ": " not in norm[:48]:
        return None
    for field, pattern in _LABELLED:
        if pattern.match(norm):
            return field
    return None


_READERS = {"purposes": (None, "purpose", "basis"), "data": (None, "data", "purpose"),
            "retention": (None, "retention", "data", "purpose"), "recipients": (None, "recipients", "transfer")}
_COOKIES = re.compile(r"cookie|traceur|tracker")


def readable(seg: Segment, reader: str) -> str:
    """The segment's folded text as ``reader`` ("purposes", "data", "retention", "recipients") may read it,
    same length: a labelled line about something else is blanked, and so is a table cell whose column
    is about something else ("Destinataire", "Garantie" for purposes). The cards and rows of a cookie
    table describe cookies, not the processing: they state no purpose and name no data."""
    allowed = _READERS[reader]
    if seg.kind == "row" and seg.header and tuple(fold(c).strip() for c in seg.cells) != seg.header:
        if reader != "retention" and any(_COOKIES.search(h) for h in seg.header):
            return " " * len(seg.norm)
        return _cells_read(seg, allowed)
    field = line_field(seg.norm)
    if field not in allowed:
        return " " * len(seg.norm)
    if field is not None and reader != "retention" and _COOKIES.search(seg.section.rsplit(" / ", 1)[-1]):
        return " " * len(seg.norm)
    return seg.norm


def is_cookie_card(policy: PolicyText, seg: Segment) -> bool:
    """The title of a cookie's card: an item of a section about cookies with labelled lines under it
    ("- Google Analytics" / "Déposé par : Google")."""
    if seg.kind != "item" or not _COOKIES.search(seg.section.rsplit(" / ", 1)[-1]):
        return False
    below = next((s for s in policy.segments[seg.index + 1:seg.index + 4] if s.line != seg.line), None)
    return below is not None and below.indent > seg.indent and line_field(below.norm) is not None


def _cells_read(seg: Segment, allowed: tuple[str | None, ...]) -> str:
    norm = seg.norm
    out = list(norm)
    position = 0
    for cell, title in zip(seg.cells, seg.header):
        folded = fold(cell).strip()
        at = norm.find(folded, position) if folded else -1
        if at < 0:
            continue
        position = at + len(folded)
        if line_field(f"{title} : x") not in allowed:
            out[at:position] = " " * len(folded)
    return "".join(out)


def states_retention(norm: str) -> bool:
    """The segment may state a retention period: it is not a cookie's lifetime nor a line about something else."""
    return line_field(norm) in _READERS["retention"]


_MARKUP = re.compile(r"^[#*_=\s\d.)-]+|[*_:\s]+$")


def section_titles(policy: PolicyText) -> list[str]:
    """The folded titles of the text's sections long enough to be told apart (three words or more)."""
    titles = {_MARKUP.sub("", s.norm) for s in policy.segments if s.kind == "heading"}
    return sorted((t for t in titles if len(t.split()) >= 3 and len(t) >= 15), key=len, reverse=True)


def without_titles(norm: str, titles: list[str]) -> str:
    """``norm`` with the titles of sections it names blanked, same length: "Journaux du serveur : conservés
    tant que..." or a retention row naming its processing refer to a section, they say nothing new."""
    for title in titles:
        if title in norm:
            norm = norm.replace(title, " " * len(title))
    return norm
