"""A victim's real sources through upload and processing: the carrier's record (XLSX), a picture of the
dialer's call history and a recording named by the phone's recorder give one call, seen three ways."""

from datetime import datetime, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.template.loader import render_to_string
from django.utils import translation

from evidence.bundle.services import bundle_context
from evidence.models import Bundle, BundleItem, CustodyEvent
from tests.audio_samples import encode, speak
from tests.callhistory_images import Row, render

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
SH = ZoneInfo("Asia/Shanghai")
UNMATCHED = "未找到对应的通话记录：建议上传通话记录截图或运营商详单"


def carrier_xlsx() -> bytes:
    """October's record from 10086: 60 calls, one of them the night call of 11 October."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["中国移动通信 客户详单", "", "查询月份：2023年10月"])
    sheet.append(["起始时间", "通信地点", "通信方式", "对方号码", "通信时长", "通信类型"])
    start = datetime(2023, 10, 1, 9, 0, 5)
    for i in range(60):
        sheet.append(
            [
                (start + timedelta(hours=7 * i)).strftime("%Y-%m-%d %H:%M:%S"),
                "广东深圳",
                "被叫",
                f"1390013{9000 + i}",
                f"{i % 3}分{i % 50:02d}秒",
                "本地通话",
            ]
        )
    sheet.append(["2023-10-11 23:47:05", "广东深圳", "被叫", "13800138000", "1分22秒", "本地通话"])
    buf = BytesIO()
    book.save(buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def recording(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rec")
    first = speak("This is the collection department. Pay today or we will call your family.", folder / "a.wav")
    second = speak("We know where you work. We will visit your office tomorrow.", folder / "b.wav")
    return encode(first, folder / "a.mp3", "mp3").read_bytes(), encode(second, folder / "b.mp3", "mp3").read_bytes()


def test_one_call_seen_three_ways_is_one_event_and_a_lone_recording_is_flagged(
    client, alice, alice_case, alice_api, send, recording, tmp_path
):
    carrier = send("详单_202310.xlsx", carrier_xlsx(), "call_log")
    assert carrier.status == "ready", carrier.status_detail
    assert carrier.metadata["call_log_source"] == "carrier" and len(carrier.metadata["call_log"]) == 61

    shot = render(
        "xiaomi",
        [Row("138 0013 8000", "呼入 1分20秒", "昨天 23:47"), Row("李经理", "未接", "星期一 22:30", missed=True)],
        tmp_path / "Screenshot_2023-10-12-10-24-33-123_com.android.contacts.png",
    )
    picture = send(shot.name, shot.read_bytes(), "screenshot")
    assert picture.status == "ready", picture.status_detail
    assert picture.metadata["reference_from"] == "filename"
    rows = picture.metadata["call_log"]
    assert [(r["number"], r["contact"], r["at"], r["derived_date"]) for r in rows] == [
        ("13800138000", "", "2023-10-11T23:47:00+08:00", True),
        ("", "李经理", "2023-10-09T22:30:00+08:00", True),
    ]

    matched = send("通话录音@13800138000(13800138000)_20231011234712.mp3", recording[0], "call_recording")
    assert matched.metadata["filename"]["maker"] == "miui"
    lone = send("通话录音@张三(13700137000)_20231005120000.mp3", recording[1], "call_recording")

    events = client.get(f"/api/v1/cases/{alice_case.id}/events", **alice_api).json()
    night = [e for e in events if e["number"] == "13800138000"]
    assert len(night) == 1
    call = night[0]
    assert sorted(s["kind"] for s in call["sources"]) == ["call_screenshot", "carrier", "recording"]
    by_kind = {s["kind"]: s for s in call["sources"]}
    assert by_kind["carrier"]["item"] == str(carrier.pk) and by_kind["carrier"]["row"] == 63
    assert by_kind["call_screenshot"]["row"] == 1 and len(by_kind["call_screenshot"]["box"]) == 4
    assert by_kind["recording"]["second"] == 0
    # The carrier's record outranks the others; its date was read, not worked out.
    assert call["start"].startswith("2023-10-11T23:47:05") and call["duration"] == 82
    assert call["direction"] == "incoming" and call["connected"] is True and call["derived_date"] is False
    assert len(events) == 61 + 1 + 1  # the carrier's calls, the missed call in the picture, the lone recording

    client.force_login(alice)
    page = client.get(f"/items/{matched.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f"/items/{carrier.pk}/#call-63" in page and UNMATCHED not in page
    assert UNMATCHED in client.get(f"/items/{lone.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    timeline = client.get(f"/cases/{alice_case.id}/timeline/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert timeline.count(UNMATCHED) == 1 and lone.original_filename in timeline
    assert f"/items/{picture.pk}/#call-1" in timeline and f"/items/{matched.pk}/#t-0" in timeline

    # The bundle prints, for each recording, the exhibit and row of the record that shows the same call.
    bundle = Bundle.objects.create(case=alice_case, created_by=alice)
    for position, item in enumerate([carrier, picture, matched, lone], start=1):
        BundleItem.objects.create(bundle=bundle, item=item, position=position)
    context = bundle_context(bundle)
    by_item = {e.item.pk: e for e in context["exhibits"]}
    assert [(c["exhibit"], c["row"]) for c in by_item[matched.pk].corroboration] == [("1", 63), ("2", 1)]
    assert by_item[lone.pk].corroboration == [] and by_item[carrier.pk].corroboration is None
    with translation.override("zh-hans"):
        html = render_to_string("bundle/bundle.html", context)
    assert (
        "<th>相互印证的通话记录</th><td>证据1（运营商详单）第 63 行，2023-10-11 23:47:05；证据2（通话记录截图）第 1 行"
        in html
    )
    assert html.count("本证据包中没有显示该次通话的通话记录；建议补充手机通话记录截图或运营商通话详单") == 1
    assert "运营商通话详单（第三方数据" in html and "2023-10-11T23:47:00（推算）" in html


def test_the_owner_corrects_a_row_read_from_a_picture(client, alice, alice_case, send, tmp_path):
    shot = render(
        "huawei",
        [Row("138 0013 8000", "未接", "星期二 08:15", missed=True), Row("021-55558888", "上海 电信", "昨天 09:00")],
        tmp_path / "Screenshot_20231012_102433.png",
    )
    picture = send(shot.name, shot.read_bytes(), "call_log")
    assert picture.metadata["call_log_source"] == "call_screenshot"
    client.force_login(alice)
    r = client.post(
        f"/items/{picture.pk}/calls/1/",
        {"number": "138 0013 8001", "at": "2023-10-10 08:16", "direction": "missed", "duration_s": ""},
    )
    assert r.status_code == 302
    picture.refresh_from_db()
    assert picture.metadata["call_log"][0]["number"] == "13800138000"  # what was read stays
    record = CustodyEvent.objects.get(item=picture, action="call_row_corrected")
    assert record.detail["read"]["number"] == "13800138000" and record.detail["corrected"]["number"] == "13800138001"
    events = client.get(f"/api/v1/cases/{alice_case.id}/events").json()
    fixed = next(e for e in events if e["number"] == "13800138001")
    assert fixed["start"].startswith("2023-10-10T08:16:00+08:00") and fixed["derived_date"] is False
    assert client.post(f"/items/{picture.pk}/calls/9/", {"number": "1"}).status_code == 404


def test_an_iphone_recording_asks_for_its_number_and_then_meets_its_call(client, alice, alice_case, send, recording):
    log = send(
        "calls.csv", "号码,类型,通话时间,通话时长\n13800138000,来电,2023-10-11 23:47:05,1分22秒\n".encode(), "call_log"
    )
    assert log.metadata["call_log_source"] == "call_log"
    phone = send("通话录音 王经理.m4a", recording[0], "call_recording", occurred_at="2023-10-11T23:47:30+08:00")
    assert phone.metadata["filename"]["ask_number"] and phone.counterparty_number == ""
    client.force_login(alice)
    page = client.get(f"/items/{phone.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "从 iPhone 导出的录音文件名中没有电话号码" in page and UNMATCHED in page
    assert client.post(f"/items/{phone.pk}/number/", {"number": "138 0013 8000"}).status_code == 302
    phone.refresh_from_db()
    assert phone.counterparty_number == "13800138000"
    assert CustodyEvent.objects.get(item=phone, action="number_given").detail["number"] == "13800138000"
    page = client.get(f"/items/{phone.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert UNMATCHED not in page and f"/items/{log.pk}/#call-2" in page
