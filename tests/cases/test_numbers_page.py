"""The numbers page through Django's test client: what it shows, one-tap confirmation, who may change what."""

import pytest

from cases.models import CaseNumber, Party
from cases.numbers import number_anchor
from evidence.models import CustodyEvent

pytestmark = pytest.mark.django_db

MOTHER, COLLECTOR = "13811115678", "17011112222"
LOG = (
    "号码,类型,通话时间,通话时长\n"
    + "".join(f"{MOTHER},来电,2025-05-12 {h}:05:00,30秒\n" for h in (8, 9, 12, 18, 21))
    + "".join(f"{COLLECTOR},来电,2025-05-12 {h}:10:00,40秒\n" for h in (10, 11, 14, 16))
    + f"{COLLECTOR},,2025-05-12 17:00:00,40秒\n"
)


@pytest.fixture
def case(alice_case, send, client, alice):
    send("calls.csv", LOG.encode(), "call_log")
    alice_case.manual_events.create(kind="call", number=COLLECTOR, created_by=alice)
    client.force_login(alice)
    return alice_case


def page(client, case, lang="zh-hans") -> str:
    r = client.get(f"/cases/{case.id}/numbers/", HTTP_ACCEPT_LANGUAGE=lang)
    assert r.status_code == 200
    return r.content.decode()


def test_the_case_page_says_how_many_numbers_wait_and_counts_nothing_until_then(client, case):
    text = client.get(f"/cases/{case.id}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "2个号码待确认，确认后才计入统计" in text and f"/cases/{case.id}/numbers/" in text
    assert 'id="finding-cn-calls-per-day"' not in text
    english = client.get(f"/cases/{case.id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "2 numbers still to confirm; they count only once you confirm them." in english


def test_the_page_lists_numbers_with_calls_and_the_suggestion_with_its_reason(client, case):
    text = page(client, case)
    assert MOTHER in text and COLLECTOR in text
    assert "5次来电，接通5次" in text  # the mother: five answered calls
    assert "您手工记录为催收方的号码" in text and "确认：催收方" in text


def test_one_tap_confirms_the_suggestion_and_the_finding_appears_with_its_events(client, case):
    r = client.post(f"/cases/{case.id}/numbers/change/", {"number": COLLECTOR, "role": "collector"})
    assert r.status_code == 302 and r["Location"].endswith(f"/numbers/#{number_anchor(case.id, COLLECTOR)}")
    assert COLLECTOR not in r["Location"]  # the fragment stays in the browser's history
    assert CaseNumber.objects.get(case=case, number=COLLECTOR).confirmed
    assert CustodyEvent.objects.filter(action="number_classified", detail__number=COLLECTOR).exists()
    text = client.get(f"/cases/{case.id}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "1个号码待确认" in text and 'id="finding-cn-calls-per-day"' in text
    assert "来电（含未接、拒接）4次" in text and "方向不详" in text
    assert all(f"第{row}行" in text for row in (7, 8, 9, 10))  # each answered call links to its call-log row


def test_a_relative_is_recorded_with_name_and_relation(client, case):
    client.post(
        f"/cases/{case.id}/numbers/change/",
        {"number": MOTHER, "role": "third_party", "name": "王芳", "relation": "母亲"},
    )
    row = CaseNumber.objects.get(case=case, number=MOTHER)
    assert row.role == "third_party" and (row.party.name, row.party.relation) == ("王芳", "母亲")
    assert "母亲 王芳 ✓" in page(client, case)


def test_a_collector_is_tied_to_a_lender_added_on_the_page(client, case):
    client.post(f"/cases/{case.id}/parties/", {"kind": "lender", "name": "某某小贷"})
    lender = Party.objects.get(case=case)
    client.post(f"/cases/{case.id}/numbers/change/", {"number": COLLECTOR, "role": "collector", "party": lender.id})
    assert CaseNumber.objects.get(case=case, number=COLLECTOR).party == lender
    assert "放款" in page(client, case)


def test_members_read_the_page_strangers_get_404_only_the_owner_changes(client, case, bob):
    client.force_login(bob)
    assert client.get(f"/cases/{case.id}/numbers/").status_code == 404
    assert (
        client.post(f"/cases/{case.id}/numbers/change/", {"number": COLLECTOR, "role": "collector"}).status_code == 404
    )
    case.memberships.create(user=bob, role="viewer")
    assert COLLECTOR in page(client, case) and "确认：" not in page(client, case)
    assert (
        client.post(f"/cases/{case.id}/numbers/change/", {"number": COLLECTOR, "role": "collector"}).status_code == 403
    )
    assert client.post(f"/cases/{case.id}/parties/", {"kind": "lender", "name": "x"}).status_code == 403
    assert not CaseNumber.objects.exists() and not Party.objects.exists()


def test_the_page_reads_in_english(client, case):
    text = page(client, case, "en")
    assert "5 calls to you, 5 answered" in text and "Confirm: Collector" in text
