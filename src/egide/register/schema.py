"""The register format as JSON Schema, and as the Markdown reference in docs/register.md."""

from __future__ import annotations

from typing import Any

from egide.register.model import FORMAT_VERSION, Register

SCHEMA_ID = f"https://egide.invalid/schemas/register-v{FORMAT_VERSION}.json"


def register_json_schema() -> dict[str, Any]:
    schema = Register.model_json_schema(mode="validation")
    # A category may be written as its bare key: `- user.contact.email`.
    categories = schema["$defs"]["Activity"]["properties"]["data_categories"]
    key_pattern = schema["$defs"]["CategoryUse"]["properties"]["key"]
    categories["items"] = {"anyOf": [{"$ref": "#/$defs/CategoryUse"}, {**key_pattern, "type": "string"}]}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


def _type_of(prop: dict[str, Any]) -> str:
    if "$ref" in prop:
        return f"[{prop['$ref'].rsplit('/', 1)[-1]}](#{prop['$ref'].rsplit('/', 1)[-1].lower()})"
    if "anyOf" in prop:
        return " or ".join(_type_of(p) for p in prop["anyOf"])
    if prop.get("type") == "array":
        return f"list of {_type_of(prop.get('items', {}))}"
    if "enum" in prop:
        return " \\| ".join(f"`{v}`" for v in prop["enum"])
    kind = prop.get("type", "any")
    return {"null": "null"}.get(kind, f"{kind}" + (f" ({prop['format']})" if "format" in prop else ""))


def register_markdown() -> str:
    """docs/register.md, generated: a test fails when the file and the models disagree."""
    schema = register_json_schema()
    defs: dict[str, Any] = schema.get("$defs", {})
    lines = [
        "# The register format",
        "",
        "<!-- Generated from the JSON Schema by `egide register schema --format md`; do not edit by hand. -->",
        "",
        f"A register is one YAML file describing one controller (format version {FORMAT_VERSION}). "
        "`egide register schema` prints the JSON Schema; `egide register check FILE` validates a file "
        "and reports compliance findings. The five seed registers in `examples/registers/` show every section.",
        "",
        "Every item that comes from a policy text may carry `source_quote`: the sentence it comes from.",
        "",
    ]
    sections = [("Register", schema)] + sorted(defs.items())
    for name, body in sections:
        lines += [f"## {name}", ""]
        if body.get("description"):
            lines += [" ".join(body["description"].split()), ""]
        if "enum" in body:
            lines += ["One of: " + ", ".join(f"`{v}`" for v in body["enum"]), ""]
            continue
        props = body.get("properties", {})
        if not props:
            continue
        required = set(body.get("required", []))
        lines += ["| field | type | required | default | description |", "|---|---|---|---|---|"]
        for field, prop in props.items():
            default = prop.get("default", "")
            default_text = f"`{default}`" if default not in ("", None, [], {}) else ""
            desc = " ".join((prop.get("description") or "").split()).replace("|", "\\|")
            lines.append(f"| `{field}` | {_type_of(prop)} | {'yes' if field in required else ''} | "
                         f"{default_text} | {desc} |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
