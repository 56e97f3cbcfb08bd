"""Writers that stream a copy of the person's data to files, a chunk of rows at a time: JSON for
machines, an HTML page for the person (Jinja2 macros in ``templates/{fr,en}/access.html.j2``).
Nothing is held in memory but the chunk being written.
"""

from __future__ import annotations

import base64
import json
import os
from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, Iterable, Sequence
from uuid import UUID

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from egide.notice.templating import capfirst

LANGUAGES = ("fr", "en")


def json_value(value: Any) -> Any:
    """A database value as JSON: dates in ISO 8601, decimals as text, bytes in base64."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, (Decimal, UUID)):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    return str(value)


def text_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return f"<{len(bytes(value))} bytes>"
    return str(value)


class JsonReport:
    """``{header..., "tables": {name: {..., "rows": [...]}}, "logs": {name: [...]}}``, written as it comes."""

    def __init__(self, handle: IO[str]) -> None:
        self._h = handle
        self._first_table = True
        self._first_row = True

    def start(self, header: dict[str, Any]) -> None:
        """One line per key of the header (the C encoder: an indented dump is pure Python, and slow)."""
        items = "".join(f"\n {json.dumps(key)}: {json.dumps(value, ensure_ascii=False, default=json_value)},"
                        for key, value in header.items())
        self._h.write("{" + items + '\n "tables": {')

    def table_open(self, name: str, meta: dict[str, Any]) -> None:
        prefix = "" if self._first_table else ","
        self._first_table, self._first_row = False, True
        fields = json.dumps(meta, ensure_ascii=False, default=json_value)[1:-1]
        self._h.write(f'{prefix}\n  {json.dumps(name)}: {{{fields}, "rows": [')

    def rows(self, columns: Sequence[str], chunk: Iterable[Sequence[Any]]) -> None:
        for row in chunk:
            item = {c: json_value(v) for c, v in zip(columns, row)}
            self._h.write(("\n   " if self._first_row else ",\n   ") + json.dumps(item, ensure_ascii=False))
            self._first_row = False

    def table_close(self) -> None:
        self._h.write("\n  ]}")

    def logs_open(self) -> None:
        self._h.write('\n },\n "logs": {')
        self._first_table = True

    def lines(self, items: Iterable[dict[str, Any]]) -> None:
        self.rows(("file", "line", "text"), ((i["file"], i["line"], i["text"]) for i in items))

    def finish(self, logs_opened: bool) -> None:
        if not logs_opened:
            self.logs_open()
        self._h.write("\n }\n}\n")


class HtmlReport:
    """The readable report: the template's macros, called in order, each writing its piece."""

    def __init__(self, handle: IO[str], lang: str) -> None:
        self._h = handle
        self._macros = _environment().get_template(f"{lang}/access.html.j2").module

    def write(self, macro: str, *args: Any) -> None:
        self._h.write(str(getattr(self._macros, macro)(*args)))


def html_piece(lang: str, macro: str, *args: Any) -> Any:
    """One macro of the report rendered on its own (safe HTML), to be written into a later piece."""
    return getattr(_environment().get_template(f"{lang}/access.html.j2").module, macro)(*args)


@lru_cache(maxsize=1)
def _environment() -> Environment:
    """Built once: templates are compiled on first use and kept."""
    env = Environment(loader=PackageLoader("egide.services.execution", "templates"),
                      autoescape=select_autoescape(enabled_extensions=("html.j2",)), undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["capfirst"] = capfirst
    return env


def private_file(path: Path, binary: bool = False) -> IO[Any]:
    """A new file only its owner can read: it holds a person's data."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    return os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8")


def person_file(store: Any, path: Path, final: Path, subject_id: str | None, binary: bool = False) -> IO[Any]:
    """A new private file for the person's data, sealed with their key when ``subject_id`` is given
    (``store.files``; the seal is bound to the ``final`` name the file is published under)."""
    if subject_id is None:
        return private_file(path, binary)
    return store.files.sealing(private_file(path, binary=True), subject_id, final.name, text=not binary)


def publish(temporary: Path, final: Path) -> None:
    """Move a finished file into place (a reader never sees half a report)."""
    with temporary.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(temporary, final)
