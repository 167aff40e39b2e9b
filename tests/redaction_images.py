"""A chat screenshot for the redaction tests, drawn at a real phone's size (1080 × 2400, JPEG with
EXIF, about 300 KB): Chinese messages that hold a relative's name and number and an ID card number,
and a photo of a real face.

The face is NASA's portrait of astronaut Eileen Collins (public domain, a work of the US federal
government), as shipped inside scikit-image's wheel (skimage/data/astronaut.png): nothing is
downloaded."""

import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
RELATIVE_NAME = "王秀兰"
RELATIVE_NUMBER = "13812345678"
COLLECTOR_NUMBER = "17012349876"


def valid_id_number(first17: str = "11010519491231002") -> str:
    """An 18-digit resident ID number with the right check character."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11]


ID_NUMBER = valid_id_number()
MESSAGES = [
    ("left", "你再不还钱，我们就联系你妈" + RELATIVE_NAME),
    ("left", "她的电话" + RELATIVE_NUMBER + "我们已经打过了"),
    ("right", "请不要骚扰我的家人"),
    ("left", "你的身份证号" + ID_NUMBER + "我们都有"),
    ("left", "明天上门找你，爆你通讯录"),
]
# Where the face photo is pasted, and its size: the test checks these pixels.
PHOTO_AT, PHOTO_SIZE = (300, 1500), 600


def astronaut() -> Image.Image:
    from skimage import data

    return Image.fromarray(data.astronaut())


def _messages_at(draw: ImageDraw.ImageDraw, font) -> list[tuple[str, str, float, int]]:
    """(side, text, x, y) of each message bubble's text, as the screenshot lays them out."""
    placed = []
    for n, (side, text) in enumerate(MESSAGES):
        width = draw.textlength(text, font=font)
        placed.append((side, text, 180 if side == "left" else 1080 - 180 - width, 300 + 210 * n))
    return placed


def drawn_box(part: str) -> tuple[int, int, int, int]:
    """Where the ink of `part` (some words of one message) lies in the screenshot: (x0, y0, x1, y1)."""
    draw = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    font = ImageFont.truetype(FONT, 42)
    _side, text, x, y = next(m for m in _messages_at(draw, font) if part in m[1])
    left = x + draw.textlength(text[: text.index(part)], font=font)
    x0, y0, x1, y1 = draw.textbbox((left, y), part, font=font)
    return int(x0), int(y0), int(x1 + 0.999), int(y1 + 0.999)


def chat_screenshot(path: Path) -> Path:
    """Draw the screenshot and save it as a JPEG with the EXIF a phone writes."""
    image = Image.new("RGB", (1080, 2400), (237, 237, 237))
    draw = ImageDraw.Draw(image)
    font, small = ImageFont.truetype(FONT, 42), ImageFont.truetype(FONT, 36)
    draw.text((60, 24), "22:47", font=small, fill=(20, 20, 20))
    draw.text((850, 24), "5G 76%", font=small, fill=(20, 20, 20))
    draw.text((430, 130), "催收-李经理", font=font, fill=(20, 20, 20))
    for side, text, x, y in _messages_at(draw, font):
        width = draw.textlength(text, font=font)
        draw.rounded_rectangle(
            (x - 24, y - 18, x + width + 24, y + 74),
            radius=14,
            fill=(255, 255, 255) if side == "left" else (149, 236, 105),
        )
        draw.text((x, y), text, font=font, fill=(20, 20, 20))
        avatar_x = 40 if side == "left" else 1080 - 140
        draw.rounded_rectangle((avatar_x, y - 18, avatar_x + 100, y + 82), radius=10, fill=(120, 140, 170))
    image.paste(astronaut().resize((PHOTO_SIZE, PHOTO_SIZE)), PHOTO_AT)
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0132] = "Xiaomi", "23013RK75C", "2026:11:30 22:47:10"
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=95, exif=exif.tobytes())
    path.write_bytes(buf.getvalue())
    return path
