"""A policy text read, checked and cut into segments that keep their place in the text.

A segment is a sentence of a paragraph, a list item, a heading or a table row. Its
``quote()`` is always ``source[start:end]``, so any segment can be quoted verbatim as a
``source_quote``. Its ``text`` is the same with the line breaks of a hard-wrapped text
joined (a plain-text policy wrapped at 80 columns reads as whole sentences and items); its
``norm`` is ``text`` folded for matching: lower case, accents and typographic apostrophes
removed, character for character (same length, same offsets), so a match found in ``norm``
is read from ``text`` at the same positions.

Headings are Markdown (``## Title``), numbered (``2.1 Title``), underlined (a line of ``=``,
``-`` or ``~`` under the title), a line in bold (``**Why**``), or a short capitalised line.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from egide.domain.errors import UnreadableInputError

MAX_POLICY_BYTES = 2 * 1024 * 1024  # the longest real policies are a few hundred kB

_FOLD = {"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"',
         "\u00ab": '"', "\u00bb": '"', "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\t": " ",
         "\u2013": "-", "\u2014": "-", "\u2011": "-", "\u2010": "-", "\u0153": "o", "\u0152": "o",
         "\u00e6": "a", "\u00c6": "a", "\u00df": "s"}


def fold_char(ch: str) -> str:
    if ch in _FOLD:
        return _FOLD[ch]
    if ch.isascii():
        return ch.lower()
    base = unicodedata.normalize("NFD", ch)[0].lower()
    return base[0] if base else ch


def _table() -> dict[int, str]:
    table = {}
    for code in range(0x2200):
        folded = fold_char(chr(code))
        if len(folded) == 1 and folded != chr(code):
            table[code] = folded
    return table


_TABLE = _table()


def fold(text: str) -> str:
    """Lower case without accents, one character for one character."""
    return text.translate(_TABLE)  # characters past U+2200 are left as they are


@dataclass(frozen=True)
class Segment:
    """One sentence, list item, heading or table row, placed in the source text."""

    index: int
    text: str
    norm: str
    start: int
    end: int
    kind: str  # sentence | item | heading | row
    section: str = ""  # the folded headings this segment sits under
    cells: tuple[str, ...] = ()  # table rows: the cells' text
    header: tuple[str, ...] = ()  # table rows: the folded header cells of their table
    line: int = 0  # index of the source line (list blocks and tables span consecutive lines)
    ends_with_colon: bool = False
    verbatim: str = ""  # source[start:end] when it differs from text (a segment over wrapped lines)
    indent: int = 0  # the columns before the text of its line (its bullet, for an item)

    def quote(self) -> str:
        """The segment exactly as the source has it."""
        return self.verbatim or self.text


@dataclass
class PolicyText:
    source: str
    language: str
    segments: list[Segment] = field(default_factory=list)

    def segment_at(self, index: int) -> Segment | None:
        return self.segments[index] if 0 <= index < len(self.segments) else None


# --- reading -----------------------------------------------------------------------------------

def read_policy_file(path: str | Path) -> str:
    """The text of a policy file, or UnreadableInputError naming the file and what is wrong."""
    p = Path(path)
    if not p.exists():
        raise UnreadableInputError(f"{p}: no such file")
    if p.is_dir():
        raise UnreadableInputError(f"{p}: is a directory, expected a privacy policy as a text file")
    size = p.stat().st_size
    if size > MAX_POLICY_BYTES:
        raise UnreadableInputError(
            f"{p}: {size} bytes is more than a privacy policy holds (limit {MAX_POLICY_BYTES} bytes); "
            "give the policy's text only")
    raw = p.read_bytes()
    return decode_policy(raw, str(p))


def decode_policy(raw: bytes, name: str = "<policy>") -> str:
    if b"\x00" in raw[:65536] or _control_share(raw[:65536]) > 0.05:
        raise UnreadableInputError(f"{name}: is a binary file, not a text: export the policy as plain text (UTF-8)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise UnreadableInputError(f"{name}: is neither UTF-8 nor Windows-1252 text (byte {exc.start})") from None
    if not text.strip():
        raise UnreadableInputError(f"{name}: is empty: there is no policy text to import")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _control_share(raw: bytes) -> float:
    if not raw:
        return 0.0
    controls = sum(1 for b in raw if b < 32 and b not in (9, 10, 12, 13))
    return controls / len(raw)


# --- language ----------------------------------------------------------------------------------

_FR_WORDS = frozenset("le la les des du de et est vos votre nous notre pour dans une un que qui sur avec par "
                      "sont ces donnees vous aux au ou pas ne cette peuvent".split())
_EN_WORDS = frozenset("the and of to your you we our for with is are that by on this data may be or "
                      "in not will which".split())


def detect_language(text: str, name: str = "<policy>", forced: str | None = None) -> str:
    """'fr' or 'en', or UnreadableInputError for a text in another language."""
    sample = fold(text[:200_000])
    words = re.findall(r"[a-z']+", sample)
    cjk = sum(1 for c in text[:20_000] if "\u3040" <= c <= "\u9fff" or "\uac00" <= c <= "\ud7af")
    if len(words) < 8 or cjk > len(words):
        raise UnreadableInputError(
            f"{name}: does not read as a privacy policy in French or English "
            f"({len(words)} Latin-script word(s)); only French and English texts can be imported")
    tokens = [w.split("'")[-1] for w in words]
    fr = sum(1 for w in tokens if w in _FR_WORDS) / len(tokens)
    en = sum(1 for w in tokens if w in _EN_WORDS) / len(tokens)
    if max(fr, en) < 0.12:
        raise UnreadableInputError(
            f"{name}: the text is neither French nor English (French words {fr:.0%}, English words {en:.0%}); "
            "only French and English policies can be imported")
    if forced in ("fr", "en"):
        return forced
    return "fr" if fr >= en else "en"


# --- segmentation ------------------------------------------------------------------------------

_BULLET = re.compile(r"^\s*(?:[-*\u2022\u25cf\u25aa\u2023\u2043\u25e6\uf0b7\u2013\u2014>]+|\(?[a-z]\)|\(?[ivx]{1,4}\)"
                     r"|\d{1,2}\))\s+")
_NUMBERED_HEADING = re.compile(r"^\s*(?:#{1,6}\s*|(?:article|section|chapitre|partie)\s+\d+\s*[-.:]?\s*"
                               r"|\d{1,2}(?:\.\d{1,2}){0,3}\.?\s*[-/):.]?\s+|[IVX]{1,5}\s*[-.)]\s+)", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?](?P<close>[\"'\u00bb\u201d)\]]*)\s+(?=[\"'\u00ab\u201c(\[]?[A-Z\u00c0-\u00dd0-9])")
_ABBREVIATIONS = frozenset("art n no nos m mme mlle mm st cf p pp al lit para env ex vs inc ltd co corp etc "
                           "s.a b.v e.g i.e dr me av bd ste sa sas sarl e.v approx ch chap réf ref tel tél".split())


_UNDERLINE = re.compile(r"^\s*([=~^+-])\1{2,}\s*$")
_SETEXT_DEPTH = {"=": 1, "-": 2}  # any other underline: 3
_BOLD_LINE = re.compile(r"^\s*(\*\*|__)[^*_].*\1\s*:?\s*$")
_WRAP_LIMIT = 100  # a text whose lines (nearly) all stay under this many columns is hard-wrapped
_LABELLED_LINE = re.compile(r"^\s*[A-Z\u00c0-\u00dd][\w'\u2019 -]{0,40}?\s?:\s")  # "Données : ...", "Base légale : ..."


def split_segments(source: str) -> list[Segment]:
    """Cut the text into headings, sentences, list items and table rows, with offsets."""
    segments: list[Segment] = []
    headings: list[tuple[int, str]] = []  # (depth, folded heading)
    table_header: tuple[str, ...] = ()
    lines = source.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    underlined = {n - 1 for n, line in enumerate(lines) if n and _UNDERLINE.match(line) and lines[n - 1].strip()
                  and not _BULLET.match(lines[n - 1])}
    plain_depth = 4 if underlined else 1  # a short capitalised line sits under the underlined headings
    for first, last in _logical_lines(lines, underlined):
        start, end = offsets[first], offsets[last] + len(lines[last])
        line = _flat(source[start:end])
        if not line.strip():
            table_header = ()
            continue
        if first - 1 in underlined and _UNDERLINE.match(line):
            continue
        cells = _table_cells(line)
        section = " / ".join(h for _, h in headings)
        indent = len(line) - len(line.lstrip())
        if cells is not None and first not in underlined:
            if all(re.fullmatch(r"\s*:?-{2,}:?\s*", c) for c in cells):
                continue
            if not table_header:
                table_header = tuple(fold(c).strip() for c in cells)
            _add(segments, source, start, end, "row", section, cells=tuple(cells), header=table_header, line=first,
                 indent=indent)
            continue
        table_header = ()
        if first in underlined or _BOLD_LINE.match(line) or _is_heading(line, lines, first):
            depth = _heading_depth(line, plain_depth, lines[first + 1] if first in underlined else None)
            while headings and headings[-1][0] >= depth:
                headings.pop()
            headings.append((depth, fold(line.strip())))
            _add(segments, source, start, end, "heading", " / ".join(h for _, h in headings), line=first,
                 indent=indent)
            continue
        bullet = _BULLET.match(line)
        body_start = start + (bullet.end() if bullet else 0)
        kind = "item" if bullet else "sentence"
        for n, (s, e) in enumerate(_sentences(source, body_start, end)):
            _add(segments, source, s, e, kind if n == 0 else "sentence", section, line=first, indent=indent)
    return segments


def _flat(text: str) -> str:
    """The text with each line break (and the indentation after it) read as one space."""
    return re.sub(r"[ \t]*\n\s*", " ", text) if "\n" in text else text


def _wrap_width(lines: list[str], underlined: set[int]) -> int | None:
    """The column a hard-wrapped text is wrapped at, or None when its lines run on (headings left out)."""
    lengths = [len(line.rstrip()) for n, line in enumerate(lines) if line.strip() and n not in underlined
               and n - 1 not in underlined]
    short = [n for n in lengths if n <= _WRAP_LIMIT]
    if len(lengths) < 10 or len(lengths) - len(short) > len(lengths) * 0.02:
        return None
    return max(short)


def _logical_lines(lines: list[str], underlined: set[int]) -> list[tuple[int, int]]:
    """(first, last) physical lines of each logical line: a wrapped line goes on in the next one when
    that one starts at its text column and its first word would not have fitted on it."""
    width = _wrap_width(lines, underlined)
    spans: list[tuple[int, int]] = []
    number = 0
    while number < len(lines):
        first = last = number
        if width and lines[first].strip() and first not in underlined:
            column = _text_column(lines[first])
            while last + 1 < len(lines) and last + 1 not in underlined and \
                    _continues(lines[last], lines[last + 1], column, width):
                last += 1
        spans.append((first, last))
        number = last + 1
    return spans


def _text_column(line: str) -> int:
    bullet = _BULLET.match(line)
    return bullet.end() if bullet else len(line) - len(line.lstrip())


def _continues(previous: str, line: str, column: int, width: int) -> bool:
    if not line.strip() or _BULLET.match(line) or _UNDERLINE.match(line) or "|" in line:
        return False
    if len(line) - len(line.lstrip()) != column:
        return False
    if _LABELLED_LINE.match(line):
        return False  # "Données : ...": a new labelled line, not the end of the one above
    return len(previous.rstrip()) + 1 + len(line.split()[0]) > width


def _add(segments: list[Segment], source: str, start: int, end: int, kind: str, section: str,
         cells: tuple[str, ...] = (), header: tuple[str, ...] = (), line: int = 0, indent: int = 0) -> None:
    while start < end and source[start].isspace():
        start += 1
    while end > start and source[end - 1].isspace():
        end -= 1
    if end <= start:
        return
    verbatim = source[start:end]
    text = _flat(verbatim)
    segments.append(Segment(len(segments), text, fold(text), start, end, kind, section, cells, header, line,
                            text.rstrip().endswith(":"), verbatim if text != verbatim else "", indent))


def _table_cells(line: str) -> list[str] | None:
    if line.count("|") >= 2 or (line.count("|") == 1 and not line.strip().startswith("|")):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len([c for c in cells if c]) >= 2:
            return cells
    if "\t" in line.strip():
        cells = [c.strip() for c in line.strip().split("\t") if c.strip()]
        if 2 <= len(cells) <= 8:
            return cells
    parts = [c.strip() for c in re.split(r"\s{3,}", line.strip()) if c.strip()]
    if 2 <= len(parts) <= 6 and sum(1 for c in parts if len(c.split()) == 1 and len(c) < 5) <= 1 \
            and not line.strip().endswith((".", ";", ",")) and not _BULLET.match(line):
        return parts
    return None


def _is_heading(line: str, lines: list[str], number: int) -> bool:
    text = line.strip()
    if text.startswith("#"):
        return True
    words = text.split()
    if len(words) > 14 or len(text) > 120:
        return False
    if text.endswith((".", ";", ",", ":")) and not re.match(r"^\d{1,2}(\.\d{1,2})*\.?$", text):
        return False
    if _BULLET.match(line) and not _NUMBERED_HEADING.match(line):
        return False
    if _NUMBERED_HEADING.match(line):
        rest = _NUMBERED_HEADING.sub("", line, count=1).strip()
        return bool(rest) and rest[0].isupper() and len(rest.split()) <= 14
    return text[0].isupper() and len(words) <= 10 and not re.search(r"@|https?://|www\.|\d|\S\s?:\s+\S", text)


def _heading_depth(line: str, plain: int = 1, underline: str | None = None) -> int:
    """1 for a title (``#``, ``===`` under it), 2 for a section (``##``, ``---``), deeper for sub-sections;
    a bold line sits under any heading, a short capitalised line at ``plain``."""
    if underline is not None:
        return _SETEXT_DEPTH.get(underline.strip()[0], 3)
    if _BOLD_LINE.match(line):
        return 7
    match = re.match(r"^\s*(#{1,6})", line)
    if match:
        return len(match.group(1))
    match = re.match(r"^\s*(\d{1,2}(?:\.\d{1,2}){0,3})", line)
    if match:
        return match.group(1).rstrip(".").count(".") + 1
    return plain


def _sentences(source: str, start: int, end: int) -> list[tuple[int, int]]:
    text = source[start:end]
    spans: list[tuple[int, int]] = []
    last = 0
    for match in _SENTENCE_END.finditer(text):
        cut = match.start() + 1
        before = text[last:cut]
        after_close = cut + len(match.group("close"))
        word = re.search(r"([\w.]+)\.$", before)
        token = word.group(1).lower() if word else ""
        if token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha()) or re.fullmatch(r"(?:[a-z]\.)+[a-z]?", token):
            continue
        if re.search(r"\d\.$", before) and re.match(r"\s*\d", text[cut:]):
            continue
        spans.append((start + last, start + after_close))
        last = match.end()
    spans.append((start + last, end))
    return [(s, e) for s, e in spans if e > s]


def segment_policy(source: str, language: str) -> PolicyText:
    return PolicyText(source, language, split_segments(source))
