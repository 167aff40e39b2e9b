"""Finding what a copy must hide, and making the copy: plain Python (no Django, no Celery).

Text is redacted by replacing spans with REDACTED; images by painting solid boxes over the
pixels and encoding a fresh PNG from the painted pixels alone (no EXIF, no text chunks, no
layers), so nothing of what was hidden is left in the file.
"""

import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

REDACTED = "［已遮盖］"
FILL = (0, 0, 0)

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# 18-digit resident ID numbers, also written in groups (110105 19491231 002X).
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{6})[ -]?(\d{8})[ -]?(\d{3}[0-9Xx])(?![0-9A-Za-z])")


def id_checksum_ok(number: str) -> bool:
    """True when the 18th character of a resident ID number is the ISO 7064 check of the other 17."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17].upper()


def find_id_numbers(text: str) -> list[tuple[int, int, str]]:
    """(start, end, number) of each resident ID number in `text` whose check character is right."""
    found = []
    for match in ID_NUMBER.finditer(text):
        number = "".join(match.groups()).upper()
        if id_checksum_ok(number):
            found.append((match.start(), match.end(), number))
    return found


def number_pattern(number: str) -> re.Pattern:
    """A pattern for a phone number however it is written: 13812345678, 138 1234 5678, +86 138-1234-5678."""
    digits = re.sub(r"\D", "", number)
    body = r"[\s\-]?".join(re.escape(d) for d in digits)
    return re.compile(r"(?<!\d)(?:\+?86[\s\-]?)?" + body + r"(?!\d)")


def find_values(text: str, numbers: Iterable[str], names: Iterable[str]) -> list[tuple[int, int, str, str]]:
    """(start, end, kind, value) of each number ("number"), name ("name") and ID number ("id_number") in `text`."""
    spans = [(s, e, "id_number", v) for s, e, v in find_id_numbers(text)]
    for number in numbers:
        if len(re.sub(r"\D", "", number)) >= 5:
            spans += [(m.start(), m.end(), "number", number) for m in number_pattern(number).finditer(text)]
    for name in names:
        if len(name) >= 2:
            spans += [(m.start(), m.end(), "name", name) for m in re.finditer(re.escape(name), text)]
    return sorted(spans)


def merge_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping or touching spans joined, in order."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        elif end > start:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def redact_text(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """`text` with each span replaced by REDACTED (one mark for joined spans)."""
    out, at = [], 0
    for start, end in merge_spans(spans):
        out += [text[at:start], REDACTED]
        at = end
    return "".join(out) + text[at:]


def _width(char: str) -> float:
    # In phone fonts a CJK character is about twice as wide as a digit or a Latin letter.
    return 2.0 if unicodedata.east_asian_width(char) in "WF" else 1.0


def span_box(text: str, box: Sequence[Sequence[float]], start: int, end: int) -> list[int]:
    """The part of an OCR line's box that holds characters start..end, padded by about one
    character on each side (OCR boxes and glyph widths are approximate), as [x0, y0, x1, y1]."""
    xs, ys = [p[0] for p in box], [p[1] for p in box]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    widths = [_width(c) for c in text] or [1.0]
    unit = (x1 - x0) / sum(widths)
    left = x0 + sum(widths[:start]) * unit - 2 * unit
    right = x0 + sum(widths[:end]) * unit + 2 * unit
    pad = (y1 - y0) * 0.15
    return [int(max(x0, left)), int(y0 - pad), int(min(x1, right) + 0.999), int(y1 + pad + 0.999)]


class UnreadableImage(Exception):
    """Pillow cannot decode the image (a format it lacks, or damaged data)."""


def _open_rgb(path: str, mode: str = "RGB"):
    """The image's first frame in `mode`; raise UnreadableImage when it cannot be decoded."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as img:
            img.seek(0)
            return img.convert(mode)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise UnreadableImage(str(exc)) from exc


@dataclass(frozen=True)
class Face:
    box: list[int]  # [x0, y0, x1, y1]


@lru_cache(maxsize=1)
def _face_cascade():
    # scikit-image ships OpenCV's LBP frontal-face cascade inside its wheel: nothing is downloaded.
    from skimage import data
    from skimage.feature import Cascade

    return Cascade(data.lbp_frontal_face_cascade_filename())


def detect_faces(path: str, min_size: int = 24) -> list[Face]:
    """Faces (and face-like avatars) in an image, as boxes padded by a fifth of their size.

    The image is searched at most 720 pixels wide (a phone screenshot's avatars stay findable)."""
    import numpy as np

    grey = _open_rgb(path, "L")
    scale = min(1.0, 720 / grey.width)
    if scale < 1.0:
        grey = grey.resize((round(grey.width * scale), round(grey.height * scale)))
    found = _face_cascade().detect_multi_scale(
        img=np.asarray(grey, dtype=np.float64) / 255.0,
        scale_factor=1.2,
        step_ratio=1,
        min_size=(min_size, min_size),
        max_size=(grey.width, grey.height),
    )
    faces = []
    for f in found:
        pad_w, pad_h = f["width"] * 0.2, f["height"] * 0.2
        box = [f["c"] - pad_w, f["r"] - pad_h, f["c"] + f["width"] + pad_w, f["r"] + f["height"] + pad_h]
        faces.append(Face([max(0, round(v / scale)) for v in box]))
    return faces


def redact_image(path: str, boxes: Iterable[Sequence[float]], footer: str = "") -> bytes:
    """A new PNG of the image with every box painted solid FILL, and `footer` (ASCII) in a band below.

    Only the painted pixels are written: no EXIF, ICC, text chunks, frames or transparency of the
    original come along."""
    from PIL import Image, ImageDraw

    pixels = _open_rgb(path)
    band = 28 if footer else 0
    out = Image.new("RGB", (pixels.width, pixels.height + band), (255, 255, 255))
    out.paste(pixels, (0, 0))
    draw = ImageDraw.Draw(out)
    for x0, y0, x1, y1 in boxes:
        x0, x1 = sorted((max(0, int(x0)), min(pixels.width, int(x1 + 0.999))))
        y0, y1 = sorted((max(0, int(y0)), min(pixels.height, int(y1 + 0.999))))
        if x1 > x0 and y1 > y0:
            draw.rectangle([x0, y0, x1 - 1, y1 - 1], fill=FILL)
    if footer:
        draw.text((6, pixels.height + 8), footer, fill=(60, 60, 60))
    buf = io.BytesIO()
    out.save(buf, "PNG", optimize=False)
    return buf.getvalue()
