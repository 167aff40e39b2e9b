"""Findings and events from a case's real rows: recordings, call logs, screenshots, statements, manual events."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from cases.models import ManualEvent
from evidence.models import OcrResult, Transcript
from tests.conftest import png_bytes, wav_bytes

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def confirm_collector(client, case, api, number):
    r = client.put(
        f"/api/v1/cases/{case.id}/numbers/{number}", {"role": "collector"}, content_type="application/json", **api
    )
    assert r.status_code == 200, r.content


def test_findings_come_from_every_source_with_their_exhibits(client, alice, alice_case, alice_api, send):
    log = send(
        "calls.csv",
        "号码,类型,通话时间,通话时长\n".encode()
        + "".join(f"13812345678,来电,2025-05-12 {h}:00:00,40秒\n" for h in (9, 12, 15)).encode(),
        "call_log",
    )
    recording = send("13812345678_20250512231500.wav", wav_bytes(freq_step=3), "call_recording")
    Transcript.objects.update_or_create(
        item=recording,
        defaults={
            "original_sha256": recording.sha256,
            "engine": "openai-whisper",
            "model": "test",
            "language": "zh",
            "text": "明天就去你单位找你",
            "segments": [{"start": 12.0, "end": 19.0, "text": "明天就去你单位找你"}],
        },
    )
    shot = send("chat.png", png_bytes(), "screenshot")
    # What OCR reads from a real chat screenshot (tests/evidence/test_ocr.py runs the real OCR).
    OcrResult.objects.update_or_create(
        item=shot,
        defaults={
            "original_sha256": shot.sha256,
            "engine": "t",
            "text": "你这个老赖",
            "lines": [{"text": "你这个老赖", "box": [], "confidence": 1}],
            "phone_numbers": ["17012345678"],
            "message_times": [{"text": "昨天 01:15", "at": "2025-05-13T01:15:00+08:00"}],
        },
    )
    client.post(
        f"/api/v1/cases/{alice_case.id}/evidence",
        {
            "kind": "statement",
            "author_name": "王芳",
            "relation": "母亲",
            "text": "他们说你儿子在我们平台欠钱不还",
            "occurred_at": "2025-05-12T20:00:00+08:00",
        },
        **alice_api,
    )
    ManualEvent.objects.create(
        case=alice_case,
        kind="call",
        number="16512345678",
        created_by=alice,
        occurred_at=datetime(2025, 5, 12, 7, 30, tzinfo=SH),
    )

    for number in ("13812345678", "17012345678", "16512345678"):
        confirm_collector(client, alice_case, alice_api, number)
    # Words in the evidence count only once the user confirmed who said them (and, for speech, the words).
    r = client.patch(
        f"/api/v1/evidence/{recording.id}/transcript",
        {"segments": [{"id": 0, "speaker": "collector", "text": "明天就去你单位找你"}]},
        content_type="application/json",
        **alice_api,
    )
    assert r.status_code == 200, r.content
    r = client.patch(
        f"/api/v1/evidence/{shot.id}/ocr",
        {"lines": [{"id": 0, "speaker": "collector"}]},
        content_type="application/json",
        **alice_api,
    )
    assert r.status_code == 200, r.content

    findings = {f["rule"]: f for f in client.get(f"/api/v1/cases/{alice_case.id}/findings", **alice_api).json()}
    per_day = findings["cn-calls-per-day"]
    # Three answered calls in the log and the recording: the manual call is not known to have been answered.
    assert per_day["count"] == 1 and per_day["worst_days"] == [{"date": "2025-05-12", "calls": 4, "party": ""}]
    assert str(log.id) in per_day["evidence"] and str(recording.id) in per_day["evidence"]
    assert "GB/T 45251—2025）》（推荐性国家标准，非法律）" in per_day["provision"]
    assert findings["cn-harassment"]["examples"][0]["where"] == {"start": 12.0, "end": 19.0, "segment": 0}
    assert findings["cn-insult"]["evidence"] == [str(shot.id)]
    assert findings["cn-disclosure"]["count"] == 1 and findings["cn-third-party"]["count"] == 1
    assert findings["cn-quiet-hours"]["count"] == 3  # 23:15 recording, 01:15 message, 07:30 manual call
    assert findings["cn-virtual-numbers"]["count"] == 2  # 170 and 165

    events = client.get(f"/api/v1/cases/{alice_case.id}/events", **alice_api).json()
    assert len([e for e in events if e["kind"] == "call"]) == 5
    client.force_login(alice)
    page = client.get(f"/cases/{alice_case.id}/").content.decode()
    assert per_day["title"] in page and "<svg" in page and f"/items/{recording.id}/#t-0" in page


def test_a_new_call_changes_the_findings(client, alice, alice_case, alice_api):
    def per_day():
        found = client.get(f"/api/v1/cases/{alice_case.id}/findings", **alice_api).json()
        return [f["count"] for f in found if f["rule"] == "cn-calls-per-day"]

    for hour in (9, 10, 11):
        ManualEvent.objects.create(
            case=alice_case,
            kind="call",
            number="13812345678",
            created_by=alice,
            occurred_at=datetime(2025, 5, 12, hour, tzinfo=SH),
            connected=True,
        )
    confirm_collector(client, alice_case, alice_api, "13812345678")
    assert per_day() == []
    client.force_login(alice)
    r = client.post(
        f"/cases/{alice_case.id}/events/new/",
        {"kind": "call", "number": "13812345678", "connected": "on", "occurred_at": "2025-05-12T12:00"},
    )
    assert r.status_code == 302
    assert per_day() == [1] and per_day() == [1]


def test_a_us_case_uses_the_us_rules(client, alice_case, alice, alice_api):
    alice_case.jurisdiction = "US"
    alice_case.save()
    ManualEvent.objects.create(
        case=alice_case,
        kind="call",
        number="2125550100",
        created_by=alice,
        occurred_at=datetime(2025, 5, 12, 21, 30, tzinfo=ZoneInfo("America/New_York")),
    )
    confirm_collector(client, alice_case, alice_api, "2125550100")
    rules = [f["rule"] for f in client.get(f"/api/v1/cases/{alice_case.id}/findings", **alice_api).json()]
    assert rules == ["us-inconvenient-time"]


def test_bob_gets_404_for_findings_events_and_the_manual_event_page(client, alice_case, bob, bob_api):
    for url in (f"/api/v1/cases/{alice_case.id}/findings", f"/api/v1/cases/{alice_case.id}/events"):
        assert client.get(url, **bob_api).status_code == 404
    client.force_login(bob)
    assert client.get(f"/cases/{alice_case.id}/events/new/").status_code == 404
    assert client.post(f"/cases/{alice_case.id}/events/new/", {"kind": "call"}).status_code == 404
    assert not ManualEvent.objects.exists()
