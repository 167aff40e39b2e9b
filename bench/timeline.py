"""Timeline sources benchmark: OCR of a call-history screenshot and of a 60-second screen recording.

Renders a 1080×2400 call-history screenshot (Xiaomi layout, 10 rows: as many as one screen shows) and a 60-second 720×1600 chat
screen recording whose picture changes every 5 seconds (a new message each time), then times:
- reading the screenshot's call rows (OCR and row parsing), per screenshot;
- reading the screen recording (frame changes, OCR, de-duplication), per recording and per frame read;
- merging a year of call events from four sources (pure Python).

    .venv/bin/python bench/timeline.py [--runs 3]
"""

import argparse
import os
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "harassguard.settings")
os.environ.setdefault("DEBUG", "1")

from PIL import Image  # noqa: E402

from cases.analysis.engine import Event, merge_events  # noqa: E402
from evidence.processing.callhistory import read_call_history  # noqa: E402
from evidence.processing.ocr import ocr_lines  # noqa: E402
from evidence.processing.screenrec import read_screen_recording  # noqa: E402
from tests.callhistory_images import Row, render  # noqa: E402
from tests.screen_video import chat_screen, screen_recording  # noqa: E402

SH = ZoneInfo("Asia/Shanghai")


def call_history_rows() -> list[Row]:
    rows = []
    for i in range(10):
        number = f"138 0013 {8000 + i:04d}" if i % 3 else f"催收{i}"
        second = ["广东深圳 移动", f"呼入 {i}分{i * 5 % 60}秒", "未接"][i % 3]
        when = ["10:05", "昨天 23:47", "星期二 08:15", "10-08 22:30"][i % 4]
        rows.append(Row(number, second, when, missed=i % 3 == 2))
    return rows


def bench_screenshot(folder: Path, runs: int) -> None:
    path = render("xiaomi", call_history_rows(), folder / "calls.png")
    taken = datetime(2023, 10, 12, 10, 24, tzinfo=SH)
    ocr_lines(str(path))  # load the models once
    times, rows = [], []
    for _ in range(runs):
        start = time.perf_counter()
        with Image.open(path) as image:
            rows = read_call_history(ocr_lines(str(path)), image, taken, SH)
        times.append(time.perf_counter() - start)
    print(
        f"call-history screenshot 1080x2400, 10 rows: {min(times):.2f} s best, {sum(times) / len(times):.2f} s mean "
        f"over {runs}; rows read {len(rows)}/10"
    )


def bench_screen_recording(folder: Path, runs: int) -> None:
    bubbles: list[tuple[str, str]] = [("time", "10月12日 01:15")]
    screens = []
    for i in range(12):  # a new message every 5 seconds; the oldest scroll away
        bubbles.append(("them" if i % 2 == 0 else "me", f"第{i + 1}条：再不还款就联系你家人{i}"))
        screens.append((5.0 * i, chat_screen("138 0013 8000", bubbles[-9:])))
    path = screen_recording(folder / "screen.mp4", screens, 60)
    times, found = [], None
    for _ in range(runs):
        start = time.perf_counter()
        found = read_screen_recording(str(path))
        times.append(time.perf_counter() - start)
    assert found is not None
    best = min(times)
    print(
        f"screen recording 60 s 720x1600 10 fps: {best:.1f} s best, {sum(times) / len(times):.1f} s mean over {runs}; "
        f"frames read {len(found.frames)}, {best / max(1, len(found.frames)):.2f} s per frame; "
        f"distinct lines {len(found.lines)}"
    )


def bench_merge() -> None:
    start_at = datetime(2023, 1, 1, 9, tzinfo=SH)
    events = []
    for i in range(20000):  # a year of an auto-dialler's calls, each seen in up to four places
        at = start_at + timedelta(minutes=26 * i)
        number = f"1380013{8000 + i % 40:04d}"
        for source in ("carrier", "call_log", "call_screenshot", "recording")[: 1 + i % 4]:
            events.append(
                Event(
                    "call",
                    at + timedelta(seconds=i % 7),
                    number,
                    duration=40,
                    sources=[{"evidence": f"{source}-{i % 3}", "source": source, "row": i}],
                )
            )
    start = time.perf_counter()
    merged = merge_events(events)
    print(f"merge {len(events)} sightings into {len(merged)} calls: {time.perf_counter() - start:.2f} s")


def main() -> None:
    import django

    django.setup()
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bench_screenshot(Path(tmp), args.runs)
        bench_screen_recording(Path(tmp), max(1, args.runs - 2))
    bench_merge()


if __name__ == "__main__":
    main()
