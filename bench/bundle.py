"""Bundle benchmark: time and peak memory to make bundles of 10, 100 and 300 exhibits.

Each exhibit mix is a third screenshots (with a preview image and OCR lines),
a third recordings (with a 20-segment transcript) and a third statements, in
Chinese; the same bundles with English text are the reference, in the same
run. CJK font subsetting dominates unless HarfBuzz's subsetter
(libharfbuzz-subset0) is installed. Target: 100 exhibits in under 5 s, cost
growing linearly (the "zh s/100" column stays flat). The machine's load
average is printed before and after: timings on a shared machine vary.

    .venv/bin/python bench/bundle.py [--sizes 10 100 300]
"""

import argparse
import hashlib
import io
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
TMP = tempfile.mkdtemp()
os.environ.update(
    {
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "harassguard.settings",
        "REDIS_URL": "",
        "DATABASE_URL": f"sqlite:///{TMP}/db.sqlite3",
        "MEDIA_ROOT": f"{TMP}/media",
        "SIGNING_KEY_FILE": f"{TMP}/key.pem",
        "LOG_LEVEL": "ERROR",
    }
)

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.files.base import ContentFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402

from cases.models import Case  # noqa: E402
from evidence.bundle.services import bundle_build  # noqa: E402
from evidence.custody import WORKER, Actor, custody_record  # noqa: E402
from evidence.models import Bundle, BundleItem, EvidenceItem, OcrResult, Transcript  # noqa: E402
from evidence.storage.originals import original_name, store_original  # noqa: E402
from evidence.storage.workfiles import save_derived  # noqa: E402

TEXT = {
    "zh": "你再不还钱，明天就去你单位找你，让你社死，我们已经通知了你的家人",
    "en": "If you do not pay today we will call your office and tell your family about the debt",
}


def _png(n: int) -> bytes:
    image = Image.new("RGB", (720, 1280), (240, 240, 240))
    ImageDraw.Draw(image).rectangle((40, 40 + n % 200, 680, 400), fill=(30, 120, 200))
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=70)
    return buf.getvalue()


CUSTODY = 5  # custody events per item; --custody sets it


def _item(case, user, n: int, lang: str) -> EvidenceItem:
    kind = ["screenshot", "call_recording", "statement"][n % 3]
    data = f"{lang}-{case.pk}-{n}".encode() + (_png(n) if kind == "screenshot" else TEXT[lang].encode() * 20)
    sha = hashlib.sha256(data).hexdigest()
    store_original(ContentFile(data), sha)
    item = EvidenceItem.objects.create(
        case=case,
        kind=kind,
        original_filename=f"{kind}-{n}",
        stored_name=original_name(sha),
        size=len(data),
        mime="text/plain" if kind == "statement" else "image/jpeg",
        sha256=sha,
        status="ready",
        uploaded_by=user,
    )
    if kind == "screenshot":
        save_derived(item, "thumbnail", _png(n), "jpg", "image/jpeg")
        OcrResult.objects.create(
            item=item,
            original_sha256=sha,
            engine="bench",
            text=TEXT[lang],
            lines=[{"text": TEXT[lang], "box": [], "confidence": 1}] * 8,
        )
    elif kind == "call_recording":
        Transcript.objects.create(
            item=item,
            original_sha256=sha,
            engine="bench",
            model="bench",
            language=lang,
            segments=[{"start": 5 * s, "end": 5 * s + 4, "text": TEXT[lang]} for s in range(20)],
        )
    # The custody a real item gathers: received, three processing steps, viewed once (annex 1 lists them all).
    for action in ["received", "processed_integrity", "processed_timestamp", f"processed_{kind}", "item_viewed"][
        :CUSTODY
    ]:
        custody_record(
            case=case,
            item=item,
            action=action,
            actor=Actor(user=user) if "processed" not in action else WORKER,
            sha256=sha,
        )
    return item


def make_bundle(size: int, lang: str) -> Bundle:
    user = User.objects.get_or_create(username="bench")[0]
    case = Case.objects.create(owner=user, title=f"bench {lang} {size}")
    bundle = Bundle.objects.create(case=case, created_by=user)
    BundleItem.objects.bulk_create(
        [BundleItem(bundle=bundle, item=_item(case, user, n, lang), position=n + 1) for n in range(size)]
    )
    return bundle


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 300])
    parser.add_argument(
        "--custody",
        type=int,
        default=5,
        choices=range(6),
        help="custody events per item listed in annex 1 (a real item has about 5)",
    )
    args = parser.parse_args()
    global CUSTODY
    CUSTODY = args.custody
    call_command("migrate", verbosity=0)
    print(f"load average before: {os.getloadavg()[0]:.2f} ({os.cpu_count()} cores); {CUSTODY} custody events per item")
    print(f"{'exhibits':>8} {'Chinese s':>10} {'English s':>10} {'zh/en':>6} {'zh s/100':>9} {'peak RSS MB':>12}")
    for size in args.sizes:
        timings = {}
        for lang in ("zh", "en"):
            bundle = make_bundle(size, lang)
            start = time.perf_counter()
            bundle_build(bundle)
            timings[lang] = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        # zh s/100: seconds per 100 exhibits; constant when the cost grows linearly.
        print(
            f"{size:8d} {timings['zh']:10.2f} {timings['en']:10.2f} {timings['zh'] / timings['en']:6.2f} "
            f"{timings['zh'] * 100 / size:9.2f} {peak:12.0f}"
        )
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
