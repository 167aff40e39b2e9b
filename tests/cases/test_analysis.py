"""Table-driven checks of every rule type, with the edge cases the law turns on."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from cases.analysis.engine import Event, Sentence, analyse, merge_events
from cases.analysis.rules import load_rule_set

SH = ZoneInfo("Asia/Shanghai")
NY = ZoneInfo("America/New_York")
CN = load_rule_set("CN")
US = load_rule_set("US")


def call(at: datetime | None, number: str = "13812345678", evidence: str = "e1", **kw) -> Event:
    """An answered call from a number the user confirmed as a collector's, unless told otherwise."""
    kw = {"role": "collector", "connected": True, **kw}
    return Event("call", at, number, sources=[{"evidence": evidence, "source": "call_log"}], **kw)


def finding(findings, rule):
    return next((f for f in findings if f.rule == rule), None)


def at(day: int, hh: int, mm: int = 0, ss: int = 0, tz=SH) -> datetime:
    return datetime(2025, 5, day, hh, mm, ss, tzinfo=tz)


@pytest.mark.parametrize("calls,expected", [(3, None), (4, 1)])
def test_more_than_three_calls_a_day(calls, expected):
    events = [call(at(12, 9 + i), evidence=f"e{i}") for i in range(calls)]
    f = finding(analyse(events, [], CN), "cn-calls-per-day")
    assert (f.count if f else None) == expected
    if f:
        assert f.worst_days == [{"date": "2025-05-12", "calls": 4, "party": ""}]
        assert f.evidence == ["e0", "e1", "e2", "e3"] and [e["evidence"] for e in f.events] == [
            ["e0"],
            ["e1"],
            ["e2"],
            ["e3"],
        ]


def test_calls_crossing_midnight_count_on_their_own_day():
    events = [call(at(12, 23, 10 + i)) for i in range(0, 40, 10)][:2] + [
        call(at(13, 0, 5 + i)) for i in range(0, 30, 10)
    ]
    assert finding(analyse(events, [], CN), "cn-calls-per-day") is None


def test_times_given_in_utc_are_counted_in_shanghai():
    # 15:30 UTC is 23:30 in Shanghai: four calls on 12 May there.
    events = [call(datetime(2025, 5, 12, 15, 30 + i, tzinfo=UTC), number=f"1381234567{i}") for i in range(4)]
    f = finding(analyse(events, [], CN), "cn-calls-per-day")
    assert f.worst_days[0]["date"] == "2025-05-12"
    assert finding(analyse(events, [], CN), "cn-quiet-hours").count == 4


@pytest.mark.parametrize(
    "hh,mm,ss,flagged",
    [(21, 59, 59, False), (22, 0, 0, True), (23, 59, 59, True), (0, 0, 0, True), (7, 59, 59, True), (8, 0, 0, False)],
)
def test_quiet_hours_in_china(hh, mm, ss, flagged):
    f = finding(analyse([call(at(12, hh, mm, ss))], [], CN), "cn-quiet-hours")
    assert (f is not None) == flagged


@pytest.mark.parametrize("hh,mm,ss,flagged", [(21, 0, 0, False), (21, 0, 1, True), (7, 59, 59, True), (8, 0, 0, False)])
def test_inconvenient_times_in_the_us(hh, mm, ss, flagged):
    f = finding(analyse([call(at(12, hh, mm, ss, tz=NY))], [], US), "us-inconvenient-time")
    assert (f is not None) == flagged


def test_events_with_unknown_time_count_only_where_time_does_not_matter():
    events = [
        call(None),
        Event("third_party_contact", None, "13812345678", "third_party", "母亲 王芳", [{"evidence": "s1"}]),
    ]
    findings = analyse(events, [], CN)
    assert [f.rule for f in findings] == ["cn-third-party"]
    assert findings[0].examples[0]["text"] == "母亲 王芳"


@pytest.mark.parametrize("calls,flagged", [(7, False), (8, True)])
def test_more_than_seven_calls_in_seven_days_in_the_us(calls, flagged):
    start = datetime(2025, 5, 1, 12, tzinfo=NY)
    events = [call(start + timedelta(hours=20 * i)) for i in range(calls)]
    f = finding(analyse(events, [], US), "us-calls-7-in-7")
    assert (f is not None) == flagged


def test_eight_calls_spread_over_more_than_seven_days_are_not_flagged():
    start = datetime(2025, 5, 1, 12, tzinfo=NY)
    events = [call(start + timedelta(days=i)) for i in range(8)]
    assert finding(analyse(events, [], US), "us-calls-7-in-7") is None


def test_the_same_call_in_the_log_and_as_a_recording_is_merged():
    log = call(at(12, 23, 47), evidence="log")
    recording = call(at(12, 23, 48), evidence="rec")
    other = call(at(12, 23, 55), evidence="later")
    merged = merge_events([log, recording, other])
    assert len(merged) == 2 and merged[0].evidence == ["log", "rec"]


COLLECTOR = [
    ("insult", "你这个老赖，不要脸"),
    ("insult", "他妈的你到底还不还"),
    ("harassment", "明天就去你单位找你"),
    ("harassment", "不还钱就让你社死"),
    ("harassment", "再不还就爆你通讯录"),
    ("threat", "小心你家人的安全"),
    ("false_claim", "已经立案了，你等着坐牢"),
    ("false_claim", "会影响你子女上学"),
    ("false_claim", "马上让你上征信黑名单"),
    ("impersonation", "我们是朝阳区法院的，通知你"),
    ("impersonation", "律师函已经寄到你家了"),
    ("disclosure", "你儿子在我们平台欠钱不还"),
]
INNOCENT = [
    "请按时还款",
    "您好，您的账单已逾期三天，请尽快处理",
    "我会去法院咨询一下",
    "我是他妈妈，有什么事",
    "我们会依法催收",
    "请问是张先生吗",
    "征信报告可以在人民银行查询",
    # Reporting an overdue loan to the credit reference centre is lawful for a licensed lender.
    "逾期会上征信",
    "如果继续逾期，将按规定报送征信",
]


@pytest.mark.parametrize("category,text", COLLECTOR)
def test_collector_sentences_match_their_category(category, text):
    sentence = Sentence("rec1", text, {"start": 12.0, "end": 19.0}, at(12, 23, 47))
    f = next(f for f in analyse([], [sentence], CN) if f.category == category)
    assert f.examples[0]["text"] == text and f.examples[0]["where"] == {"start": 12.0, "end": 19.0}
    assert f.evidence == ["rec1"]


@pytest.mark.parametrize("text", INNOCENT)
def test_innocent_sentences_do_not_match(text):
    assert analyse([], [Sentence("rec1", text, {"line": 1})], CN) == []


def test_the_provision_in_force_on_the_events_date_is_cited():
    def articles(day: tuple[int, int, int]):
        s = Sentence("r", "你这个老赖", {"line": 1}, datetime(day[0], day[1], day[2], 12, tzinfo=SH))
        return [p["article"] for p in finding(analyse([], [s], CN), "cn-insult").provisions]

    assert articles((2025, 12, 31)) == ["第四十二条第（五）项"]
    assert articles((2026, 1, 1)) == ["第五十条第一款第（五）项"]


def test_every_finding_cites_wording_and_the_standard_is_not_called_a_statute():
    events = [call(at(12, 9 + i)) for i in range(4)]
    f = finding(analyse(events, [], CN), "cn-calls-per-day")
    standard = f.provisions[0]
    assert standard["wording"] and standard["binding"] == "推荐性国家标准，非法律"
    assert "GB/T 45251—2025" in standard["document"]


@pytest.mark.parametrize(
    "day,document",
    [
        ((2025, 3, 1), "GB/T 45251—2025"),  # the national standard, from 2025-02-28
        ((2024, 8, 1), "互联网金融贷后催收业务指引"),  # the association's 2024 guideline before it
    ],
)
def test_the_numeric_rules_come_from_the_document_in_force(day, document):
    year, month, dom = day
    events = [call(datetime(year, month, dom, 9 + i, tzinfo=SH), evidence=f"e{i}") for i in range(4)]
    events.append(call(datetime(year, month, dom, 23, tzinfo=SH), evidence="night"))
    for rule in ("cn-calls-per-day", "cn-quiet-hours"):
        cited = finding(analyse(events, [], CN), rule).provisions
        assert [p for p in cited if document in p["document"]] and len(cited) == 1


def test_before_2024_no_numeric_rule_applies():
    events = [call(datetime(2023, 5, 12, 9 + i, tzinfo=SH), evidence=f"e{i}") for i in range(4)]
    events.append(call(datetime(2023, 5, 12, 23, tzinfo=SH), evidence="night"))
    found = {f.rule for f in analyse(events, [], CN)}
    assert "cn-calls-per-day" not in found and "cn-quiet-hours" not in found


def test_insults_told_to_relatives_may_be_public_insult_and_cite_item_two():
    said = Sentence("s1", "他们说你儿子是老赖", {"line": 5}, at(12, 20), "statement")
    own = Sentence("r1", "你这个老赖", {"line": 1}, at(12, 20), "screenshot")
    findings = analyse([], [said, own], CN)
    public = finding(findings, "cn-public-insult")
    assert public.evidence == ["s1"] and public.provisions[0]["article"] == "第四十二条第（二）项"


def test_provisions_for_one_kind_of_lender_are_cited_only_for_it():
    events = [Event("third_party_contact", at(12, 10), "13812345678", "third_party", "母亲", [{"evidence": "s"}])]
    ids = lambda kind: {p["id"] for p in finding(analyse(events, [], CN, kind), "cn-third-party").provisions}  # noqa: E731
    assert "small-loan-collection" in ids("small_loan") and "card-68" not in ids("small_loan")
    assert "card-68" in ids("bank") and "small-loan-collection" not in ids("")


def test_number_rotation_and_virtual_numbers():
    numbers = ["13800000001", "13800000002", "17012345678", "13800000004", "+85291234567"]
    events = [call(at(12 + i, 10), number=n) for i, n in enumerate(numbers)]
    findings = analyse(events, [], CN)
    assert finding(findings, "cn-number-rotation").count == 5
    assert finding(findings, "cn-virtual-numbers").count == 2
    # Clues that the calls come from one collector, never violations: they cite nothing.
    for rule in ("cn-number-rotation", "cn-virtual-numbers"):
        assert finding(findings, rule).kind == "clue" and finding(findings, rule).provisions == []


def test_analysis_is_deterministic():
    events = [call(at(12, 23, i), number=f"1380000000{i}") for i in range(6)]
    sentences = [Sentence("r", "你这个老赖", {"line": 1})]
    assert analyse(events, sentences, CN) == analyse(list(reversed(events)), sentences, CN)


def test_only_answered_calls_from_confirmed_collectors_count_per_lender():
    mother = [call(at(12, 8 + i), number="13812345678", evidence=f"m{i}", role="third_party") for i in range(5)]
    unconfirmed = [call(at(12, 8 + i, 30), number="13900001111", role="unknown") for i in range(5)]
    missed = [call(at(12, 14 + i), number="17011112222", connected=False, direction="missed") for i in range(6)]
    unknown_direction = [call(at(13, 9 + i), number="17011112222", direction="unknown") for i in range(5)]
    lender_a = [call(at(14, 9 + i), number=f"1701111000{i}", party="甲") for i in range(2)]
    lender_b = [call(at(14, 12 + i), number=f"1702222000{i}", party="乙") for i in range(2)]
    events = mother + unconfirmed + missed + unknown_direction + lender_a + lender_b
    assert finding(analyse(events, [], CN), "cn-calls-per-day") is None
    f = finding(
        analyse(
            events
            + [call(at(14, 15), number="17011110009", party="甲"), call(at(14, 16), number="17011110008", party="甲")],
            [],
            CN,
        ),
        "cn-calls-per-day",
    )
    assert f.worst_days == [{"date": "2025-05-14", "calls": 4, "party": "甲"}]


def test_quiet_hours_and_rotation_look_only_at_confirmed_collectors():
    relatives = [call(at(12, 23, i), number=f"1380000000{i}", role="third_party") for i in range(6)]
    found = analyse(relatives + [call(at(12, 23, 30), number="17000000000", role="other")], [], CN)
    assert not [f for f in found if f.category in ("quiet_hours", "number_rotation", "virtual_numbers")]


def test_a_contact_of_a_relative_from_a_number_known_to_be_no_collectors_is_not_third_party_contact():
    contact = Event("third_party_contact", at(12, 20), "13700001111", "third_party", "母亲 王芳", [{"evidence": "s"}])
    assert finding(analyse([contact], [], CN), "cn-third-party").count == 1
    contact.role = "borrower"
    assert finding(analyse([contact], [], CN), "cn-third-party") is None


def test_call_days_report_unanswered_calls_apart_and_unknown_directions_uncounted():
    from cases.analysis.engine import call_days

    events = [
        call(at(12, 9)),
        call(at(12, 10), connected=False, direction="missed"),
        call(at(12, 11), connected=False, direction="rejected"),
        call(at(12, 12), direction="unknown"),
        call(at(12, 13), role="third_party"),
    ]
    assert call_days(events, SH) == [
        {"date": "2025-05-12", "party": "", "calls": 3, "connected": 1, "unknown_direction": 1}
    ]
