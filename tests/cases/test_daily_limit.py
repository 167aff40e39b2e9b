"""The daily limit of answered collection calls: what is counted, from which call a day is flagged, and that
the limit is data (`max_per_day` in cases/data/rules_cn.toml) that the finding's words follow."""

import tomllib
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from cases.analysis.engine import Event, analyse
from cases.analysis.rules import DATA, _rule, load_rule_set

CN = load_rule_set("CN")
SH = ZoneInfo("Asia/Shanghai")
DAY = datetime(2025, 5, 12, 9, tzinfo=SH)  # the standard is in force


def calls(connected: int, unanswered: int = 0, number: str = "13812345678", party: str = "某某小贷") -> list[Event]:
    kinds = [True] * connected + [False] * unanswered
    return [
        Event(
            "call",
            DAY + timedelta(hours=i),
            number,
            sources=[{"evidence": "log", "source": "call_log", "row": i}],
            connected=answered,
            direction="incoming" if answered else "missed",
            role="collector",
            party=party,
        )
        for i, answered in enumerate(kinds)
    ]


def per_day(events, rule_set=CN):
    return next((f for f in analyse(events, [], rule_set) if f.rule == "cn-calls-per-day"), None)


def test_the_limit_is_data_and_the_finding_says_what_it_counts():
    raw = next(r for r in tomllib.loads((DATA / "rules_cn.toml").read_text())["rules"] if r["id"] == "cn-calls-per-day")
    assert raw["max_per_day"] == 3
    rule = next(r for r in CN.rules if r.id == "cn-calls-per-day")
    assert rule.title == "同一机构单日接通的催收电话超过3次（当日第4次接通起；推荐性国家标准：每日不应超过3次）"
    assert "{" not in rule.title_en and "no. 4" in rule.title_en
    assert _rule({**raw, "max_per_day": 2}).title.startswith("同一机构单日接通的催收电话超过2次（当日第3次接通起")


@pytest.mark.parametrize(("connected", "flagged"), [(3, False), (4, True)])
def test_three_answered_calls_are_within_the_standard_and_the_fourth_is_over(connected, flagged):
    finding = per_day(calls(connected, unanswered=5))  # unanswered calls never count against the limit
    assert (finding is not None) == flagged
    if finding:
        assert finding.worst_days == [{"date": "2025-05-12", "calls": 4, "party": "某某小贷"}]


def test_a_lower_limit_in_the_data_flags_the_third_call():
    rules = [replace(r, params={**r.params, "max_per_day": 2}) if r.id == "cn-calls-per-day" else r for r in CN.rules]
    assert per_day(calls(3), replace(CN, rules=rules)) is not None


def test_calls_for_two_lenders_are_counted_apart():
    assert per_day(calls(2) + calls(2, number="13900001111", party="另一家银行")) is None


def at_limit(events, rule_set=CN):
    return next((f for f in analyse(events, [], rule_set) if f.rule == "cn-calls-at-limit"), None)


def test_the_day_at_the_limit_takes_its_number_from_the_daily_rule():
    rule = next(r for r in CN.rules if r.id == "cn-calls-at-limit")
    assert (rule.kind, rule.params["max_per_day"], rule.params["only_when_in_force"]) == ("at_limit", 3, True)
    assert rule.title == "当日接通已达每日3次的上限（推荐性国家标准：每日不应超过3次）"
    assert "{" not in rule.title_en and "limit of 3" in rule.title_en
    raw = tomllib.loads((DATA / "rules_cn.toml").read_text())["rules"]
    # Written once, in the daily rule.
    assert "max_per_day" not in next(r for r in raw if r["id"] == "cn-calls-at-limit")


@pytest.mark.parametrize(("connected", "at", "over"), [(2, False, False), (3, True, False), (4, False, True)])
def test_exactly_the_limit_is_a_fact_and_only_more_is_a_possible_violation(connected, at, over):
    events = calls(connected, unanswered=4)  # unanswered calls never bring a day to the limit
    found = at_limit(events)
    assert (found is not None, per_day(events) is not None) == (at, over)
    if found:
        assert (found.kind, found.count) == ("at_limit", 1)
        assert found.worst_days == [{"date": "2025-05-12", "calls": 3, "party": "某某小贷"}]
        assert [e["connected"] for e in found.events] == [True] * 3  # the three answered calls, nothing else


def test_days_at_and_over_the_limit_are_each_listed_once():
    over = calls(4)
    at = [replace(e, at=e.at + timedelta(days=1)) for e in calls(3) if e.at is not None]
    other = calls(3, number="13900001111", party="另一家银行")  # the same day, another lender: at its own limit
    found, flagged = at_limit(over + at + other), per_day(over + at + other)
    assert found and flagged
    assert sorted((d["date"], d["party"]) for d in found.worst_days) == [
        ("2025-05-12", "另一家银行"),
        ("2025-05-13", "某某小贷"),
    ]
    assert flagged.worst_days == [{"date": "2025-05-12", "calls": 4, "party": "某某小贷"}]
    listed = {(e["at"], e["number"]) for e in found.events}
    assert len(listed) == 6 and not listed & {(e["at"], e["number"]) for e in flagged.events}


def test_a_lower_limit_in_the_data_moves_the_day_at_the_limit_too():
    rules = [replace(r, params={**r.params, "max_per_day": 2}) if r.type.startswith("calls_") else r for r in CN.rules]
    lower = replace(CN, rules=rules)
    assert at_limit(calls(2), lower) is not None and at_limit(calls(3), lower) is None
