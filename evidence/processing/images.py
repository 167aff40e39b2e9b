"""Screenshots: facts about the image, EXIF as metadata, and a separate thumbnail.

The original is only ever read. Pillow's decompression-bomb guard is turned
into an error, so a crafted image cannot exhaust the worker's memory.
"""

from dataclasses import dataclass
from pathlib import Path

from PIL import ExifTags, Image, UnidentifiedImageError

# About 120 megapixels: far above any phone screenshot, far below a memory bomb.
MAX_PIXELS = 120_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


class ImageRefused(Exception):
    """Not an image Pillow can read safely (corrupt, or a decompression bomb)."""


@dataclass(frozen=True)
class ImageInfo:
    format: str
    width: int
    height: int
    exif: dict


def _json_safe(value):
    if isinstance(value, bytes):
        return value.hex() if len(value) <= 64 else f"<{len(value)} bytes>"
    if isinstance(value, (int, float, str, bool)) or value is None:
        return value
    if isinstance(value, (tuple, list)):
        return [_json_safe(v) for v in value]
    return str(value)


def _open(path: str) -> Image.Image:
    try:
        image = Image.open(path)
        if image.width * image.height > MAX_PIXELS:
            raise ImageRefused("the image is too large to process safely")
        return image
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageRefused("the image is too large to process safely") from exc
    except (UnidentifiedImageError, OSError) as exc:
        raise ImageRefused(f"unreadable image: {exc}") from exc


def image_info(path: str) -> ImageInfo:
    """Return format, size and EXIF (tag names as keys, JSON-safe values) of an image."""
    with _open(path) as image:
        exif = {ExifTags.TAGS.get(tag, str(tag)): _json_safe(value) for tag, value in image.getexif().items()}
        return ImageInfo(image.format or "", image.width, image.height, exif)


def make_thumbnail(path: str, dest: Path, max_px: int = 1200) -> Path:
    """Write a JPEG no larger than `max_px` on its longer side to `dest`; return `dest`."""
    with _open(path) as image:
        try:
            image.load()
        except (Image.DecompressionBombError, OSError) as exc:
            raise ImageRefused(f"unreadable image: {exc}") from exc
        copy = image.convert("RGB")
        copy.thumbnail((max_px, max_px))
        copy.save(dest, "JPEG", quality=85)
    return dest
