"""The draft as YAML (the register, then confidences, gaps and contradictions as comments) or JSON."""

from __future__ import annotations

import io
import json
from typing import Any

from ruamel.yaml import YAML

from egide.notice.importer.assemble import Draft


def draft_yaml(draft: Draft) -> str:
    yaml = YAML(typ="rt")
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    buffer = io.StringIO()
    yaml.dump(draft.register, buffer)
    lines = [
        f"# Draft register imported by `egide register import` from {draft.source} (language: {draft.language}).",
        "# A draft: check every item against its source_quote; confidences, gaps and contradictions follow.",
        buffer.getvalue().rstrip("\n"),
        "",
        "# --- contradictions inside the text " + "-" * 60,
    ]
    lines += [f"#   - {c['message']}\n#       claim: « {c['statement_quote']} »\n#       but:   « {c['conflicting_quote']} »"
              for c in draft.contradictions] or ["#   (none found)"]
    lines.append("# --- gaps: what the text does not say (GDPR art. 13) " + "-" * 43)
    lines += [f"#   - {g['article']} {g['item']}: {g['message']}" for g in draft.gaps] or ["#   (none found)"]
    if draft.dropped:
        lines.append("# --- items dropped so that the draft validates " + "-" * 49)
        lines += [f"#   - {d}" for d in draft.dropped]
    lines.append("# --- confidence (0-1) and why, by item " + "-" * 57)
    lines += [f"#   {path}: {c['confidence']:.2f} {c['why']}" for path, c in draft.confidence.items()]
    return "\n".join(_one_line(line) for line in lines) + "\n"


def _one_line(text: str) -> str:
    if not text.startswith("#"):
        return text
    return "\n".join(part if part.startswith("#") else "#   " + part for part in text.split("\n"))


def draft_json(draft: Draft) -> str:
    payload: dict[str, Any] = {"register": draft.register, "confidence": draft.confidence, "gaps": draft.gaps,
                               "contradictions": draft.contradictions, "dropped": draft.dropped,
                               "language": draft.language, "source": draft.source}
    return json.dumps(payload, indent=2, ensure_ascii=False, default=str)
