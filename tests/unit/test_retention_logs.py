"""Retention of the demo shop's web server logs (seed 004: 14 days from collection, kept while a
security incident is open): expired lines go, the others stay, a held directory stays whole,
undated lines are kept, and a crash between the temporary write and the rename loses nothing."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from egide.datasets.loader import load_dataset
from egide.demo.shop import build_shop
from egide.demo.weblogs import TIMESTAMP_FORMAT
from egide.services.retention.logfiles import plan_log_directory, sweep_log_directory

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 1, 31, 9, 30, tzinfo=timezone.utc)
FOURTEEN_DAYS = timedelta(days=14)


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    build_shop(tmp_path / "shop.db", customers=20, seed=3, now=NOW, log_days=30)
    return tmp_path


@pytest.fixture
def web_access():
    return load_dataset(ROOT / "examples" / "datasets" / "shop.yaml").dataset.log_directories[0]


def _times(root: Path) -> list[datetime]:
    found = []
    for path in sorted((root / "logs").glob("access-*.log")):
        for line in path.read_text(encoding="utf-8").splitlines():
            stamp = line.split("[", 1)[1].split("]", 1)[0]
            found.append(datetime.strptime(stamp, TIMESTAMP_FORMAT))
    return found


def _all_lines(root: Path) -> list[str]:
    return [line for p in sorted((root / "logs").glob("access-*.log"))
            for line in p.read_text(encoding="utf-8").splitlines()]


def test_the_plan_counts_expired_lines_and_changes_nothing(shop, web_access):
    before = _all_lines(shop)
    cutoff = NOW - FOURTEEN_DAYS
    plan = plan_log_directory(web_access, shop, cutoff)
    expired = [t for t in _times(shop) if t <= cutoff]
    assert plan.lines_expired == len(expired) > 0
    assert plan.lines_kept == len(before) - len(expired)
    assert plan.files_to_delete == 16  # daily files from 1 January: 1..16 wholly before 17 January 09:30
    assert plan.files_to_rewrite == 1  # 17 January: its lines before 09:30 go, the later ones stay
    assert _all_lines(shop) == before


def test_a_sweep_keeps_the_last_fourteen_days_and_not_a_line_more_or_less(shop, web_access):
    later = NOW + timedelta(days=3, hours=5)  # the clock moved forward: the cutoff falls inside a day's file
    cutoff = later - FOURTEEN_DAYS
    before = _all_lines(shop)
    unexpired = [line for line, t in zip(before, _times(shop)) if t > cutoff]
    swept = sweep_log_directory(web_access, shop, cutoff)
    assert _all_lines(shop) == unexpired
    assert all(t > cutoff for t in _times(shop))
    assert swept.files_deleted == 16 + 3 and swept.files_rewritten == 1
    assert swept.lines_deleted == len(before) - len(unexpired) and swept.lines_kept == len(unexpired)


def test_a_rewritten_file_keeps_its_mode_and_leaves_no_temporary_file(shop, web_access):
    cutoff = NOW + timedelta(days=3, hours=5) - FOURTEEN_DAYS
    target = shop / "logs" / f"access-{cutoff:%Y-%m-%d}.log"
    os.chmod(target, 0o640)
    sweep_log_directory(web_access, shop, cutoff)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert not [p for p in (shop / "logs").iterdir() if p.name.startswith(".")]


def test_a_second_sweep_changes_nothing(shop, web_access):
    cutoff = NOW + timedelta(days=3, hours=5) - FOURTEEN_DAYS
    sweep_log_directory(web_access, shop, cutoff)
    before = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in (shop / "logs").iterdir()}
    again = sweep_log_directory(web_access, shop, cutoff)
    assert (again.files_deleted, again.files_rewritten, again.lines_deleted) == (0, 0, 0)
    assert {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in (shop / "logs").iterdir()} == before


def test_a_held_directory_stays_whole(shop, web_access):
    before = {p.name: p.read_bytes() for p in (shop / "logs").iterdir()}
    cutoff = NOW + timedelta(days=60) - FOURTEEN_DAYS  # every line expired
    plan = plan_log_directory(web_access, shop, cutoff, held=True, hold_reason="security incident INC-7 open")
    assert plan.held and {f.action for f in plan.files} == {"held"}
    swept = sweep_log_directory(web_access, shop, cutoff, held=True)
    assert swept.held and swept.files_deleted == swept.lines_deleted == 0
    assert {p.name: p.read_bytes() for p in (shop / "logs").iterdir()} == before


def test_a_file_touched_today_is_still_deleted_when_all_its_lines_are_old(shop, web_access):
    old = shop / "logs" / "access-2026-01-01.log"
    os.utime(old)  # mtime now: it proves nothing
    sweep_log_directory(web_access, shop, NOW - FOURTEEN_DAYS)
    assert not old.exists()


def test_a_file_whose_last_line_is_recent_is_rewritten_not_deleted(tmp_path, web_access):
    (tmp_path / "logs").mkdir()
    path = tmp_path / "logs" / "access-2025-12-01.log"
    path.write_text('192.0.2.1 - - [01/Dec/2025:10:00:00 +0000] "GET / HTTP/1.1" 200 1\n'
                    '192.0.2.2 - - [30/Jan/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1\n', encoding="utf-8")
    swept = sweep_log_directory(web_access, tmp_path, NOW - FOURTEEN_DAYS)
    assert (swept.files_deleted, swept.files_rewritten, swept.lines_deleted) == (0, 1, 1)
    assert path.read_text(encoding="utf-8").startswith("192.0.2.2")


def test_lines_without_a_readable_time_are_kept_and_reported(tmp_path, web_access):
    (tmp_path / "logs").mkdir()
    path = tmp_path / "logs" / "access-2025-12-01.log"
    lines = ['192.0.2.1 - - [01/Dec/2025:10:00:00 +0000] "GET / HTTP/1.1" 200 1\n',
             "a stack trace line, no time\n",
             '192.0.2.2 - - [31/Dec/2025 garbled] "GET / HTTP/1.1" 200 1\n',
             '192.0.2.3 - - [02/Dec/2025:10:00:00 +0000] "GET / HTTP/1.1" 200 1']  # no final newline
    path.write_text("".join(lines), encoding="utf-8")
    plan = plan_log_directory(web_access, tmp_path, NOW - FOURTEEN_DAYS)
    assert plan.files[0].action == "rewrite" and plan.files[0].undated_lines == (2, 3)
    swept = sweep_log_directory(web_access, tmp_path, NOW - FOURTEEN_DAYS)
    assert swept.lines_undated == 2 and swept.undated == {path.name: (2, 3)}
    assert path.read_text(encoding="utf-8") == lines[1] + lines[2]


def test_a_crash_between_the_temporary_write_and_the_rename_loses_nothing(shop, web_access):
    cutoff = NOW + timedelta(days=3, hours=5) - FOURTEEN_DAYS
    before = {p.name: p.read_bytes() for p in (shop / "logs").iterdir()}
    killed = textwrap.dedent(f"""
        import os, signal
        from datetime import datetime
        from pathlib import Path
        from egide.datasets.loader import load_dataset
        from egide.services.retention.logfiles import sweep_log_directory
        os.replace = lambda *a: os.kill(os.getpid(), signal.SIGKILL)  # dies just before the rename
        directory = load_dataset({str(ROOT / "examples" / "datasets" / "shop.yaml")!r}).dataset.log_directories[0]
        sweep_log_directory(directory, Path({str(shop)!r}), datetime.fromisoformat({cutoff.isoformat()!r}))
    """)
    run = subprocess.run([sys.executable, "-c", killed], capture_output=True, timeout=60)
    assert run.returncode == -9
    partial = f"access-{cutoff:%Y-%m-%d}.log"
    assert (shop / "logs" / partial).read_bytes() == before[partial]  # the file being rewritten is whole
    assert [p for p in (shop / "logs").iterdir() if p.name.startswith(".")]  # the temporary copy was left
    expected = [line for line, t in zip(_all_lines(shop), _times(shop)) if t > cutoff]
    swept = sweep_log_directory(web_access, shop, cutoff)  # run again: the same end state as one clean run
    assert swept.temporaries_removed == 1
    assert _all_lines(shop) == expected
    assert not [p for p in (shop / "logs").iterdir() if p.name.startswith(".")]
