"""Jinja2 templates for the notice: the package's own, or a company's that override them.

Templates are looked up as ``{lang}/{name}.{format}.j2`` (``fr/notice.html.j2``,
``en/changes.md.j2``) first in the override directory, then in the package, so a company can
replace one file (its tone, its sections) and keep the rest. HTML is autoescaped; Markdown
output escapes ``<``, ``>`` and ``|`` in every value so a register's text can neither inject
markup nor break a table; plain text is wrapped at 88 columns with the ``fill`` filter.
"""

from __future__ import annotations

import textwrap
from dataclasses import fields
from pathlib import Path
from typing import Any

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    select_autoescape,
)

from egide.domain.errors import InvalidInputError, UnreadableInputError

WIDTH = 88


def render_template(name: str, fmt: str, view: Any, templates: Path | None = None) -> str:
    """Render ``{view.lang}/{name}.{fmt}.j2`` with the view's fields as variables."""
    env = environment(fmt, templates)
    template_name = f"{view.lang}/{name}.{fmt}.j2"
    context = {f.name: getattr(view, f.name) for f in fields(view)}
    try:
        template = env.get_template(template_name)
        return template.render(**context)
    except TemplateNotFound as exc:
        raise InvalidInputError(f"no template {exc.name!r} in {_where(templates)}") from None
    except TemplateSyntaxError as exc:
        raise InvalidInputError(
            f"template {exc.filename or exc.name}:{exc.lineno}: {exc.message}") from None
    except TemplateError as exc:
        raise InvalidInputError(f"template {template_name} ({_where(templates)}) failed: {exc}") from None


def environment(fmt: str, templates: Path | None = None) -> Environment:
    loaders = []
    if templates is not None:
        if not templates.is_dir():
            raise UnreadableInputError(f"{templates}: not a directory of notice templates")
        loaders.append(FileSystemLoader(str(templates)))
    loaders.append(PackageLoader("egide.notice", "templates"))
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=select_autoescape(enabled_extensions=("html.j2", "html"), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_markdown_safe if fmt == "md" else None,
    )
    env.filters["capfirst"] = capfirst
    env.filters["lowerfirst"] = lowerfirst
    env.filters["de"] = french_de
    env.filters["fill"] = fill if fmt == "txt" else (lambda text, column=0: text)
    env.filters["underline"] = underline
    return env


def _where(templates: Path | None) -> str:
    return f"{templates} or the package templates" if templates else "the package templates"


def capfirst(text: Any) -> str:
    text = "" if text is None else str(text)
    return text[:1].upper() + text[1:]


def lowerfirst(text: Any) -> str:
    """'Il ne vous sera pas possible' -> 'il ne vous...'; 'IP masking' and 'Google' keep their capital."""
    text = "" if text is None else str(text)
    first = text.split(" ", 1)[0]
    if len(first) > 1 and first[1:].islower() and first not in _PROPER_WORDS:
        return text[:1].lower() + text[1:]
    return text


_PROPER_WORDS = frozenset({"Google", "Facebook", "Microsoft", "Apple", "Amazon"})


def french_de(text: str) -> str:
    """'un mois' -> "d'un mois", 'deux mois' -> 'de deux mois'."""
    return ("d'" if text[:1].lower() in "aeiouyéèêh" else "de ") + text


def fill(text: Any, column: int = 0) -> str:
    """Wrap ``text`` to the page width when it starts at ``column``; following lines are indented to it."""
    text = " ".join(str(text).split())
    for glued in (" :", " ;", " ?", " !", " »", "« "):  # French spacing: never break a line there
        text = text.replace(glued, glued.replace(" ", "\x00"))
    pad = " " * column
    wrapped = textwrap.fill(pad + text, width=WIDTH, subsequent_indent=pad, break_long_words=False,
                            break_on_hyphens=False)[column:]
    return wrapped.replace("\x00", " ")


def underline(text: Any, char: str = "-") -> str:
    """A plain-text heading: the text on one line, a line of ``char`` under it."""
    text = " ".join(str(text).split())
    return f"{text}\n{char * min(len(text), WIDTH)}"


def _markdown_safe(value: Any) -> Any:
    if not isinstance(value, str):
        return "" if value is None else value
    return (" ".join(value.split()).replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|"))
