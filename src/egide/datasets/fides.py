"""Fides dataset YAML -> an Egide dataset, so Fides users bring their annotations along.

What maps (Fides -> Egide):

- ``dataset[].fides_key`` -> ``name``; ``description`` -> ``description``.
- ``collections[]`` -> ``tables[]``; ``fields[]`` -> ``columns[]`` (name, description, data_categories).
- field ``fides_meta.identity`` -> ``identity``: ``email`` -> email, ``phone_number`` -> phone; any
  other identity (``user_id``, a custom one) -> customer_id, with a note.
- field ``fides_meta.primary_key: true`` -> the table's ``primary_key``.
- field ``fides_meta.references`` to a field of the same dataset -> ``references: table.column``.
  Egide follows references both ways to reach the person, so Fides' ``direction`` is not needed;
  the field carrying the reference becomes the referencing column (``dataset check`` against the
  live database reports one written backwards from the database's foreign key).
- field ``fides_meta.read_only: true`` -> ``erasure: keep``; field
  ``masking_strategy_override``: ``null_rewrite`` -> null, ``hmac``/``hash`` -> keyed_hash,
  ``random_string_rewrite``/``string_rewrite`` -> redact.
- collection ``fides_meta.masking_strategy_override.strategy: delete`` -> ``erasure: delete_row``.
- ``data_subjects`` of fields and collections -> the table's ``data_subjects``.
- ``data_uses`` (and the older ``data_purposes``) -> the table's ``activities``, when a register is
  given: the activities with a purpose using that very key; failing that, those whose purpose is
  broader (``marketing`` for ``marketing.communications.email``); failing that, narrower ones.

What does not map, each reported as a note at its line: references to another dataset (another
database), nested ``fields`` (documents, not SQL columns), several references on one field
(the first is kept), collection ``after``/``erase_after`` (Egide orders erasure from the
references), ``skip_processing``, ``partitioning``, other masking strategies, collection-level
``data_categories`` (Egide annotates columns), dataset ``fides_meta.namespace`` and field
``custom_request_field``. ``data_type`` and ``length`` are dropped silently: Egide reads types
from the database. Retention clocks, portability sources and anonymisation have no Fides
equivalent: add them by hand after the import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from pydantic import ValidationError

from egide.domain.errors import InvalidInputError
from egide.register.model import Register
from egide.register.taxonomy import covers

PathParts = Sequence[str | int]

_IDENTITIES = {"email": "email", "phone_number": "phone", "phone": "phone", "customer_id": "customer_id"}
_MASKING = {"null_rewrite": "null", "hmac": "keyed_hash", "hash": "keyed_hash",
            "random_string_rewrite": "redact", "string_rewrite": "redact"}


@dataclass(frozen=True)
class Note:
    """Something of the Fides file that the import could not carry over, and where it is."""

    parts: tuple[str | int, ...]
    message: str
    hint: str | None = None


@dataclass
class FidesImport:
    data: dict[str, Any]
    notes: list[Note]
    dataset_index: int
    # table index -> (collection index, {column index -> field index})
    origins: dict[int, tuple[int, dict[int, int]]] = field(default_factory=dict)

    def source_path(self, parts: PathParts) -> PathParts:
        """Translate a path of the converted dataset to the Fides file's path, to place a message."""
        base: list[str | int] = ["dataset", self.dataset_index]
        parts = list(parts)
        if not parts:
            return base
        if parts[0] == "name":
            return [*base, "fides_key"]
        if parts[0] != "tables" or len(parts) < 2 or not isinstance(parts[1], int) or parts[1] not in self.origins:
            return base
        collection, columns = self.origins[parts[1]]
        path: list[str | int] = [*base, "collections", collection]
        rest = parts[2:]
        if len(rest) >= 2 and rest[0] == "columns" and isinstance(rest[1], int) and rest[1] in columns:
            path += ["fields", columns[rest[1]]]
            tail = rest[2:]
            if tail and tail[0] in ("identity", "references", "erasure"):
                return [*path, "fides_meta", *(["identity"] if tail[0] == "identity" else
                                              ["references"] if tail[0] == "references" else [])]
            return [*path, *tail]
        return [*path, *rest[:1]] if rest and rest[0] in ("name", "description", "data_subjects") else path


def is_fides(data: Any) -> bool:
    """A Fides dataset file: a mapping whose ``dataset`` key holds a list."""
    return isinstance(data, dict) and isinstance(data.get("dataset"), list) and "tables" not in data


def fides_errors(data: dict[str, Any]) -> list[tuple[list[str | int], str, str | None]]:
    """Fides' own validation (fideslang's models) of every dataset of the file."""
    from fideslang.models import Dataset as FidesDataset

    errors: list[tuple[list[str | int], str, str | None]] = []
    if not data["dataset"]:
        return [(["dataset"], "the Fides file holds no dataset", None)]
    for d, raw in enumerate(data["dataset"]):
        if not isinstance(raw, dict):
            errors.append((["dataset", d], "a Fides dataset is a mapping with fides_key and collections", None))
            continue
        try:
            FidesDataset.model_validate(raw)
        except ValidationError as exc:
            for err in exc.errors():
                loc = [p for p in err["loc"] if not (isinstance(p, str) and ("[" in p or p.startswith("function")))]
                message = err["msg"].removeprefix("Value error, ")
                if err["type"] == "missing":
                    message = f"required field {loc[-1]!r} is missing"
                errors.append((["dataset", d, *loc], f"Fides: {message}", None))
    return errors


def convert(data: dict[str, Any], key: str | None = None, register: Register | None = None) -> FidesImport:
    """The Fides dataset ``key`` (or the file's only one) as Egide dataset data, with notes."""
    datasets: list[dict[str, Any]] = data["dataset"]
    keys = [str(d.get("fides_key")) for d in datasets]
    if key is not None and key not in keys:
        raise InvalidInputError(f"no Fides dataset {key!r} in the file (it holds {', '.join(keys)})")
    if key is None and len(datasets) > 1:
        raise InvalidInputError(f"the Fides file holds {len(datasets)} datasets ({', '.join(keys)}): pick one")
    index = keys.index(key) if key is not None else 0
    raw = datasets[index]
    imported = FidesImport({}, [], index)
    base: list[str | int] = ["dataset", index]
    out: dict[str, Any] = {"egide_dataset": 1, "name": _slug(keys[index])}
    if raw.get("description") or raw.get("name"):
        out["description"] = raw.get("description") or raw.get("name")
    if (raw.get("fides_meta") or {}).get("namespace"):
        imported.notes.append(Note((*base, "fides_meta", "namespace"), "the namespace (database, schema or project) "
                                   "is not kept", "put it in the SQLAlchemy URL"))
    dataset_uses = _uses(raw)
    tables = []
    for c, collection in enumerate(raw.get("collections") or []):
        table, columns = _table(collection, [*base, "collections", c], keys[index], imported.notes)
        activities = _activities(dataset_uses | _uses(collection) | _field_uses(collection), register,
                                 [*base, "collections", c], imported.notes)
        if activities:
            table = {"name": table.pop("name"), "activities": activities, **table}
        imported.origins[len(tables)] = (c, columns)
        tables.append(table)
    out["tables"] = tables
    imported.data = out
    return imported


def _table(collection: dict[str, Any], path: list[str | int], dataset_key: str,
           notes: list[Note]) -> tuple[dict[str, Any], dict[int, int]]:
    table: dict[str, Any] = {"name": collection.get("name")}
    if collection.get("description"):
        table["description"] = collection["description"]
    meta = collection.get("fides_meta") or {}
    for name, why in (("after", "Egide orders erasure from the references"),
                      ("erase_after", "Egide orders erasure from the references"),
                      ("skip_processing", "annotate only the tables requests should read"),
                      ("partitioning", "Egide queries the table as a whole")):
        if meta.get(name):
            notes.append(Note((*path, "fides_meta", name), f"collection {name} is not kept", why))
    if (meta.get("masking_strategy_override") or {}).get("strategy") == "delete":
        table["erasure"] = "delete_row"
    if collection.get("data_categories"):
        notes.append(Note((*path, "data_categories"), "collection-level data categories are not kept",
                          "put each category on the columns that hold it"))
    subjects = list(dict.fromkeys([*(collection.get("data_subjects") or []),
                                   *(s for f in collection.get("fields") or [] for s in f.get("data_subjects") or [])]))
    if subjects:
        table["data_subjects"] = subjects
    columns, origins, primary_key = [], {}, []
    for f, raw_field in enumerate(collection.get("fields") or []):
        fpath = [*path, "fields", f]
        if raw_field.get("fields"):
            notes.append(Note(tuple(fpath), f"nested field {raw_field.get('name')!r} is not kept: Egide annotates "
                              "SQL columns", "annotate the column that stores the document as a whole"))
            continue
        column, is_key = _column(raw_field, fpath, dataset_key, notes)
        if is_key:
            primary_key.append(column["name"])
        origins[len(columns)] = f
        columns.append(column)
    if primary_key:
        table["primary_key"] = primary_key
    table["columns"] = columns
    return table, origins


def _column(raw: dict[str, Any], path: list[str | int], dataset_key: str,
            notes: list[Note]) -> tuple[dict[str, Any], bool]:
    column: dict[str, Any] = {"name": raw.get("name")}
    if raw.get("description"):
        column["description"] = raw["description"]
    if raw.get("data_categories"):
        column["data_categories"] = list(raw["data_categories"])
    meta = raw.get("fides_meta") or raw.get("fidesops_meta") or {}
    identity = meta.get("identity")
    if identity:
        column["identity"] = _IDENTITIES.get(identity, "customer_id")
        if identity not in _IDENTITIES:
            notes.append(Note((*path, "fides_meta", "identity"), f"identity {identity!r} is read as customer_id",
                              "Egide knows email, phone and customer_id"))
    references = [r for r in meta.get("references") or [] if isinstance(r, dict)]
    local = [r for r in references if r.get("dataset") == dataset_key]
    for r in references:
        if r.get("dataset") != dataset_key:
            notes.append(Note((*path, "fides_meta", "references"), f"reference to {r.get('dataset')}.{r.get('field')} "
                              "(another dataset) is not kept", "Egide follows references within one database"))
    if local:
        column["references"] = str(local[0].get("field"))
        if len(local) > 1:
            notes.append(Note((*path, "fides_meta", "references"), f"only the first of {len(local)} references is kept",
                              "a column references one other column"))
    if meta.get("read_only"):
        column["erasure"] = "keep"
    masking = (meta.get("masking_strategy_override") or {}).get("strategy")
    if masking and not meta.get("read_only"):
        if masking in _MASKING:
            column["erasure"] = _MASKING[masking]
        else:
            notes.append(Note((*path, "fides_meta", "masking_strategy_override"),
                              f"masking strategy {masking!r} has no Egide equivalent",
                              "choose one of delete_row, null, keyed_hash, redact, keep"))
    if meta.get("custom_request_field"):
        notes.append(Note((*path, "fides_meta", "custom_request_field"), "custom request fields are not kept"))
    return column, bool(meta.get("primary_key"))


def _uses(item: dict[str, Any]) -> set[str]:
    return set(item.get("data_uses") or []) | set(item.get("data_purposes") or [])


def _field_uses(collection: dict[str, Any]) -> set[str]:
    return {u for f in collection.get("fields") or [] if isinstance(f, dict) for u in _uses(f)}


def _activities(uses: set[str], register: Register | None, path: list[str | int], notes: list[Note]) -> list[str]:
    if not uses:
        return []
    if register is None:
        notes.append(Note(tuple(path), f"data uses {', '.join(sorted(uses))} are not mapped to activities",
                          "import with --register to map them, or list the table's activities by hand"))
        return []
    found: list[str] = []
    tiers: list[Callable[[str, str], bool]] = [lambda use, purpose: use == purpose,  # the same key first,
                                               lambda use, purpose: covers(purpose, use),  # then a broader purpose,
                                               lambda use, purpose: covers(use, purpose)]  # then narrower ones
    for matches in tiers:
        found = [a.key for a in register.activities if any(matches(u, p.use) for u in uses for p in a.purposes)]
        if found:
            break
    if not found:
        notes.append(Note(tuple(path), f"no activity of the register uses {', '.join(sorted(uses))}",
                          "list the table's activities by hand"))
    return found


def _slug(key: str) -> str:
    slug = re.sub(r"[^a-z0-9_-]+", "-", key.lower()).strip("-_") or "dataset"
    return slug if slug[0].isalpha() else f"d-{slug}"
