"""Read a register from YAML with every error placed at its file, line, column and field.

libyaml parses (fast); when a place is needed (an error, a lint finding), ruamel.yaml parses
the same text again keeping the position of every key and item, so a Pydantic error's
location (``activities.2.purposes.0.legal_basis``) maps back to the line a person edits.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import yaml
from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import YAMLError

from egide.domain.errors import InvalidInputError, Problem, UnreadableInputError
from egide.register.model import Register
from egide.register.validation import validate_register

MAX_REGISTER_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class LoadedRegister:
    """A register that passed validation, with the text it came from."""

    register: Register
    text: str
    file: str
    _positions: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def tree(self) -> Any:
        """The ruamel tree with every node's position, parsed only when a place is asked for."""
        if "tree" not in self._positions:
            self._positions["tree"] = positions_tree(self.text)
        return self._positions["tree"]

    def locate(self, path: Iterable[str | int]) -> tuple[int | None, int | None]:
        return locate(self.tree, path)


def read_yaml_text(path: str | Path, what: str = "register", limit: int = MAX_REGISTER_BYTES) -> str:
    """The text of a YAML file, refused with a clear message when it is missing, too large, binary or not UTF-8."""
    p = Path(path)
    if not p.exists():
        raise UnreadableInputError(f"{p}: no such file")
    if p.is_dir():
        raise UnreadableInputError(f"{p}: is a directory, expected a {what} YAML file")
    size = p.stat().st_size
    if size > limit:
        raise UnreadableInputError(f"{p}: {size} bytes is more than a {what} file may hold ({limit})")
    raw = p.read_bytes()
    if b"\x00" in raw:
        raise UnreadableInputError(f"{p}: is a binary file, not YAML text")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnreadableInputError(f"{p}: is not UTF-8 text (byte {exc.start})") from None


def read_register_text(path: str | Path) -> str:
    return read_yaml_text(path, "register")


def load_register(path: str | Path) -> LoadedRegister:
    """Read, parse and validate one register file. Raises UnreadableInputError for a file that
    is not YAML and InvalidInputError, listing every problem, for one that does not hold."""
    file = str(path)
    return parse_register(read_register_text(path), file)


def parse_register(text: str, file: str = "<register>") -> LoadedRegister:
    data = parse_yaml(text, file)
    if not isinstance(data, dict):
        raise InvalidInputError(
            f"{file}: a register is a YAML mapping with policy, controller and activities",
            problems=[Problem("the document is not a mapping", file=file, line=1, column=1)],
        )
    try:
        register = Register.model_validate(data)
    except ValidationError as exc:
        tree = positions_tree(text)
        problems = [_problem_from_pydantic(err, tree, file) for err in exc.errors()]
        raise InvalidInputError(f"{file}: the register is not valid ({len(problems)} problem(s))",
                                problems=problems) from None
    problems = validate_register(register)
    if problems:
        tree = positions_tree(text)
        raise InvalidInputError(f"{file}: the register is not valid ({len(problems)} problem(s))",
                                problems=[_placed(p, tree, file) for p in problems])
    return LoadedRegister(register=register, text=text, file=file)


class _Loader(yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):  # type: ignore[misc]
    """libyaml's fast parser, with YAML 1.2 booleans (only true/false: `NO` is Norway, not False)
    and duplicate keys refused."""

    def construct_mapping(self, node, deep=False):  # type: ignore[no-untyped-def]
        seen: dict[Any, Any] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise _DuplicateKey(key, key_node.start_mark)
            seen[key] = True
        return super().construct_mapping(node, deep=deep)


class _DuplicateKey(Exception):
    def __init__(self, key: Any, mark: Any) -> None:
        super().__init__(key)
        self.key, self.mark = key, mark


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                              list("tTfF"))


def parse_yaml(text: str, file: str) -> Any:
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader
    except _DuplicateKey as exc:
        raise InvalidInputError(f"{file}: duplicate key", problems=[Problem(
            f"duplicate key {exc.key!r}", file=file, line=exc.mark.line + 1, column=exc.mark.column + 1,
            hint="each key may appear once in a mapping")]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise UnreadableInputError(
            f"{file}:{mark.line + 1 if mark else '?'}:{mark.column + 1 if mark else '?'}: "
            f"not valid YAML: {exc.problem or exc.context}"
            + (f" ({exc.context})" if exc.context and exc.problem else ""),
            details={"file": file, "line": mark.line + 1 if mark else None,
                     "column": mark.column + 1 if mark else None},
        ) from None
    except yaml.YAMLError as exc:
        raise UnreadableInputError(f"{file}: not valid YAML: {exc}") from None


def positions_tree(text: str) -> Any:
    """ruamel.yaml keeps each node's line and column (slower: used only to place messages)."""
    try:
        return YAML(typ="rt").load(text)
    except (YAMLError, DuplicateKeyError):
        return None


def _first_line(text: str | None) -> str | None:
    return text.strip().splitlines()[0] if text else None


def locate(tree: Any, path: Iterable[str | int]) -> tuple[int | None, int | None]:
    """The 1-based line and column of the deepest node of ``path`` that exists in ``tree``."""
    node = tree
    line: int | None = 1
    column: int | None = 1
    for part in path:
        if isinstance(node, CommentedMap) and part in node:
            pos = node.lc.key(part)
            line, column = pos[0] + 1, pos[1] + 1
            node = node[part]
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
            pos = node.lc.item(part)
            line, column = pos[0] + 1, pos[1] + 1
            node = node[part]
        elif isinstance(node, CommentedMap) and isinstance(part, str):
            continue  # a name Pydantic adds (union member, validator): skip it
        else:
            break
    return line, column


def dotted(path: Iterable[str | int]) -> str:
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + part
    return text


def _problem_from_pydantic(err: dict[str, Any], tree: Any, file: str) -> Problem:
    loc = [p for p in err["loc"] if not (isinstance(p, str) and ("[" in p or p.startswith("function")))]
    line, column = locate(tree, loc)
    message = err["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, "):]
    hint = None
    if err["type"] == "extra_forbidden":
        message = f"unknown field {loc[-1]!r}"
        hint = _suggest_field(err, loc)
    elif err["type"] == "enum":
        expected = err.get("ctx", {}).get("expected")
        message = f"{err.get('input')!r} is not allowed"
        hint = f"expected one of {expected}" if expected else None
    elif err["type"] == "missing":
        message = f"required field {loc[-1]!r} is missing"
    return Problem(message=message, path=dotted(loc), file=file, line=line, column=column, hint=hint)


def _suggest_field(err: dict[str, Any], loc: list[str | int]) -> str | None:
    import difflib

    from egide.register import model as m

    name = loc[-1]
    fields: set[str] = set()
    for obj in vars(m).values():
        if isinstance(obj, type) and issubclass(obj, m._Model):
            fields.update(obj.model_fields)
    matches = difflib.get_close_matches(str(name), sorted(fields), n=1, cutoff=0.7)
    return f"did you mean {matches[0]!r}?" if matches else None


def _placed(problem: Problem, tree: Any, file: str) -> Problem:
    parts: list[str | int] = []
    for token in problem.path.replace("[", ".[").split("."):
        if not token:
            continue
        parts.append(int(token[1:-1]) if token.startswith("[") else token)
    line, column = locate(tree, parts)
    return Problem(problem.message, problem.path, file, line, column, problem.hint)
