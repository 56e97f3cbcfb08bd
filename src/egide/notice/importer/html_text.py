"""A policy published as a web page, read as the text a person sees, in the shape the segmenter reads.

Headings become Markdown headings (``<h2>`` -> ``## ``), list items ``- `` lines indented by
their nesting, table rows ``| a | b |`` lines, a definition ``<dt>term</dt><dd>value</dd>``
one ``term : value`` line, bold ``**text**``; a line break inside an item starts a line under
it. Scripts, styles, forms and navigation are left out; entities are decoded. The quotes of an
HTML import are quoted from this text (the page's words, without its tags).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_HTML_START = re.compile(r"\s*(?:<!doctype html|<html\b|<\?xml[^>]*>\s*<html\b)", re.IGNORECASE)
_TAG = re.compile(r"</?(?:p|div|li|ul|ol|h[1-6]|table|tr|td|th|span|a|br|strong|section)\b", re.IGNORECASE)
_SKIPPED = frozenset({"script", "style", "nav", "head", "noscript", "template", "svg", "form", "button", "select"})
_BLOCKS = frozenset({"p", "div", "section", "article", "header", "footer", "main", "aside", "blockquote", "table",
                     "dl", "figure", "address", "details", "summary"})


def looks_like_html(text: str) -> bool:
    """A web page rather than a text: it starts as one, or tags are most of its lines."""
    if _HTML_START.match(text[:2000]):
        return True
    lines = max(1, text.count("\n"))
    return len(_TAG.findall(text[:200_000])) > max(20, lines)


def html_to_text(page: str) -> str:
    reader = _Reader()
    reader.feed(page)
    reader.close()
    reader.end_block()
    text = "\n".join(reader.lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.words: list[str] = []
        self.prefix = ""  # what starts the line being written: "## ", "  - "
        self.under = ""  # the indentation of lines written under the current item (after a <br>)
        self.depth = 0  # list nesting
        self.skipping = 0
        self.row: list[str] | None = None
        self.cell: list[str] | None = None

    # --- lines -------------------------------------------------------------------------------------

    def end_line(self) -> None:
        text = " ".join("".join(self.words).split())
        if text:
            self.lines.append(self.prefix + text)
            self.prefix = self.under
        self.words = []

    def end_block(self) -> None:
        self.end_line()
        self.prefix = self.under = "  " * self.depth if self.depth else ""
        if self.lines and self.lines[-1] != "":
            self.lines.append("")

    # --- parser events -----------------------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skipping += 1
        if self.skipping:
            return
        if re.fullmatch(r"h[1-6]", tag):
            self.end_block()
            self.prefix = "#" * int(tag[1]) + " "
        elif tag in ("ul", "ol"):
            self.end_line()
            if self.depth == 0:
                self.end_block()
            self.depth += 1
        elif tag == "li":
            self.end_line()
            self.prefix, self.under = "  " * (self.depth - 1) + "- ", "  " * (self.depth + 1)
        elif tag == "tr":
            self.end_line()
            self.row = []
        elif tag in ("td", "th"):
            self.cell = []
        elif tag == "br":
            self._write("\n")
        elif tag == "dt":
            self.end_line()
        elif tag == "dd":
            self._write(" : ")
        elif tag in ("strong", "b"):
            self._write("**")
        elif tag in _BLOCKS:
            self.end_block()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
            return
        if self.skipping:
            return
        if re.fullmatch(r"h[1-6]", tag):
            self.end_block()
        elif tag in ("ul", "ol"):
            self.end_line()
            self.depth = max(0, self.depth - 1)
            if self.depth == 0:
                self.end_block()
        elif tag == "li":
            self.end_line()
        elif tag in ("td", "th") and self.row is not None and self.cell is not None:
            self.row.append(" ".join("".join(self.cell).replace("|", "/").split()))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            if any(self.row):
                self.lines.append("| " + " | ".join(self.row) + " |")
            self.row = None
        elif tag in ("strong", "b"):
            self._write("**")
        elif tag == "dd":
            self.end_line()
        elif tag in _BLOCKS:
            self.end_block()

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self._write(data)

    def _write(self, text: str) -> None:
        if self.cell is not None:
            self.cell.append(" " if text == "\n" else text)
        elif text == "\n":
            self.end_line()
        else:
            self.words.append(text)
