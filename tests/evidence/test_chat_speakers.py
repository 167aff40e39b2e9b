"""Chat screenshots: who wrote each line from the side of its bubble, and message days read against the
screenshot's own date, marked as worked out until the user confirms them."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from PIL import Image, ImageDraw, ImageFont

from evidence.processing.screen_dates import exif_day, reference_day
from evidence.speakers import bubble_side

CJK_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
SH = ZoneInfo("Asia/Shanghai")
WIDTH = 1080


def chat_png(path, status_bar: str) -> bytes:
    """A phone-sized chat screenshot, laid out as WeChat does: the other party's grey bubbles on the
    left, the owner's green bubbles on the right, the time in the middle, the date in the status bar."""
    font, small = ImageFont.truetype(CJK_FONT, 40), ImageFont.truetype(CJK_FONT, 30)
    image = Image.new("RGB", (WIDTH, 1600), "#ededed")
    draw = ImageDraw.Draw(image)
    draw.text((40, 20), status_bar, font=small, fill="black")
    draw.text((WIDTH // 2 - 90, 300), "昨天 01:15", font=small, fill="#999999")
    for y, text, right in (
        (400, "你这个老赖赶紧还钱", False),
        (560, "我已经在还了", True),
        (720, "不还就去你单位", False),
    ):
        width = draw.textlength(text, font=font)
        x = WIDTH - 140 - width if right else 140
        draw.rounded_rectangle((x - 30, y - 20, x + width + 30, y + 70), 12, fill="#95ec69" if right else "white")
        draw.text((x, y), text, font=font, fill="black")
    image.save(path)
    return path.read_bytes()


def test_a_bubble_on_the_left_is_the_other_party_and_on_the_right_the_owner():
    assert bubble_side([[140, 400], [500, 400], [500, 450], [140, 450]], WIDTH) == "left"
    assert bubble_side([[700, 560], [940, 560], [940, 610], [700, 610]], WIDTH) == "right"
    assert bubble_side([[450, 300], [630, 300], [630, 340], [450, 340]], WIDTH) == "middle"
    assert bubble_side([[40, 400], [1040, 400], [1040, 450], [40, 450]], WIDTH) == "middle"  # a full-width line
    assert bubble_side([[140, 400], [500, 400]], None) == "middle"  # no image size, no guess


def test_the_day_comes_from_exif_then_status_bar_then_the_user_and_only_last_the_upload():
    received = datetime(2025, 6, 1, 10, tzinfo=SH)
    lines = [{"text": "2025/5/13 周二 09:12", "box": [[40, 20], [400, 20], [400, 60], [40, 60]]}]
    meta = {"image": {"height": 1600, "exif": {"DateTime": "2025:05:20 09:00:00"}}}
    assert reference_day(meta, lines, None, received) == (date(2025, 5, 20), "exif")
    assert reference_day({"image": {"height": 1600}}, lines, None, received) == (date(2025, 5, 13), "status_bar")
    user = datetime(2025, 5, 14, 8, tzinfo=SH)
    assert reference_day({"image": {"height": 1600}}, [], user, received) == (date(2025, 5, 14), "user")
    assert reference_day({"image": {"height": 1600}}, [], None, received) == (date(2025, 6, 1), "upload")
    assert exif_day({"DateTime": "0000:00:00 00:00:00"}) is None


@pytest.mark.slow
@pytest.mark.django_db
def test_a_chat_screenshot_gets_speakers_and_a_worked_out_date(send, client, alice, alice_api, alice_case, tmp_path):
    item = send("wechat.png", chat_png(tmp_path / "wechat.png", "2025/5/13 周二 09:12"), "screenshot")
    assert item.status == "ready", item.status_detail
    body = client.get(f"/api/v1/evidence/{item.id}", **alice_api).json()
    speakers = {line["text"]: line["speaker"] for line in body["ocr"]["lines"]}
    assert speakers["你这个老赖赶紧还钱"] == "collector" and speakers["我已经在还了"] == "victim"
    assert next(s for t, s in speakers.items() if "01:15" in t) == "unknown"
    item.ocr.refresh_from_db()
    assert item.ocr.reference_basis == "status_bar"
    assert item.ocr.message_times[0]["at"] == "2025-05-12T01:15:00+08:00" and item.ocr.message_times[0]["estimated"]

    # Suggested is not confirmed: nothing counts, the case page lists it to check, with the date marked.
    findings = client.get(f"/api/v1/cases/{alice_case.id}/findings", **alice_api).json()
    assert not [f for f in findings if f["rule"] == "cn-insult"]
    client.force_login(alice)
    page = client.get(f"/cases/{alice_case.id}/").content.decode()
    assert "你这个老赖赶紧还钱" in page and "pending-phrases" in page
    assert "推算，待核对" in page or "worked out, to be checked" in page

    line = next(i for i, row in enumerate(body["ocr"]["lines"]) if row["text"] == "你这个老赖赶紧还钱")
    r = client.post(f"/items/{item.id}/ocr-speaker/", {"id": line, "speaker": "collector"})
    assert r.status_code == 302
    findings = client.get(f"/api/v1/cases/{alice_case.id}/findings", **alice_api).json()
    assert [f["evidence"] for f in findings if f["rule"] == "cn-insult"] == [[str(item.id)]]
    r = client.post(f"/items/{item.id}/message-times/")
    assert r.status_code == 302
    page = client.get(f"/cases/{alice_case.id}/").content.decode()
    assert "badge estimated" not in page


@pytest.mark.slow
@pytest.mark.django_db
def test_the_owner_gives_the_screenshots_day_and_the_times_are_worked_out_again(send, client, alice, tmp_path):
    item = send("sms.png", chat_png(tmp_path / "sms.png", "中国移动 4G"), "screenshot")  # no date on screen
    item.ocr.refresh_from_db()
    assert item.ocr.reference_basis == "upload"  # said, never silent
    client.force_login(alice)
    assert "上传当天" in client.get(f"/items/{item.id}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    r = client.post(f"/items/{item.id}/message-times/", {"day": "2025-05-13"})
    assert r.status_code == 302
    item.ocr.refresh_from_db()
    assert (item.ocr.reference_basis, item.ocr.reference_date) == ("user", date(2025, 5, 13))
    assert item.ocr.message_times[0]["at"] == "2025-05-12T01:15:00+08:00" and item.ocr.times_confirmed_at
    assert item.custody_events.filter(action="message_times_confirmed").count() == 1
