"""`egide register render` and `egide register import`: the notice both ways."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from egide.adapters.cli import register_commands
from egide.adapters.cli.errors import reported_errors
from egide.domain.errors import UnreadableInputError
from egide.register.loader import load_register

app = register_commands.app


class NoticeFormat(str, Enum):
    html = "html"
    md = "md"
    txt = "txt"


@app.command()
def render(
    file: Path = typer.Argument(..., help="The register to render."),
    lang: str | None = typer.Option(None, "--lang", help="fr or en. Default: the register's language."),
    format: NoticeFormat = typer.Option(NoticeFormat.html, "--format", help="html (a standalone page), md or txt."),
    diff: Path | None = typer.Option(None, "--diff", metavar="OLD",
                                     help="The register in force: render what changes from OLD to FILE instead."),
    templates: Path | None = typer.Option(None, "--templates", metavar="DIR",
                                          help="Templates that replace the package's, as DIR/{lang}/notice.{format}.j2 "
                                               "(and changes.{format}.j2 for --diff)."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file instead of standard output."),
) -> None:
    """Render the privacy notice (GDPR art. 13 and 14) from a register, or the notice of what changed.

    Exit status: 0 rendered, 2 unreadable or invalid register, unknown language or broken template.
    """
    from egide.notice.changes import render_changes
    from egide.notice.render import render_notice

    with reported_errors():
        register = load_register(file).register
        language = lang or (register.policy.language if register.policy.language in ("fr", "en") else "en")
        if diff is not None:
            text = render_changes(load_register(diff).register, register, language, format.value, templates)
        else:
            text = render_notice(register, language, format.value, templates)
        if output is not None:
            try:
                output.write_text(text, encoding="utf-8")
            except OSError as exc:
                raise UnreadableInputError(f"{output}: cannot write the notice ({exc.strerror})") from None
    if output is None:
        typer.echo(text, nl=False)


class ImportFormat(str, Enum):
    yaml = "yaml"
    json = "json"


class ImportLanguage(str, Enum):
    auto = "auto"
    fr = "fr"
    en = "en"


@app.command("import")
def import_policy(
    text_file: Path = typer.Argument(..., help="The privacy policy, as a plain-text file (UTF-8)."),
    lang: ImportLanguage = typer.Option(ImportLanguage.auto, "--lang", help="Language of the text: auto, fr or en."),
    format: ImportFormat = typer.Option(ImportFormat.yaml, "--format",
                                        help="yaml (register, then confidences and gaps as comments) or json."),
    taxonomy: Path | None = typer.Option(None, "--taxonomy", metavar="REGISTER",
                                         help="A register whose custom taxonomy keys (categories, uses) the text may "
                                              "name: their names are then read back to those keys."),
) -> None:
    """Draft a register from a privacy policy text, quoting the sentence behind every item.

    Prints a draft that `egide register check` accepts, with a confidence for each item, the contradictions
    found inside the text and what the text does not say (GDPR art. 13). Offline rules, French first.
    Exit status: 0 a draft was printed, 2 unreadable input (missing, empty, binary, too large, not French or English).
    """
    from egide.notice.importer import draft_from_file
    from egide.notice.importer.output import draft_json, draft_yaml

    with reported_errors():
        custom = load_register(taxonomy).register.taxonomy if taxonomy is not None else None
        draft = draft_from_file(text_file, None if lang is ImportLanguage.auto else lang.value, taxonomy=custom)
    typer.echo(draft_json(draft) if format is ImportFormat.json else draft_yaml(draft), nl=False)
