import struct
import zlib

import pytest
from PIL import Image

from evidence.processing.documents import DocumentUnreadable, pdf_text
from evidence.processing.images import ImageRefused, image_info, make_thumbnail


def test_exif_is_read_and_the_original_left_alone(tmp_path):
    path = tmp_path / "shot.jpg"
    exif = Image.Exif()
    exif[0x0110] = "Xiaomi 13"  # Model
    exif[0x0132] = "2023:05:12 23:47:00"  # DateTime
    Image.new("RGB", (1600, 900), "white").save(path, "JPEG", exif=exif)
    before = path.read_bytes()
    info = image_info(str(path))
    assert (info.format, info.width, info.height) == ("JPEG", 1600, 900)
    assert info.exif["Model"] == "Xiaomi 13" and info.exif["DateTime"] == "2023:05:12 23:47:00"
    thumb = make_thumbnail(str(path), tmp_path / "thumb.jpg", max_px=400)
    assert Image.open(thumb).size == (400, 225)
    assert path.read_bytes() == before


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims to be huge: a decompression bomb's header."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", len(ihdr))
        + chunk
        + struct.pack(">I", zlib.crc32(chunk))
        + struct.pack(">I", 0)
        + b"IEND"
        + struct.pack(">I", zlib.crc32(b"IEND"))
    )


def test_a_decompression_bomb_is_refused(tmp_path):
    path = tmp_path / "bomb.png"
    path.write_bytes(_png_header_only(60000, 60000))
    with pytest.raises(ImageRefused):
        image_info(str(path))
    with pytest.raises(ImageRefused):
        make_thumbnail(str(path), tmp_path / "t.jpg")


def test_a_corrupt_image_is_refused(tmp_path):
    path = tmp_path / "bad.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n garbage")
    with pytest.raises(ImageRefused):
        image_info(str(path))


def test_pdf_pages_and_text_layer(tmp_path):
    path = tmp_path / "doc.pdf"
    Image.new("RGB", (200, 100), "white").save(path, "PDF")
    doc = pdf_text(str(path))
    assert doc.pages == 1 and not doc.has_text_layer
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4 broken")
    with pytest.raises(DocumentUnreadable):
        pdf_text(str(bad))
