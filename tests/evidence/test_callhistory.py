"""Call-history screenshots (通话记录) of four makers' dialers, light and dark, read with rapidocr."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from evidence.processing.callhistory import read_call_history, read_when
from evidence.processing.ocr import ocr_lines
from tests.callhistory_images import Row, render

SH = ZoneInfo("Asia/Shanghai")
# Thursday 12 October 2023; the status bar says 10:24.
TAKEN = datetime(2023, 10, 12, 9, 0, tzinfo=SH)
ROWS = [
    Row("138 0013 8000", "广东深圳 移动", "10:05", missed=True),
    Row("张三", "呼入 1分20秒", "昨天 23:47"),
    Row("021-55558888", "上海 电信", "星期二 08:15"),
    Row("李经理 (3)", "未接", "10-08 22:30", missed=True),
    Row("17012345678", "呼出 35秒", "2023/09/30 12:00"),
]
EXPECTED = [
    # number, contact, at, derived, direction, duration, count
    ("13800138000", "", datetime(2023, 10, 12, 10, 5, tzinfo=SH), True, "missed", None, 1),
    ("", "张三", datetime(2023, 10, 11, 23, 47, tzinfo=SH), True, "incoming", 80, 1),
    ("02155558888", "", datetime(2023, 10, 10, 8, 15, tzinfo=SH), True, "", None, 1),
    ("", "李经理", datetime(2023, 10, 8, 22, 30, tzinfo=SH), True, "missed", None, 3),
    ("17012345678", "", datetime(2023, 9, 30, 12, 0, tzinfo=SH), False, "outgoing", 35, 1),
]

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("layout,dark", [("xiaomi", False), ("huawei", True), ("oppo", False), ("vivo", True)])
def test_each_row_of_a_dialers_call_history_is_one_call(tmp_path, layout, dark):
    path = render(layout, ROWS, tmp_path / f"Screenshot_{layout}.png", dark=dark)
    with Image.open(path) as image:
        rows = read_call_history(ocr_lines(str(path)), image, TAKEN, SH)
    got = [
        (r["number"], r["contact"], r["at"], r["derived_date"], r["direction"], r["duration_s"], r["count"])
        for r in rows
    ]
    assert got == EXPECTED
    assert [r["row"] for r in rows] == [1, 2, 3, 4, 5]
    # Each row's box covers its own band of the picture, top to bottom, without overlap.
    boxes = [r["box"] for r in rows]
    assert all(a[3] < b[1] for a, b in zip(boxes, boxes[1:], strict=False))
    assert [r["red"] for r in rows] == [True, False, False, True, False]


def test_a_chat_screenshot_is_not_a_call_history(tmp_path):
    from tests.evidence.test_ocr import render as render_chat

    path = render_chat(
        ["13812345678", "昨天 23:47", "你再不还钱，我们就去你单位", "今天 01:15", "明天上门"], tmp_path / "chat.png"
    )
    with Image.open(path) as image:
        assert read_call_history(ocr_lines(str(path)), image, TAKEN, SH) == []


@pytest.mark.parametrize(
    "text,at,derived",
    [
        ("昨天 23:47", datetime(2023, 10, 11, 23, 47, tzinfo=SH), True),
        ("前天 下午3:05", datetime(2023, 10, 10, 15, 5, tzinfo=SH), True),
        ("周日 08:00", datetime(2023, 10, 8, 8, 0, tzinfo=SH), True),
        ("星期四 08:00", datetime(2023, 10, 5, 8, 0, tzinfo=SH), True),  # a weekday name is never today
        ("星期— 22:30", datetime(2023, 10, 9, 22, 30, tzinfo=SH), True),  # 一 read as a dash
        ("12-25 20:00", datetime(2022, 12, 25, 20, 0, tzinfo=SH), True),  # a later month-day is last year's
        ("2023年10月1日 07:30", datetime(2023, 10, 1, 7, 30, tzinfo=SH), False),
        ("5分钟前", datetime(2023, 10, 12, 8, 55, tzinfo=SH), True),
    ],
)
def test_relative_dates_are_worked_out_from_the_pictures_own_date(text, at, derived):
    when = read_when(text, TAKEN, SH)
    assert (when.at, when.derived) == (at, derived)


def test_a_date_without_a_time_keeps_the_day_only():
    when = read_when("昨天", TAKEN, SH)
    assert when.at is None and when.day.isoformat() == "2023-10-11"


def test_a_scanned_pdf_of_a_call_history_is_read_page_by_page(tmp_path):
    from types import SimpleNamespace

    from evidence.processing.calltables import read_rows

    shot = render("huawei", ROWS, tmp_path / "page.png")
    pdf = tmp_path / "扫描件.pdf"
    with Image.open(shot) as image:
        image.convert("RGB").save(pdf, "PDF", resolution=150)  # a scan: pictures only, no text layer
    item = SimpleNamespace(
        mime="application/pdf", occurred_at=TAKEN, metadata={}, original_filename=pdf.name, received_at=TAKEN
    )
    rows, source, facts = read_rows(item, str(pdf), SH)
    assert source == "call_screenshot" and facts["scanned"] and facts["reference_from"] == "user"
    assert [r["row"] for r in rows] == ["p1 r1", "p1 r2", "p1 r3", "p1 r4", "p1 r5"]
    assert [(r["number"], r["contact"], r["at"]) for r in rows] == [
        (number, contact, at.isoformat()) for number, contact, at, *_ in EXPECTED
    ]
