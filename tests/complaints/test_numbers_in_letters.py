"""A mother who rang her son five times is nobody's collector: she is masked in every masked letter,
and listed as a reported number in none; only the number the victim confirmed is."""

import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import CaseNumber
from complaints.models import Complaint
from complaints.services import complaint_create
from evidence.custody import Actor
from evidence.models import CustodyEvent, OcrResult
from tests.conftest import png_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

MOTHER, COLLECTOR, COURIER = "13811115678", "17011112222", "13500009999"
MASKED = {"platform", "regulator", "telecom", "nifa"}
LOG = (
    "号码,类型,通话时间,通话时长\n"
    f"{MOTHER},来电,2025-05-12 08:05:00,62秒\n{MOTHER},未接,2025-05-12 09:40:00,0秒\n"
    f"{MOTHER},来电,2025-05-12 12:15:00,3分12秒\n{MOTHER},未接,2025-05-12 18:02:00,0秒\n"
    f"{MOTHER},未接,2025-05-12 23:30:00,0秒\n"
    f"{COLLECTOR},来电,2025-05-12 10:00:00,45秒\n{COLLECTOR},未接,2025-05-12 11:00:00,0秒\n"
    f"{COLLECTOR},拒接,2025-05-12 22:40:00,0秒\n{COLLECTOR},来电,2025-05-12 16:30:00,1分05秒\n"
    f"{COURIER},来电,2025-05-12 14:00:00,20秒\n"
)


@pytest.fixture
def mother_case(client, alice, alice_case, alice_api, send):
    """The victim's call log; the mother's statement sent through her link, with her own number and a screenshot."""
    alice_case.victim_name = "李明"
    alice_case.save()
    send("calls.csv", LOG.encode(), "call_log")
    client.force_login(alice)
    page = client.post(
        f"/cases/{alice_case.id}/statement-links/", {"name": "王芳", "relation": "母亲"}
    ).content.decode()
    client.logout()
    link = re.search(r"http://testserver(/s/[^<\s]+/)", page).group(1)
    r = client.post(
        link,
        {
            "name": "王芳",
            "text": f"5月12日晚上，{COLLECTOR}打给我，说我儿子欠钱不还。",
            "contact": f"电话 {MOTHER}",
            "counterparty_number": COLLECTOR,
            "occurred_at": "2025-05-12T21:00",
            "files": [SimpleUploadedFile("shot.png", png_bytes())],
        },
    )
    assert r.status_code == 200, r.content
    return alice_case


def letters(case) -> dict[str, str]:
    actor = Actor(user=case.owner)
    return {
        channel: complaint_create(
            case=case, actor=actor, channel=channel, today=date(2025, 6, 1), borrower_phone="13700001111"
        ).draft_text
        for channel in Complaint.Channel.values
    }


def confirm(client, case, api, number, role, **body):
    r = client.put(
        f"/api/v1/cases/{case.id}/numbers/{number}", {"role": role, **body}, content_type="application/json", **api
    )
    assert r.status_code == 200, r.content
    return r.json()


def test_the_relatives_own_number_is_recorded_as_a_third_partys(client, mother_case, alice_api):
    row = CaseNumber.objects.get(case=mother_case, number=MOTHER)
    assert (row.role, row.confirmed, row.party.name, row.party.relation) == ("third_party", True, "王芳", "母亲")
    assert CustodyEvent.objects.filter(action="number_classified", detail__number=MOTHER).exists()
    listed = {r["number"]: r for r in client.get(f"/api/v1/cases/{mother_case.id}/numbers", **alice_api).json()}
    assert listed[MOTHER]["calls"] == 5 and listed[MOTHER]["role"] == "third_party"
    assert listed[COLLECTOR]["suggested_role"] == "collector" and not listed[COLLECTOR]["confirmed"]


def test_no_letter_reports_a_number_before_the_victim_confirms_it(mother_case):
    for channel, text in letters(mother_case).items():
        assert COLLECTOR not in text and MOTHER not in text.replace(f"电话{MOTHER}", ""), channel
        assert not re.search("以下号码经(举报人|报案人|投诉人)确认为催收方使用", text)


def test_the_mother_is_masked_everywhere_and_reported_nowhere_the_collector_is_listed(client, mother_case, alice_api):
    confirm(client, mother_case, alice_api, COLLECTOR, "collector", party={"kind": "lender", "name": "某某小贷公司"})
    texts = letters(mother_case)
    for channel, text in texts.items():
        if channel in MASKED:
            assert MOTHER not in text and COURIER not in text and "138****5678" in text, channel
        reported = _reported_numbers(channel, text)
        assert "5678" not in reported and "9999" not in reported, (channel, reported)
    # Each letter names the one who confirmed them in that letter's own terms.
    for channel, who in (("telecom", "举报人"), ("police", "报案人"), ("regulator", "投诉人")):
        assert f"以下号码经{who}确认为催收方使用" in texts[channel] and COLLECTOR in _reported_numbers(
            channel, texts[channel]
        )
    # Answered calls apart from the rest: the collector rang 4 times, 2 answered; the mother's calls are not told.
    assert f"{COLLECTOR}（代表某某小贷公司）：来电（含未接、拒接）4次，其中接通2次" in texts["telecom"]
    assert "来电（含未接、拒接）4次，其中接通2次" in texts["police"]
    # The police may reach the witness: her number is there in full, as hers, not as a collector's.
    assert f"母亲 王芳（电话{MOTHER}）" in texts["police"]


def test_the_relatives_screenshot_is_a_contact_of_the_relative_not_of_the_victim(client, mother_case, alice_api):
    shot = mother_case.items.get(kind="screenshot")
    OcrResult.objects.update_or_create(
        item=shot,
        defaults={
            "original_sha256": shot.sha256,
            "engine": "t",
            "text": "你儿子欠钱不还",
            "phone_numbers": [COLLECTOR],
            "lines": [{"text": "你儿子欠钱不还", "box": [], "confidence": 1}],
            "message_times": [{"text": "23:47", "at": "2025-05-12T23:47:00+08:00"}],
        },
    )
    confirm(client, mother_case, alice_api, COLLECTOR, "collector")
    found = {f["rule"]: f for f in client.get(f"/api/v1/cases/{mother_case.id}/findings", **alice_api).json()}
    assert found["cn-third-party"]["count"] == 2  # her statement and her screenshot
    assert {e["at"][11:16] for e in found["cn-quiet-hours"]["events"]} == {"22:40"}  # not the mother's 23:30


def _reported_numbers(channel: str, text: str) -> str:
    """The part of the letter that lists numbers as the collectors'."""
    if channel == "telecom":
        return text.split("一、被举报号码", 1)[1].split("二、", 1)[0]
    line = next((ln for ln in text.splitlines() if ln.startswith(("对方使用的电话号码", "催收使用的电话号码"))), "")
    return line
