"""Call-history screenshots (通话记录) drawn the way the makers' dialers draw them, for tests.

Each layout is a 1080-pixel-wide phone screenshot with a status bar clock, the dialer's title and
list rows: the name or number (red when missed), a second line with a label or the location,
and the date or time on the right. Fonts: Noto Sans CJK (Debian's fonts-noto-cjk)."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
RED = (232, 59, 59)


@dataclass
class Row:
    title: str  # name or number as the dialer shows it
    second: str  # the line below: location, label, duration
    when: str  # the right-hand date or time
    missed: bool = False


def _font(size: int):
    return ImageFont.truetype(FONT, size)


def render(layout: str, rows: list[Row], path: Path, *, clock: str = "10:24", dark: bool = False) -> Path:
    """Draw `rows` in the layout of `layout` (xiaomi, huawei, oppo, vivo) and save a PNG."""
    bg, fg, grey = (
        ((0, 0, 0), (235, 235, 235), (150, 150, 150)) if dark else ((255, 255, 255), (20, 20, 20), (130, 130, 130))
    )
    style: dict[str, Any] = {
        "xiaomi": {"title": "电话", "tabs": "拨号    联系人    营业厅", "pitch": 190, "name": 50, "small": 36},
        "huawei": {"title": "通话记录", "tabs": "全部通话    未接来电", "pitch": 200, "name": 48, "small": 36},
        "oppo": {"title": "通话", "tabs": "全部    未接", "pitch": 180, "name": 48, "small": 34},
        "vivo": {"title": "最近通话", "tabs": "全部    未接", "pitch": 185, "name": 50, "small": 36},
    }[layout]
    height = 2400
    image = Image.new("RGB", (1080, height), bg)
    draw = ImageDraw.Draw(image)
    draw.text((60, 22), clock, font=_font(38), fill=fg)
    draw.text((860, 22), "5G 87%", font=_font(34), fill=fg)
    draw.text((60, 150), style["title"], font=_font(72), fill=fg)
    draw.text((60, 270), style["tabs"], font=_font(40), fill=grey)
    y = 380
    for row in rows:
        x = 150 if layout in ("xiaomi", "vivo") else 60
        if layout in ("xiaomi", "vivo"):  # a round avatar on the left
            draw.ellipse((40, y + 20, 120, y + 100), fill=(200, 210, 230) if not dark else (60, 70, 90))
        draw.text((x, y + 10), row.title, font=_font(style["name"]), fill=RED if row.missed else fg)
        draw.text((x, y + 85), row.second, font=_font(style["small"]), fill=grey)
        when_font = _font(style["small"])
        width = draw.textlength(row.when, font=when_font)
        when_y = y + 30 if layout != "huawei" else y + 20
        draw.text((1080 - 90 - width, when_y), row.when, font=when_font, fill=grey)
        draw.text((1080 - 60, when_y), "ⓘ" if layout != "oppo" else "›", font=when_font, fill=grey)
        draw.line(
            (x, y + style["pitch"] - 10, 1040, y + style["pitch"] - 10),
            fill=(60, 60, 60) if dark else (235, 235, 235),
            width=2,
        )
        y += style["pitch"]
    image.save(path)
    return path
