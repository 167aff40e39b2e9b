"""Images for print: a screenshot at a legible width, a long one cut into page-sized pieces.

Plain Pillow, no Django. The original is only read; Pillow's decompression-bomb guard is an error."""

import io

from PIL import Image, UnidentifiedImageError

# The same ceiling as processing (about 120 megapixels): far above any phone screenshot.
MAX_PIXELS = 120_000_000


class ImageRefused(Exception):
    """The image is unreadable or too large to open safely."""


def page_tiles(path: str, width: int = 1100, max_ratio: float = 1.35) -> list[bytes]:
    """The image as JPEG pieces for print: at most `width` pixels wide (never enlarged), cut into
    pieces no taller than `max_ratio` times their width, so a long screenshot runs over several
    pages at a legible size instead of shrinking to one."""
    try:
        with Image.open(path) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ImageRefused("the image is too large to print safely")
            image.load()
            copy = image.convert("RGB")
    except (Image.DecompressionBombError, UnidentifiedImageError, OSError) as exc:
        raise ImageRefused(f"unreadable image: {exc}") from exc
    if copy.width > width:
        copy = copy.resize((width, max(1, round(copy.height * width / copy.width))), Image.Resampling.LANCZOS)
    step = max(1, int(copy.width * max_ratio))
    pieces = []
    for top in range(0, copy.height, step):
        buf = io.BytesIO()
        copy.crop((0, top, copy.width, min(copy.height, top + step))).save(buf, "JPEG", quality=82)
        pieces.append(buf.getvalue())
    return pieces
