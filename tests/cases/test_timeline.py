"""One timeline: the same call seen in several sources is one event, and merging changes nothing it is given."""

import copy
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from cases.analysis.engine import Event, analyse, merge_events
from cases.analysis.rules import load_rule_set

SH = ZoneInfo("Asia/Shanghai")
T = datetime(2025, 5, 12, 23, 47, 10, tzinfo=SH)


def seen(source: str, evidence: str, at: datetime | None, number: str = "13800138000", **kw) -> Event:
    where = {"row": kw.pop("row")} if "row" in kw else {}
    kw.setdefault("role", "collector")  # the owner confirmed the number as a collector's: the rules count it
    return Event("call", at, number, sources=[{"evidence": evidence, "source": source, **where}], **kw)


def one_call_four_ways() -> list[Event]:
    return [
        seen("recording", "rec", T + timedelta(seconds=3), duration=62, connected=True),
        seen("call_log", "log", T, "+86 138 0013 8000", row=4, direction="incoming", duration=65),
        seen(
            "call_screenshot",
            "shot",
            T.replace(second=0),
            "138 0013 8000",
            row=2,
            direction="incoming",
            derived_date=True,
        ),
        seen(
            "carrier",
            "cmcc",
            T - timedelta(seconds=1),
            "008613800138000",
            row=17,
            direction="incoming",
            duration=66,
            connected=True,
        ),
    ]


def test_one_call_seen_four_ways_is_one_event_with_every_source():
    merged = merge_events(one_call_four_ways())
    assert len(merged) == 1
    call = merged[0]
    assert sorted(s["source"] for s in call.sources) == ["call_log", "call_screenshot", "carrier", "recording"]
    assert call.evidence == ["cmcc", "log", "rec", "shot"]
    # The carrier's record outranks the phone's own log and the picture.
    assert call.at == T - timedelta(seconds=1) and call.duration == 66 and call.number == "008613800138000"
    assert call.direction == "incoming" and call.connected is True and call.derived_date is False


def test_merging_never_changes_its_inputs_and_twice_gives_the_same_list():
    events = one_call_four_ways()
    before = copy.deepcopy(events)
    first = merge_events(events)
    second = merge_events(events)
    assert events == before
    assert first == second and len(first[0].sources) == 4
    # Merging the merged list again adds nothing either.
    assert merge_events(first) == first and len(first[0].sources) == 4


def test_the_findings_count_one_call_seen_three_ways_once():
    rule_set = load_rule_set("CN")
    three_ways = one_call_four_ways()[:3]
    quiet = next(f for f in analyse(three_ways, [], rule_set) if f.rule == "cn-quiet-hours")
    assert quiet.count == 1 and quiet.evidence == ["log", "rec", "shot"]


def test_two_rows_of_one_log_are_two_calls_even_a_minute_apart():
    events = [seen("call_log", "log", T, row=1), seen("call_log", "log", T + timedelta(minutes=1), row=2)]
    assert len(merge_events(events)) == 2


def test_a_sighting_joins_the_closest_call_of_an_auto_dialler_burst():
    burst = [seen("carrier", "cmcc", T + timedelta(minutes=m), row=m, duration=20) for m in (0, 1, 2)]
    recording = seen("recording", "rec", T + timedelta(minutes=1, seconds=4), duration=15)
    merged = merge_events([*burst, recording])
    assert len(merged) == 3
    assert [len(e.sources) for e in merged] == [1, 2, 1]


def test_start_within_the_duration_matches_but_not_after_it():
    long_call = seen("carrier", "cmcc", T, duration=600)
    inside = seen("recording", "rec", T + timedelta(minutes=6))
    after = seen("recording", "rec2", T + timedelta(minutes=13))
    merged = merge_events([long_call, inside, after])
    assert [e.evidence for e in merged] == [["cmcc", "rec"], ["rec2"]]


def test_different_numbers_or_no_time_never_merge():
    events = [seen("call_log", "a", T), seen("recording", "b", T, number="13900139000"), seen("recording", "c", None)]
    assert len(merge_events(events)) == 3


def test_calls_the_victim_made_are_on_the_timeline_but_not_counted_as_the_collectors():
    rule_set = load_rule_set("CN")
    outgoing = [
        seen("call_log", f"e{i}", T.replace(hour=10) + timedelta(minutes=10 * i), direction="outgoing", connected=True)
        for i in range(5)
    ]
    incoming = [replace(e, direction="incoming") for e in outgoing]
    assert [f for f in analyse(incoming, [], rule_set) if f.rule == "cn-calls-per-day"]  # the same calls, made to her
    assert len(merge_events(outgoing)) == 5
    assert not [f for f in analyse(outgoing, [], rule_set) if f.rule == "cn-calls-per-day"]
