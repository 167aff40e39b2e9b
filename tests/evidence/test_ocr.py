from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from PIL import Image, ImageDraw, ImageFont

from evidence.processing.ocr import extract_message_times, extract_phone_numbers, ocr_lines

SH = ZoneInfo("Asia/Shanghai")
CJK_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


def render(lines: list[str], path) -> str:
    """Draw Chinese text lines into a PNG, like a chat screenshot."""
    font = ImageFont.truetype(CJK_FONT, 28)
    image = Image.new("RGB", (720, 60 + 56 * len(lines)), "white")
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((24, 30 + 56 * i), line, font=font, fill="black")
    image.save(path)
    return str(path)


@pytest.mark.slow
def test_chinese_text_and_times_come_back_from_a_screenshot(tmp_path):
    path = render(["2023年5月12日 23:47", "你再不还钱就去你单位找你", "来电 13812345678"], tmp_path / "chat.png")
    lines = ocr_lines(path)
    text = "\n".join(line.text for line in lines)
    assert "不还钱" in text and "单位" in text
    assert extract_phone_numbers(text) == ["13812345678"]
    times = extract_message_times(text, date(2023, 5, 13))
    assert times[0]["at"] == datetime(2023, 5, 12, 23, 47, tzinfo=SH)
    assert all(0 <= line.confidence <= 1 and len(line.box) == 4 for line in lines)


REF = date(2023, 5, 13)  # a Saturday


@pytest.mark.parametrize(
    "text,expected",
    [
        ("2023年5月12日 23:47", datetime(2023, 5, 12, 23, 47)),
        ("2023/05/12 23:47", datetime(2023, 5, 12, 23, 47)),
        ("5月12日 下午11:47", datetime(2023, 5, 12, 23, 47)),
        ("昨天 01:15", datetime(2023, 5, 12, 1, 15)),
        ("前天 8:03", datetime(2023, 5, 11, 8, 3)),
        ("星期二 21:10", datetime(2023, 5, 9, 21, 10)),
        ("23:47", datetime(2023, 5, 13, 23, 47)),
        ("12月30日 09:00", datetime(2022, 12, 30, 9, 0)),
    ],
)
def test_message_times_in_the_forms_phones_show(text, expected):
    assert [t["at"] for t in extract_message_times(text, REF)] == [expected.replace(tzinfo=SH)]


def test_impossible_times_are_ignored():
    assert extract_message_times("25:99 and 2023年13月40日 10:00", REF) == []


@pytest.mark.parametrize(
    "text,numbers",
    [
        ("催收 138-1234-5678 和 +86 139 0000 1111", ["13812345678", "13900001111"]),
        ("座机 021-55558888，客服95588", ["02155558888", "95588"]),
        ("短信 1069012345678 来自 +852 91234567", ["1069012345678", "+85291234567"]),
        ("金额 12345 元，订单 20230512", []),
    ],
)
def test_phone_numbers_in_screenshot_text(text, numbers):
    assert extract_phone_numbers(text) == numbers
