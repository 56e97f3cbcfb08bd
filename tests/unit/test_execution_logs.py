"""The person's lines in log files: found by the dataset's patterns, dropped or redacted atomically."""

from __future__ import annotations

import os
import stat

from egide.datasets.model import LogDirectory
from egide.domain.identity import Identifier
from egide.services.execution.logs import erase_lines, person_lines

LINES = [
    '203.0.113.7 - - [30/Jan/2026:10:00:00 +0000] "GET /api/customers/42 HTTP/1.1" 200 12\n',
    '203.0.113.8 - - [30/Jan/2026:10:00:01 +0000] "GET /api/customers/420 HTTP/1.1" 200 12\n',
    '203.0.113.9 - - [30/Jan/2026:10:00:02 +0000] "GET /cart?customer_id=42&x=1 HTTP/1.1" 200 12\n',
    '203.0.113.9 - - [30/Jan/2026:10:00:03 +0000] "GET / HTTP/1.1" 200 12\n',
]


def _directory(erasure: str = "delete_line") -> LogDirectory:
    return LogDirectory.model_validate({
        "name": "web", "path": "logs/access-*.log", "erasure": erasure,
        "timestamp": {"pattern": r"\[(?P<timestamp>[^\]]+)\]", "format": "%d/%b/%Y:%H:%M:%S %z"},
        "identifiers": [{"kind": "customer_id", "pattern": r"(?:/api/customers/|customer_id=)(?P<value>\d+)"}]})


def _write(tmp_path, name="access-2026-01-30.log", lines=LINES):
    (tmp_path / "logs").mkdir(exist_ok=True)
    path = tmp_path / "logs" / name
    path.write_text("".join(lines), encoding="utf-8")
    os.chmod(path, 0o640)
    return path


PERSON = (Identifier.of("customer_id", "42"),)


def test_the_persons_lines_are_found_and_not_those_of_customer_420(tmp_path):
    _write(tmp_path)
    found = list(person_lines(_directory(), tmp_path, PERSON))
    assert [(f.file, f.number) for f in found] == [("access-2026-01-30.log", 1), ("access-2026-01-30.log", 3)]


def test_erasure_drops_the_persons_lines_keeps_the_others_and_the_file_mode(tmp_path):
    path = _write(tmp_path)
    assert erase_lines(_directory(), tmp_path, PERSON) == {"files": 1, "lines": 2}
    assert path.read_text(encoding="utf-8") == LINES[1] + LINES[3]
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]


def test_a_second_erasure_changes_nothing(tmp_path):
    path = _write(tmp_path)
    erase_lines(_directory(), tmp_path, PERSON)
    before = path.stat().st_mtime_ns, path.read_bytes()
    assert erase_lines(_directory(), tmp_path, PERSON) == {"files": 0, "lines": 0}
    assert (path.stat().st_mtime_ns, path.read_bytes()) == before


def test_redaction_replaces_the_identifier_and_keeps_the_line(tmp_path):
    path = _write(tmp_path)
    erase_lines(_directory("redact"), tmp_path, PERSON)
    text = path.read_text(encoding="utf-8").splitlines()
    assert text[0].endswith('"GET /api/customers/[erased] HTTP/1.1" 200 12')
    assert "customer_id=[erased]&x=1" in text[2]
    assert text[1] == LINES[1].rstrip("\n")


def test_a_file_without_the_person_is_not_rewritten(tmp_path):
    other = _write(tmp_path, "access-2026-01-29.log", [LINES[1], LINES[3]])
    inode = other.stat().st_ino
    erase_lines(_directory(), tmp_path, PERSON)
    assert other.stat().st_ino == inode


def test_relative_log_paths_without_a_root_find_no_file(tmp_path):
    _write(tmp_path)
    assert list(person_lines(_directory(), None, PERSON)) == []
