"""Issue #13's call log, counted the way GB/T 45251—2025 reads (与单一债务人主动有效通话每日不应超过3次):
a mother's calls count for nothing, two answered collector calls are nothing to note, a third answered call
from a second number of the same lender is a day *at* the limit (a fact, never a violation), and a fourth
is the possible violation. The case page, the API, the bundle and every letter keep the two apart."""

from datetime import date

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from complaints.models import Complaint
from complaints.services import complaint_create
from evidence.bundle.services import bundle_context, bundle_create
from evidence.custody import Actor

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

MOTHER, COLLECTOR, SECOND = "13811115678", "17011112222", "17033334444"
LENDER = {"kind": "lender", "name": "某某小贷公司"}
HER = {"kind": "person", "name": "王芳", "relation": "母亲"}
# The mother rings 5 times (2 answered); the collector 4 times (2 answered, one missed, one rejected).
LOG = (
    "号码,类型,通话时间,通话时长\n"
    f"{MOTHER},来电,2025-05-12 08:05:00,62秒\n{MOTHER},未接,2025-05-12 09:40:00,0秒\n"
    f"{MOTHER},来电,2025-05-12 12:15:00,3分12秒\n{MOTHER},未接,2025-05-12 18:02:00,0秒\n"
    f"{MOTHER},未接,2025-05-12 20:30:00,0秒\n"
    f"{COLLECTOR},来电,2025-05-12 10:00:00,45秒\n{COLLECTOR},未接,2025-05-12 11:00:00,0秒\n"
    f"{COLLECTOR},拒接,2025-05-12 13:40:00,0秒\n{COLLECTOR},来电,2025-05-12 16:30:00,1分05秒\n"
)
HEADER = "号码,类型,通话时间,通话时长\n"
THIRD = f"{SECOND},来电,2025-05-12 17:20:00,38秒\n"
FOURTH = f"{SECOND},来电,2025-05-12 19:05:00,2分10秒\n"
AT_LIMIT_ZH = "当日接通已达每日3次的上限（推荐性国家标准：每日不应超过3次）"
OVER_ZH = "同一机构单日接通的催收电话超过3次"


def classify(client, case, api, number, role, **body):
    r = client.put(
        f"/api/v1/cases/{case.id}/numbers/{number}", {"role": role, **body}, content_type="application/json", **api
    )
    assert r.status_code == 200, r.content


def findings(client, case, api) -> dict[str, dict]:
    r = client.get(f"/api/v1/cases/{case.id}/findings", **api)
    assert r.status_code == 200
    return {f["rule"]: f for f in r.json()}


def letters(case) -> dict[str, str]:
    actor = Actor(user=case.owner)
    return {
        channel: complaint_create(
            case=case, actor=actor, channel=channel, today=date(2025, 6, 1), borrower_phone="13700001111"
        ).draft_text
        for channel in Complaint.Channel.values
    }


@pytest.fixture
def logged(client, alice_case, alice_api, send):
    """The call log, the mother's number marked as hers, the collector's confirmed for the lender."""
    send("calls.csv", LOG.encode(), "call_log")
    classify(client, alice_case, alice_api, MOTHER, "third_party", party=HER)
    classify(client, alice_case, alice_api, COLLECTOR, "collector", party=LENDER)
    return alice_case


def add_call(client, case, api, send, row: str, name: str) -> None:
    send(name, (HEADER + row).encode(), "call_log")
    classify(client, case, api, SECOND, "collector", party=LENDER)


def test_the_mothers_calls_and_two_answered_collector_calls_make_no_frequency_finding(client, logged, alice_api):
    found = findings(client, logged, alice_api)
    assert "cn-calls-per-day" not in found and "cn-calls-at-limit" not in found


def test_a_third_answered_call_from_a_second_number_of_the_lender_is_a_day_at_the_limit(
    client, logged, alice, alice_api, send
):
    add_call(client, logged, alice_api, send, THIRD, "calls-2.csv")
    found = findings(client, logged, alice_api)
    assert "cn-calls-per-day" not in found  # three answered calls are within the standard
    at_limit = found["cn-calls-at-limit"]
    assert (at_limit["kind"], at_limit["category"], at_limit["count"]) == ("at_limit", "frequency_at_limit", 1)
    assert at_limit["title"] == AT_LIMIT_ZH
    assert at_limit["worst_days"] == [{"date": "2025-05-12", "calls": 3, "party": "某某小贷公司"}]
    # Exactly the three answered calls behind it, each with its exhibit: none of the mother's, no missed call.
    assert [(e["at"][11:16], e["number"], e["connected"]) for e in at_limit["events"]] == [
        ("10:00", COLLECTOR, True),
        ("16:30", COLLECTOR, True),
        ("17:20", SECOND, True),
    ]
    assert all(e["evidence"] for e in at_limit["events"])

    # The case page shows it under its own heading, not among the possible violations.
    client.force_login(alice)
    page = client.get(f"/cases/{logged.id}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = page.content.decode()
    violations, _, rest = html.partition('<section class="findings at-limit" id="at-limit">')
    assert rest and "finding-cn-calls-at-limit" in rest and "finding-cn-calls-at-limit" not in violations
    assert AT_LIMIT_ZH in rest and "不构成违规" in rest.split("</section>")[0]
    with translation.override("en"):
        english = client.get(f"/cases/{logged.id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "At the daily limit (not a violation)" in english
    assert "Answered calls reached the daily limit of 3" in english

    # The bundle: apart from the possible violations; no exhibit's 证明目的 names it.
    bundle = bundle_create(case=logged, actor=Actor(user=logged.owner))
    context = bundle_context(bundle)
    assert [r["finding"].rule for r in context["at_limit"]] == ["cn-calls-at-limit"]
    assert "cn-calls-at-limit" not in [r["finding"].rule for r in context["findings"]]
    assert not any("上限" in (e.purpose or "") for e in context["exhibits"])
    with translation.override("zh-hans"):
        html = render_to_string("bundle/bundle.html", {**context, "custody_anchor": None})
    violations, _, facts = html.partition("<h3>当日接通已达上限（事实，不构成违规情形）</h3>")
    assert facts and AT_LIMIT_ZH in facts.split("<h3>")[0] and AT_LIMIT_ZH not in violations

    # Letters: never among the violations, the offences or the cited provisions; only as a fact, if at all.
    texts = letters(logged)
    assert "另列事实（未超过推荐性国家标准，不构成违规情形）：" + AT_LIMIT_ZH in texts["regulator"]
    for channel, text in texts.items():
        assert OVER_ZH not in text, channel
        for line in text.splitlines():
            if AT_LIMIT_ZH in line:
                assert line.startswith("另列事实（未超过推荐性国家标准，不构成违规情形）："), (channel, line)
        assert "以频繁来电滋扰他人正常生活" not in text, channel


def test_a_fourth_answered_call_is_the_possible_violation_and_not_also_a_day_at_the_limit(
    client, logged, alice_api, send
):
    add_call(client, logged, alice_api, send, THIRD, "calls-2.csv")
    add_call(client, logged, alice_api, send, FOURTH, "calls-3.csv")
    found = findings(client, logged, alice_api)
    assert "cn-calls-at-limit" not in found
    over = found["cn-calls-per-day"]
    assert over["kind"] == "violation" and over["worst_days"] == [
        {"date": "2025-05-12", "calls": 4, "party": "某某小贷公司"}
    ]
    assert [e["at"][11:16] for e in over["events"]] == ["10:00", "16:30", "17:20", "19:05"]
    texts = letters(logged)
    assert OVER_ZH in texts["regulator"] and "另列事实" not in texts["regulator"]
    assert "以频繁来电滋扰他人正常生活" in texts["police"]
