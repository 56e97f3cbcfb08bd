"""Retention of log files: lines older than the cutoff go, the others stay.

A line's time is read with the directory's timestamp pattern and format (a time without an offset
is taken as UTC). A line is expired when its time is at or before the cutoff the caller computed from
the rule (seed 004: collection + 14 days). For each file of the directory:

- every line dated and expired: the file is deleted (its modification time proves nothing: a file
  touched yesterday may hold last year's lines, so every line is read);
- some lines expired: the file is rewritten line by line keeping the others, atomically
  (:func:`egide.services.execution.logs.rewrite_lines`: temporary file beside it, fsync, rename);
- no line expired: untouched.

A line whose time cannot be read is kept and counted as undated, with its file and line number in
the plan, so a person can look at it: retention never loses a line it cannot prove expired. A held
directory (a security incident still open, a legal hold) is planned but never touched. Files are
streamed: memory stays flat whatever their size.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from egide.datasets.model import LogDirectory
from egide.services.execution.logs import TEMPORARY_SUFFIX, log_files, rewrite_lines, sync_directory

UNDATED_EXAMPLES = 5  # line numbers shown per file


@dataclass(frozen=True)
class LogFilePlan:
    """One file: its lines, how many are expired, and what the sweep does (delete, rewrite, keep, held)."""

    file: str
    lines: int
    expired: int
    undated: int
    action: str
    undated_lines: tuple[int, ...] = ()

    @property
    def kept(self) -> int:
        return self.lines - self.expired


@dataclass(frozen=True)
class LogDirectoryPlan:
    """What a sweep of one log directory would do at ``cutoff`` (nothing at all when ``held``)."""

    directory: str
    cutoff: datetime
    held: bool
    hold_reason: str | None
    files: tuple[LogFilePlan, ...]

    def _files(self, action: str) -> int:
        return sum(1 for f in self.files if f.action == action)

    @property
    def files_to_delete(self) -> int:
        return self._files("delete")

    @property
    def files_to_rewrite(self) -> int:
        return self._files("rewrite")

    @property
    def lines_expired(self) -> int:
        return sum(f.expired for f in self.files)

    @property
    def lines_kept(self) -> int:
        return sum(f.kept for f in self.files)

    @property
    def lines_undated(self) -> int:
        return sum(f.undated for f in self.files)

    def counts(self) -> dict[str, object]:
        """Numbers for reports and the audit trail (file names and counts, never a line's content)."""
        return {"directory": self.directory, "cutoff": self.cutoff.isoformat(), "held": self.held,
                "files": len(self.files), "files_to_delete": self.files_to_delete,
                "files_to_rewrite": self.files_to_rewrite, "lines_expired": self.lines_expired,
                "lines_kept": self.lines_kept, "lines_undated": self.lines_undated}


@dataclass(frozen=True)
class LogSweep:
    """What a sweep did."""

    directory: str
    cutoff: datetime
    held: bool
    files_deleted: int = 0
    files_rewritten: int = 0
    lines_deleted: int = 0
    lines_kept: int = 0
    lines_undated: int = 0
    temporaries_removed: int = 0
    undated: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def counts(self) -> dict[str, object]:
        return {"directory": self.directory, "cutoff": self.cutoff.isoformat(), "held": self.held,
                "files_deleted": self.files_deleted, "files_rewritten": self.files_rewritten,
                "lines_deleted": self.lines_deleted, "lines_kept": self.lines_kept,
                "lines_undated": self.lines_undated, "temporaries_removed": self.temporaries_removed}


class LineClock:
    """Reads a line's time and says whether it is before the cutoff: True, False, or None (undated)."""

    def __init__(self, directory: LogDirectory, cutoff: datetime) -> None:
        self._pattern = re.compile(directory.timestamp.pattern)
        self._format = directory.timestamp.format
        self._cutoff = cutoff if cutoff.tzinfo else cutoff.replace(tzinfo=timezone.utc)

    def expired(self, line: str) -> bool | None:
        match = self._pattern.search(line)
        if match is None or match.group("timestamp") is None:
            return None
        moment = _parse(match.group("timestamp"), self._format)
        return None if moment is None else moment <= self._cutoff


@lru_cache(maxsize=4096)
def _parse(text: str, fmt: str) -> datetime | None:
    try:
        moment = datetime.strptime(text, fmt)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def plan_log_directory(directory: LogDirectory, root: Path | None, cutoff: datetime, *, held: bool = False,
                       hold_reason: str | None = None) -> LogDirectoryPlan:
    """Read every file of the directory (streamed) and say what a sweep at ``cutoff`` would do."""
    clock = LineClock(directory, cutoff)
    files = tuple(_plan_file(path, clock, held) for path in log_files(directory, root))
    return LogDirectoryPlan(directory.name, cutoff, held, hold_reason, files)


def _plan_file(path: Path, clock: LineClock, held: bool) -> LogFilePlan:
    lines = expired = undated = 0
    examples: list[int] = []
    with path.open(encoding="utf-8", errors="surrogateescape", newline="") as handle:
        for number, line in enumerate(handle, start=1):
            lines += 1
            state = clock.expired(line)
            if state is None:
                undated += 1
                if len(examples) < UNDATED_EXAMPLES:
                    examples.append(number)
            elif state:
                expired += 1
    if held:
        action = "held"
    elif expired == 0:
        action = "keep"
    else:
        action = "delete" if expired == lines else "rewrite"
    return LogFilePlan(path.name, lines, expired, undated, action, tuple(examples))


def sweep_log_directory(directory: LogDirectory, root: Path | None, cutoff: datetime, *, held: bool = False,
                        hold_reason: str | None = None) -> LogSweep:
    """Delete the wholly expired files and drop the expired lines of the others. Safe to run again
    after a crash: a file is either as it was or fully swept, and leftover temporary files of an
    interrupted rewrite are removed (the original is still in place)."""
    plan = plan_log_directory(directory, root, cutoff, held=held, hold_reason=hold_reason)
    undated = {f.file: f.undated_lines for f in plan.files if f.undated}
    if held:
        return LogSweep(directory.name, cutoff, True, lines_kept=plan.lines_kept, lines_undated=plan.lines_undated,
                        undated=undated)
    paths = {p.name: p for p in log_files(directory, root)}
    removed = _remove_temporaries(set(p.parent for p in paths.values()))
    clock = LineClock(directory, cutoff)
    deleted_files = rewritten = deleted_lines = 0
    for planned in plan.files:
        path = paths.get(planned.file)
        if path is None or planned.action == "keep":
            continue
        whole = _lines_if_all_expired(path, clock) if planned.action == "delete" else None
        if whole is not None:
            deleted_lines += whole
            path.unlink()
            sync_directory(path.parent)
            deleted_files += 1
            continue
        dropped = rewrite_lines(path, lambda line: None if clock.expired(line) else line)
        if dropped:
            rewritten += 1
            deleted_lines += dropped
    kept = sum(f.lines for f in plan.files) - deleted_lines
    return LogSweep(directory.name, cutoff, False, deleted_files, rewritten, deleted_lines, kept,
                    plan.lines_undated, removed, undated)


def _lines_if_all_expired(path: Path, clock: LineClock) -> int | None:
    """Checked again just before deleting (a line appended since the plan keeps the file): the
    number of lines when every one is expired, else None."""
    count = 0
    with path.open(encoding="utf-8", errors="surrogateescape", newline="") as handle:
        for line in handle:
            if not clock.expired(line):
                return None
            count += 1
    return count


def _remove_temporaries(folders: set[Path]) -> int:
    """Temporary files of a rewrite that was killed before its rename: the original is whole beside them."""
    removed = 0
    for folder in folders:
        for leftover in folder.glob(f".*{TEMPORARY_SUFFIX}"):
            try:
                os.unlink(leftover)
                removed += 1
            except FileNotFoundError:
                continue
    return removed
