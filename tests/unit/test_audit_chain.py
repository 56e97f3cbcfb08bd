from dataclasses import replace
from datetime import datetime, timedelta

from egide.domain.audit import GENESIS_HASH, ChainedEvent, event_hash, verify_chain


def make_chain(n: int) -> list[ChainedEvent]:
    events, prev = [], GENESIS_HASH
    start = datetime(2026, 1, 1, 12, 0, 0)
    for seq in range(1, n + 1):
        at = start + timedelta(seconds=seq)
        fields = dict(seq=seq, occurred_at=at, action="test.happened", actor="tester", object_type="thing",
                      object_id=str(seq), payload={"n": seq})
        digest = event_hash(**fields, prev_hash=prev)
        events.append(ChainedEvent(**fields, prev_hash=prev, hash=digest))
        prev = digest
    return events


def head_of(events):
    return (events[-1].seq, events[-1].hash)


def test_an_untouched_chain_verifies():
    events = make_chain(5)
    report = verify_chain(events, head_of(events))
    assert report.intact and report.events_checked == 5


def test_an_empty_trail_with_a_genesis_head_verifies():
    assert verify_chain([], (0, GENESIS_HASH)).intact


def test_names_an_altered_event():
    events = make_chain(5)
    events[2] = replace(events[2], payload={"n": 999})
    report = verify_chain(events, head_of(make_chain(5)))
    assert report.first_break.seq == 3 and report.first_break.kind == "altered"


def test_names_the_gap_where_an_event_was_removed():
    events = make_chain(5)
    head = head_of(events)
    del events[1]
    report = verify_chain(events, head)
    assert report.first_break.seq == 3 and report.first_break.kind == "removed"
    assert "2..2" in report.first_break.message


def test_detects_the_newest_events_removed_through_the_head():
    events = make_chain(5)
    report = verify_chain(events[:3], head_of(events))
    assert report.first_break.kind == "removed" and report.first_break.seq == 4


def test_detects_an_event_appended_behind_the_stores_back():
    events = make_chain(5)
    report = verify_chain(events, head_of(events[:4]))
    assert report.first_break.kind == "inserted" and report.first_break.seq == 5


def test_detects_reordered_events():
    events = make_chain(5)
    swapped = events[:1] + [replace(events[2], seq=2), replace(events[1], seq=3)] + events[3:]
    report = verify_chain(swapped, head_of(events))
    assert not report.intact and report.first_break.seq == 2
