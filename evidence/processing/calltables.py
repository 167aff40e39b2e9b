"""Reading the call rows of a call-log item, whatever it is: a CSV export, a carrier's itemised
record (XLSX, XLS, CSV, PDF), or a picture of the call history (a screenshot, a photo, a scanned
PDF). The rows' shape and the user's corrections: evidence/callrows.py."""

import subprocess
import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PIL import Image

from evidence.processing import callhistory, carrier, ocr
from evidence.processing.filenames import generic_when


def picture_taken(item, tz: ZoneInfo) -> tuple[datetime, str]:
    """When a picture was taken, and where that came from: the user's date, the phone's EXIF,
    the screenshot's file name (Screenshot_2023-10-12-10-24-33.png), or when it was received.

    Not yet one with screen_dates.reference_day (the day chat times are read against), which trusts
    EXIF and the status bar before the user's date and stores other basis names (OcrResult.reference_basis
    "upload" against metadata "reference_from" "received"): making them one changes stored records,
    pages and which day wins, so it waits for a decision on the order."""
    if item.occurred_at:
        return item.occurred_at, "user"
    exif = (item.metadata.get("image") or {}).get("exif") or {}
    for key in ("DateTimeOriginal", "DateTime"):
        try:
            return datetime.strptime(str(exif[key]), "%Y:%m:%d %H:%M:%S").replace(tzinfo=tz), "exif"
        except (KeyError, ValueError):
            continue
    found = generic_when(item.original_filename.rsplit(".", 1)[0], tz)
    if found:
        return found[0], "filename"
    return item.received_at.astimezone(tz), "received"


def json_rows(rows: list[dict]) -> list[dict]:
    return [{**r, "at": r["at"].isoformat() if r.get("at") else None} for r in rows]


def picture_rows(
    path: str, taken: datetime, tz: ZoneInfo, *, require_title: bool = True, threads: int = 1
) -> tuple[list[dict], list]:
    """OCR a picture and read its call rows; also return the OCR lines."""
    lines = ocr.ocr_lines(path, threads)
    with Image.open(path) as image:
        rows = callhistory.read_call_history(lines, image, taken, tz, require_title=require_title)
    return rows, lines


def scanned_pdf_rows(path: str, taken: datetime, tz: ZoneInfo, threads: int = 1) -> list[dict]:
    """A scanned call log: each page rendered by poppler's pdftoppm, then read like a photo."""
    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["pdftoppm", "-r", "150", "-png", "-l", "20", path, f"{tmp}/page"],
            check=True,
            capture_output=True,
            timeout=300,
        )
        for page_no, page in enumerate(sorted(Path(tmp).glob("page*.png")), start=1):
            found, _lines = picture_rows(str(page), taken, tz, require_title=False, threads=threads)
            rows += [{**r, "row": f"p{page_no} r{r['row']}", "page": page_no} for r in found]
    return rows


def read_rows(item, path: str, tz: ZoneInfo, threads: int = 1) -> tuple[list[dict], str, dict]:
    """Return (JSON-safe rows, source, facts for the custody record) for a call-log item."""
    mime = item.mime
    if mime.startswith("image/"):
        taken, basis = picture_taken(item, tz)
        rows, _lines = picture_rows(path, taken, tz, require_title=False, threads=threads)
        return json_rows(rows), "call_screenshot", {"reference": taken.isoformat(), "reference_from": basis}
    try:
        rows, is_carrier = carrier.read_call_table(path, mime, tz)
    except carrier.CallTableUnreadable:
        if mime != "application/pdf":
            raise
        taken, basis = picture_taken(item, tz)
        rows = scanned_pdf_rows(path, taken, tz, threads)
        if not rows:
            raise
        return (
            json_rows(rows),
            "call_screenshot",
            {"reference": taken.isoformat(), "reference_from": basis, "scanned": True},
        )
    return json_rows(rows), "carrier" if is_carrier else "call_log", {}
