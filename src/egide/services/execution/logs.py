"""The person's lines in the company's log files: found with the dataset's regular expressions,
copied for an access request, dropped or redacted for an erasure.

A line is the person's when one of the directory's identifier patterns captures a value that,
normalised, is one of the person's identifiers (a ``customer_id=42`` in a URL). Files are read
line by line (memory stays flat whatever their size) and rewritten atomically: the new content
goes to a temporary file beside the old one, is flushed to disk, then renamed over it, so a
crash leaves either the old file or the new one, never half of one. A file with none of the
person's lines is left untouched.
"""

from __future__ import annotations

import glob
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from egide.datasets.model import Dataset, LogDirectory, LogErasure
from egide.domain.identity import Identifier, IdentifierKind
from egide.services.execution.locate import normalised

REDACTED = "[erased]"
TEMPORARY_SUFFIX = ".egide"  # a rewrite in progress: .{name}.XXXX.egide beside the file


@dataclass(frozen=True)
class LogLine:
    directory: str
    file: str
    number: int
    text: str


class LineMatcher:
    """Finds the spans of a line that name the person."""

    def __init__(self, directory: LogDirectory, identifiers: tuple[Identifier, ...]) -> None:
        wanted: dict[IdentifierKind, set[str]] = {}
        for identifier in identifiers:
            wanted.setdefault(identifier.kind, set()).add(identifier.value)
        self._patterns = [(i.kind, re.compile(i.pattern)) for i in directory.identifiers if i.kind in wanted]
        self._wanted = wanted

    @property
    def can_match(self) -> bool:
        return bool(self._patterns)

    def spans(self, line: str) -> list[tuple[int, int]]:
        found = []
        for kind, pattern in self._patterns:
            for match in pattern.finditer(line):
                value = match.group("value")
                if value is not None and normalised(kind, value) in self._wanted[kind]:
                    found.append(match.span("value"))
        return found


def log_files(directory: LogDirectory, root: Path | None) -> list[Path]:
    """The directory's files, oldest name first; relative globs start at ``root`` (none without it)."""
    pattern = Path(directory.path)
    if not pattern.is_absolute():
        if root is None:
            return []
        pattern = root / pattern
    return [Path(p) for p in sorted(glob.glob(str(pattern))) if Path(p).is_file()]


def unsearched(dataset: Dataset, root: Path | None) -> list[str]:
    """Notes on the log directories a relative path leaves out when no log root is given."""
    return [f"log directory {d.name} not searched: its path is relative and no log root was given"
            for d in dataset.log_directories if root is None and not Path(d.path).is_absolute()]


def person_lines(directory: LogDirectory, root: Path | None,
                 identifiers: tuple[Identifier, ...]) -> Iterator[LogLine]:
    """The person's lines, file by file, streamed."""
    matcher = LineMatcher(directory, identifiers)
    if not matcher.can_match:
        return
    for path in log_files(directory, root):
        with path.open(encoding="utf-8", errors="replace", newline="") as handle:
            for number, line in enumerate(handle, start=1):
                if matcher.spans(line):
                    yield LogLine(directory.name, path.name, number, line.rstrip("\r\n"))


def erase_lines(directory: LogDirectory, root: Path | None, identifiers: tuple[Identifier, ...]) -> dict[str, int]:
    """Drop (or redact) the person's lines in every file of the directory; counts of files and lines."""
    matcher = LineMatcher(directory, identifiers)
    files = lines = 0
    if not matcher.can_match:
        return {"files": 0, "lines": 0}
    for path in log_files(directory, root):
        changed = _rewrite(path, matcher, directory.erasure)
        if changed:
            files += 1
            lines += changed
    return {"files": files, "lines": lines}


def _rewrite(path: Path, matcher: LineMatcher, erasure: LogErasure) -> int:
    def erased(line: str) -> str | None:
        spans = matcher.spans(line)
        if not spans:
            return line
        if erasure is LogErasure.redact:
            for start, end in sorted(spans, reverse=True):
                line = line[:start] + REDACTED + line[end:]
            return line
        return None

    return rewrite_lines(path, erased)


def rewrite_lines(path: Path, transform: Callable[[str], str | None]) -> int:
    """Rewrite ``path`` atomically through ``transform`` (a line, or None to drop it); the number of
    lines dropped or changed. Streamed line by line; the new content goes to a temporary file in the
    same directory, is flushed to disk, then renamed over the old one (mode kept). Nothing changed:
    the file is left untouched. Any failure removes the temporary file and leaves the old one whole."""
    changed = 0
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMPORARY_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", errors="surrogateescape", newline="") as out, \
                path.open(encoding="utf-8", errors="surrogateescape", newline="") as source:
            for line in source:
                kept = transform(line)
                if kept != line:
                    changed += 1
                if kept is not None:
                    out.write(kept)
            out.flush()
            os.fsync(out.fileno())
        if not changed:
            os.unlink(temporary)
            return 0
        os.chmod(temporary, path.stat().st_mode & 0o7777)
        os.replace(temporary, path)
        sync_directory(path.parent)
        return changed
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def sync_directory(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # a platform that cannot open directories
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
