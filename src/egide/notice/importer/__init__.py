"""Draft a register from a privacy policy text (`egide register import`).

Pure rules on the standard library: the text (a web page first reduced to its text by
:mod:`.html_text`) is cut into sentences, list items and table rows (:mod:`.text`); each module
reads one thing from them (durations, clocks, categories, purposes, controller, recipients,
retention, rights, cookies), the notice's own words read back by :mod:`.labels`;
:mod:`.assemble` shapes the findings into a register that validates; :mod:`.gaps` lists what the
text does not say; :mod:`.fidelity` compares a draft with the register it should give.
"""

from __future__ import annotations

from pathlib import Path

from egide.notice.importer.assemble import (
    Draft,
    build_register,
    contradictions,
    strip_confidence,
)
from egide.notice.importer.extract import Findings, collect, read_policy
from egide.notice.importer.gaps import completeness_gaps
from egide.register.model import CustomTaxonomy, Register


def draft_from_findings(findings: Findings) -> Draft:
    register, dropped = build_register(findings)
    clean, confidence = strip_confidence(register)
    model = Register.model_validate(clean)
    return Draft(register=clean, confidence=confidence, gaps=completeness_gaps(findings, model),
                 contradictions=contradictions(findings), language=findings.policy.language,
                 source=findings.name, dropped=dropped)


def draft_from_file(path: str | Path, lang: str | None = None, taxonomy: CustomTaxonomy | None = None) -> Draft:
    """Read a policy file and draft its register. Raises UnreadableInputError for bad input.

    ``taxonomy``: the keys a register adds to fideslang; the text naming them by their names gives them back
    (a company importing its own published notice, or a new version of its policy)."""
    return draft_from_findings(read_policy(path, lang, taxonomy))


def draft_from_text(text: str, name: str = "<policy>", lang: str | None = None,
                    taxonomy: CustomTaxonomy | None = None) -> Draft:
    return draft_from_findings(collect(text, name, lang, taxonomy=taxonomy))


__all__ = ["Draft", "draft_from_file", "draft_from_text"]
