"""Read a dataset file (ours, or a Fides dataset) with every error placed at its file and line.

The YAML parsing and the placing of problems are the register loader's: the same libyaml
parser (YAML 1.2 booleans, duplicate keys refused) and the same ``locate``/``dotted`` helpers,
so a dataset error reads like a register error: ``shop.yaml:42:9: tables[3].columns[1]...``.
A Fides dataset file (top-level ``dataset:`` list) is converted by :mod:`egide.datasets.fides`
first; its problems are placed at the Fides file's own lines.
"""

from __future__ import annotations

import difflib
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from pydantic import ValidationError

from egide.datasets import fides
from egide.datasets.model import Dataset, _Model
from egide.domain.errors import InvalidInputError, Problem
from egide.register.loader import dotted, locate, parse_yaml, positions_tree, read_yaml_text
from egide.register.model import Register

MAX_DATASET_BYTES = 5 * 1024 * 1024

PathParts = Sequence[str | int]


@dataclass(frozen=True)
class LoadedDataset:
    """A dataset that passed validation, with the text it came from and where each item is."""

    dataset: Dataset
    text: str
    file: str
    origin: str = "egide"  # or "fides"
    notes: tuple[Problem, ...] = ()  # what a Fides import could not carry over
    _to_source: Callable[[PathParts], PathParts] = field(default=lambda parts: parts, repr=False, compare=False)
    _cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def directory(self) -> Path:
        return Path(self.file).resolve().parent

    def locate(self, parts: PathParts) -> tuple[int | None, int | None]:
        """The line and column of a dataset path (in the Fides file, for an imported one)."""
        if "tree" not in self._cache:
            self._cache["tree"] = positions_tree(self.text)
        return locate(self._cache["tree"], self._to_source(parts))

    def problem(self, parts: PathParts, message: str, hint: str | None = None) -> Problem:
        line, column = self.locate(parts)
        return Problem(message, dotted(parts), self.file, line, column, hint)


def read_dataset_text(path: str | Path) -> str:
    return read_yaml_text(path, "dataset", MAX_DATASET_BYTES)


def load_dataset(path: str | Path, *, fides_dataset: str | None = None,
                 register: Register | None = None) -> LoadedDataset:
    """Read, parse and validate one dataset file, ours or Fides'. Raises UnreadableInputError for
    a file that is not YAML and InvalidInputError, listing every placed problem, for one that
    does not hold. ``fides_dataset`` picks a dataset of a Fides file holding several;
    ``register`` lets a Fides import map data uses to the register's activities."""
    return parse_dataset(read_dataset_text(path), str(path), fides_dataset=fides_dataset, register=register)


def parse_dataset(text: str, file: str = "<dataset>", *, fides_dataset: str | None = None,
                  register: Register | None = None) -> LoadedDataset:
    data = parse_yaml(text, file)
    if not isinstance(data, dict):
        raise InvalidInputError(
            f"{file}: a dataset is a YAML mapping with name and tables (or a Fides file with a dataset list)",
            problems=[Problem("the document is not a mapping", file=file, line=1, column=1)])
    origin, notes, to_source = "egide", (), (lambda parts: parts)
    if fides.is_fides(data):
        tree = positions_tree(text)
        errors = fides.fides_errors(data)
        if errors:
            problems = [_placed(tree, file, loc, message, hint) for loc, message, hint in errors]
            raise InvalidInputError(f"{file}: the Fides dataset is not valid ({len(problems)} problem(s))",
                                    problems=problems)
        imported = fides.convert(data, fides_dataset, register)
        data, origin, to_source = imported.data, "fides", imported.source_path
        notes = tuple(_placed(tree, file, n.parts, n.message, n.hint) for n in imported.notes)
    loaded = LoadedDataset(_validated(data, text, file, to_source), text, file, origin, notes, to_source)
    problems = [loaded.problem(parts, message, hint) for parts, message, hint in validate_dataset(loaded.dataset)]
    if problems:
        raise InvalidInputError(f"{file}: the dataset is not valid ({len(problems)} problem(s))", problems=problems)
    return loaded


def _validated(data: dict[str, Any], text: str, file: str, to_source: Callable[[PathParts], PathParts]) -> Dataset:
    try:
        return Dataset.model_validate(data)
    except ValidationError as exc:
        tree = positions_tree(text)
        problems = []
        for err in exc.errors():
            loc = [p for p in err["loc"] if not (isinstance(p, str) and ("[" in p or p.startswith("function")))]
            message, hint = _explained(err, loc)
            line, column = locate(tree, to_source(loc))
            problems.append(Problem(message, dotted(loc), file, line, column, hint))
        raise InvalidInputError(f"{file}: the dataset is not valid ({len(problems)} problem(s))",
                                problems=problems) from None


def _explained(err: dict[str, Any], loc: list[str | int]) -> tuple[str, str | None]:
    message = err["msg"].removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        return f"unknown field {loc[-1]!r}", _suggest_field(str(loc[-1]))
    if err["type"] == "enum":
        expected = err.get("ctx", {}).get("expected")
        return f"{err.get('input')!r} is not allowed", (f"expected one of {expected}" if expected else None)
    if err["type"] == "missing":
        return f"required field {loc[-1]!r} is missing", None
    if err["type"] == "string_pattern_mismatch" and loc:
        value = err.get("input")
        if loc[-1] == "references":
            return f"{value!r} is not a reference", "write the referenced column as table.column"
        if loc[-1] == "name" and len(loc) > 1:
            return f"{value!r} is not a table or column name", "letters, digits, _ and $, not starting with a digit"
        if loc[-1] in ("name", "activities") or (len(loc) > 1 and loc[-2] == "activities"):
            return f"{value!r} is not a key", "lower case letters, digits, _ and -"
        if loc[-1] in ("data_categories", "data_subjects") or (len(loc) > 1 and loc[-2] in ("data_categories", "data_subjects")):
            return f"{value!r} is not a taxonomy key", "lower case, dotted: user.contact.email"
    return message, None


def _suggest_field(name: str) -> str | None:
    from egide.datasets import model

    fields: set[str] = set()
    for obj in vars(model).values():
        if isinstance(obj, type) and issubclass(obj, _Model):
            fields.update(obj.model_fields)
    matches = difflib.get_close_matches(name, sorted(fields), n=1, cutoff=0.7)
    return f"did you mean {matches[0]!r}?" if matches else None


def _placed(tree: Any, file: str, parts: PathParts, message: str, hint: str | None) -> Problem:
    line, column = locate(tree, parts)
    return Problem(message, dotted(parts), file, line, column, hint)


# --- rules that need the whole file ---------------------------------------------------------

Issue = tuple[list[str | int], str, str | None]


def validate_dataset(dataset: Dataset) -> list[Issue]:
    """Names are unique, primary keys and references name columns of the file."""
    issues: list[Issue] = []
    if not dataset.tables and not dataset.log_directories and not dataset.webhooks:
        issues.append((["name"], "the dataset annotates no table and no log directory",
                       "add a tables or log_directories section"))
    issues += _duplicates([t.name for t in dataset.tables], ["tables"], "table")
    issues += _duplicates([d.name for d in dataset.log_directories], ["log_directories"], "log directory")
    issues += _duplicates([m.name for m in dataset.manual], ["manual"], "manual source")
    issues += _duplicates([w.name for w in dataset.webhooks], ["webhooks"], "webhook")
    for t, table in enumerate(dataset.tables):
        issues += _duplicates([c.name for c in table.columns], ["tables", t, "columns"], "column")
        names = {c.name for c in table.columns}
        for k, key in enumerate(table.primary_key):
            if key not in names:
                message = f"primary key column {key!r} is not a column of table {table.name!r}"
                issues.append((["tables", t, "primary_key", k], message, "list it under columns"))
        issues += list(_references(dataset, t))
    return issues


def _duplicates(names: Iterable[str], where: list[str | int], what: str) -> list[Issue]:
    seen: Counter[str] = Counter()
    issues: list[Issue] = []
    for i, name in enumerate(names):
        seen[name] += 1
        if seen[name] == 2:
            issues.append(([*where, i, "name"], f"{what} {name!r} is declared twice", f"declare each {what} once"))
    return issues


def _references(dataset: Dataset, t: int) -> Iterator[Issue]:
    table = dataset.tables[t]
    for c, column in enumerate(table.columns):
        target = column.referenced()
        if target is None:
            continue
        path: list[str | int] = ["tables", t, "columns", c, "references"]
        parent = dataset.table(target[0])
        if parent is None:
            match = difflib.get_close_matches(target[0], [x.name for x in dataset.tables], n=1, cutoff=0.6)
            yield (path, f"{column.references!r}: no table {target[0]!r} in this dataset",
                   f"did you mean {match[0]!r}?" if match else "annotate the referenced table too")
        elif parent.column(target[1]) is None:
            match = difflib.get_close_matches(target[1], [x.name for x in parent.columns], n=1, cutoff=0.6)
            yield (path, f"{column.references!r}: table {target[0]!r} has no column {target[1]!r} in this dataset",
                   f"did you mean {target[0]}.{match[0]}?" if match else "annotate the referenced column too")
        elif target == (table.name, column.name):
            yield (path, f"column {column.name!r} references itself", "name the column it holds values of")
