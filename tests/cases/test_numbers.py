"""The numbers of a case: only numbers the owner confirmed as a collector's are counted, listed and left unmasked."""

import pytest

from cases.models import CaseNumber
from evidence.models import CustodyEvent

pytestmark = pytest.mark.django_db

MOTHER, COLLECTOR, SECOND = "13812345678", "17011112222", "17133334444"
HEADER = "号码,类型,通话时间,通话时长\n"
# A day of a real export: the mother rings five times (two answered), the collector four times (two answered).
DAY_LOG = HEADER + "".join(
    [
        f"{MOTHER},来电,2025-05-12 08:05:00,62秒\n",
        f"{MOTHER},未接,2025-05-12 09:40:00,0秒\n",
        f"{MOTHER},来电,2025-05-12 12:15:00,3分12秒\n",
        f"{MOTHER},未接,2025-05-12 18:02:00,0秒\n",
        f"{MOTHER},未接,2025-05-12 21:30:00,0秒\n",
        f"{COLLECTOR},来电,2025-05-12 10:00:00,45秒\n",
        f"{COLLECTOR},未接,2025-05-12 11:00:00,0秒\n",
        f"{COLLECTOR},拒接,2025-05-12 14:00:00,0秒\n",
        f"{COLLECTOR},来电,2025-05-12 16:30:00,1分05秒\n",
        "+86 139-0000-1111,来电,2025-05-12 13:00:00,20秒\n",
        "95588,呼出,2025-05-12 15:00:00,2分\n",
    ]
)
# Two answered calls from a second number the same evening.
SECOND_LOG = (HEADER + f"{SECOND},来电,2025-05-12 19:00:00,30秒\n{SECOND},来电,2025-05-12 20:30:00,50秒\n").encode()


def put(client, case, number, api, **body):
    return client.put(f"/api/v1/cases/{case.id}/numbers/{number}", body, content_type="application/json", **api)


def numbers(client, case, api) -> dict:
    r = client.get(f"/api/v1/cases/{case.id}/numbers", **api)
    assert r.status_code == 200, r.content
    return {row["number"]: row for row in r.json()}


def per_day(client, case, api):
    found = client.get(f"/api/v1/cases/{case.id}/findings", **api).json()
    return next((f for f in found if f["rule"] == "cn-calls-per-day"), None)


@pytest.fixture
def day_case(alice_case, send):
    send("calls.csv", DAY_LOG.encode(), "call_log")
    return alice_case


def test_every_number_is_listed_with_its_calls_and_none_is_confirmed(client, day_case, alice_api):
    rows = numbers(client, day_case, alice_api)
    assert set(rows) >= {MOTHER, COLLECTOR, "13900001111"}  # "+86 139-0000-1111" is stored normalised
    mother = rows[MOTHER]
    assert (mother["calls"], mother["connected_calls"], mother["role"], mother["confirmed"]) == (5, 2, "unknown", False)
    assert mother["first_seen"].startswith("2025-05-12T08:05") and mother["last_seen"].startswith("2025-05-12T21:30")
    assert rows[COLLECTOR]["calls"] == 4 and rows[COLLECTOR]["connected_calls"] == 2
    assert "通话记录中来电5次" in mother["reasons"]
    assert "95588" not in rows or rows["95588"]["calls"] == 0  # the victim's own outgoing call is no incoming call


def test_nothing_is_counted_before_the_owner_confirms_a_collector(client, day_case, alice_api):
    assert per_day(client, day_case, alice_api) is None
    findings = client.get(f"/api/v1/cases/{day_case.id}/findings", **alice_api).json()
    assert not [f for f in findings if f["category"] in ("frequency", "quiet_hours", "number_rotation")]


def test_the_mother_and_two_connected_collector_calls_make_no_finding_more_from_the_same_lender_do(
    client, day_case, alice_api, send
):
    lender = {"kind": "lender", "name": "某某小额贷款有限公司"}
    r = put(client, day_case, COLLECTOR, alice_api, role="collector", party=lender)
    assert r.status_code == 200, r.content
    assert r.json()["role"] == "collector" and r.json()["confirmed"] and r.json()["party"]["name"] == lender["name"]
    assert (
        put(
            client,
            day_case,
            MOTHER,
            alice_api,
            role="third_party",
            party={"kind": "person", "name": "王芳", "relation": "母亲"},
        ).status_code
        == 200
    )
    assert per_day(client, day_case, alice_api) is None  # 5 calls from the mother, 2 connected from the collector

    send("calls-2.csv", (HEADER + f"{SECOND},来电,2025-05-12 19:00:00,30秒\n").encode(), "call_log")
    assert per_day(client, day_case, alice_api) is None  # an unconfirmed number is not counted
    lender_id = r.json()["party"]["id"]
    assert put(client, day_case, SECOND, alice_api, role="collector", party=lender_id).status_code == 200

    # Three connected calls of one lender are at the standard's limit ("不应超过3次"), not over it.
    assert per_day(client, day_case, alice_api) is None
    send("calls-3.csv", (HEADER + f"{SECOND},来电,2025-05-12 20:30:00,50秒\n").encode(), "call_log")

    finding = per_day(client, day_case, alice_api)
    assert finding["count"] == 1
    assert finding["worst_days"] == [{"date": "2025-05-12", "calls": 4, "party": lender["name"]}]
    # The exact events behind it, each with its exhibit and row: the connected calls, nothing else.
    assert [(e["number"], e["at"][11:16], e["connected"]) for e in finding["events"]] == [
        (COLLECTOR, "10:00", True),
        (COLLECTOR, "16:30", True),
        (SECOND, "19:00", True),
        (SECOND, "20:30", True),
    ]
    assert all(e["evidence"] and e["sources"][0]["row"] for e in finding["events"])


def test_calls_of_two_lenders_are_not_pooled(client, day_case, alice_api, send):
    send("calls-2.csv", SECOND_LOG, "call_log")
    put(client, day_case, COLLECTOR, alice_api, role="collector", party={"kind": "lender", "name": "甲贷款公司"})
    put(client, day_case, SECOND, alice_api, role="collector", party={"kind": "lender", "name": "乙贷款公司"})
    assert per_day(client, day_case, alice_api) is None


def test_an_agency_counts_under_the_lender_it_collects_for(client, day_case, alice_api, send):
    send("calls-2.csv", SECOND_LOG, "call_log")
    lender = put(
        client, day_case, COLLECTOR, alice_api, role="collector", party={"kind": "lender", "name": "甲贷款公司"}
    ).json()["party"]
    agency = {"kind": "agency", "name": "某某信息咨询有限公司", "acts_for": lender["id"]}
    assert put(client, day_case, SECOND, alice_api, role="collector", party=agency).status_code == 200
    assert per_day(client, day_case, alice_api)["worst_days"][0]["party"] == "甲贷款公司"


def test_reclassifying_a_number_changes_the_findings_and_leaves_a_custody_record(client, day_case, alice_api, send):
    send("calls-2.csv", SECOND_LOG, "call_log")
    for number in (COLLECTOR, SECOND):
        put(client, day_case, number, alice_api, role="collector")
    assert per_day(client, day_case, alice_api)["worst_days"][0]["party"] == ""  # unattributed
    put(client, day_case, SECOND, alice_api, role="other")
    assert per_day(client, day_case, alice_api) is None
    events = CustodyEvent.objects.filter(case=day_case, action="number_classified").order_by("id")
    assert [(e.detail["number"], e.detail["role"]) for e in events] == [
        (COLLECTOR, "collector"),
        (SECOND, "collector"),
        (SECOND, "other"),
    ]
    assert events.last().detail["before"]["role"] == "collector"


def test_unanswered_calls_and_unknown_directions_are_facts_not_counted(client, alice_case, alice_api, send):
    log = HEADER + "".join(f"{COLLECTOR},未接,2025-05-12 {h}:00:00,0秒\n" for h in range(9, 17))
    log += "".join(f"{COLLECTOR},,2025-05-12 {h}:30:00,40秒\n" for h in range(9, 14))
    send("calls.csv", log.encode(), "call_log")
    put(client, alice_case, COLLECTOR, alice_api, role="collector")
    assert per_day(client, alice_case, alice_api) is None
    from cases.services import case_analyse

    assert case_analyse(alice_case).call_days == [
        {"date": "2025-05-12", "party": "", "calls": 8, "connected": 0, "unknown_direction": 5}
    ]


def test_one_number_reads_as_in_the_list(client, day_case, alice_api):
    r = client.get(f"/api/v1/cases/{day_case.id}/numbers/+86%20138-1234-5678", **alice_api)
    assert r.status_code == 200 and r.json() == numbers(client, day_case, alice_api)[MOTHER]
    assert client.get(f"/api/v1/cases/{day_case.id}/numbers/13000000000", **alice_api).status_code == 404


def test_numbers_are_normalised_and_malformed_ones_refused(client, day_case, alice_api):
    assert put(client, day_case, "+86 170-1111-2222", alice_api, role="borrower").json()["number"] == COLLECTOR
    assert put(client, day_case, "abc", alice_api, role="other").status_code == 400
    assert (
        put(
            client, day_case, COLLECTOR, alice_api, role="collector", party={"kind": "person", "name": "王芳"}
        ).status_code
        == 400
    )


def test_strangers_get_404_and_members_may_not_classify(client, day_case, alice_api, bob, bob_api):
    assert client.get(f"/api/v1/cases/{day_case.id}/numbers", **bob_api).status_code == 404
    assert put(client, day_case, COLLECTOR, bob_api, role="collector").status_code == 404
    day_case.memberships.create(user=bob, role="lawyer")
    assert client.get(f"/api/v1/cases/{day_case.id}/numbers", **bob_api).status_code == 200
    assert put(client, day_case, COLLECTOR, bob_api, role="collector").status_code == 403
    assert not CaseNumber.objects.filter(case=day_case).exists()
