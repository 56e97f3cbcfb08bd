"""Draft a register from a privacy policy text (`egide register import`).

Pure rules on the standard library: the text is cut into sentences, list items and table rows
(:mod:`.text`); each module reads one thing from them (durations, clocks, categories,
purposes, controller, recipients, retention, rights, cookies); :mod:`.assemble` shapes the
findings into a register that validates; :mod:`.gaps` lists what the text does not say.
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
from egide.register.model import Register


def draft_from_findings(findings: Findings) -> Draft:
    register, dropped = build_register(findings)
    clean, confidence = strip_confidence(register)
    model = Register.model_validate(clean)
    return Draft(register=clean, confidence=confidence, gaps=completeness_gaps(findings, model),
                 contradictions=contradictions(findings), language=findings.policy.language,
                 source=findings.name, dropped=dropped)


def draft_from_file(path: str | Path, lang: str | None = None) -> Draft:
    """Read a policy file and draft its register. Raises UnreadableInputError for bad input."""
    return draft_from_findings(read_policy(path, lang))


def draft_from_text(text: str, name: str = "<policy>", lang: str | None = None) -> Draft:
    return draft_from_findings(collect(text, name, lang))


__all__ = ["Draft", "draft_from_file", "draft_from_text"]
