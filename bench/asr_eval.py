"""Character error rate of the project's transcription on real Mandarin, clean and on the phone.

    .venv/bin/python bench/asr_eval.py --manifest bench/data/asr-zh/clips.tsv --model DIR [--engine ENGINE]

The manifest has a header and tab-separated columns `id`, `file` (relative to the manifest) and
`reference`. DIR holds Whisper weights in CTranslate2 form (`model.bin`, `config.json`,
`tokenizer.json`, `vocabulary.*`, what faster-whisper loads) and the same weights as an
openai-whisper checkpoint `model.pt`; `scripts/whisper_base.py` puts Whisper base there. Without
`--engine` (and the other options) the run uses the engine and settings the project ships.

Each file is transcribed as given and after the phone round trip (8 kHz mono, AMR-NB 12.2 kbit/s,
decoded back) by `evidence.transcribe.transcribe`, the function the worker calls. Text is scored
in Simplified script with punctuation and spaces removed and numbers heard as words written as
digits on both sides; CER = character edit distance / reference characters, over the corpus.
RTF = transcription seconds / audio seconds over both passes, the model loaded beforehand.
Where `<manifest>_times.tsv` says where each clip lies in a long file (`asr_make_call.py`), the
clips that came back with under a third of their characters, "lost", are named. With
`--vocabulary`, each file is decoded with the names `<manifest>_vocabulary.tsv` gives it (`id`,
`words` joined by 、: what a user would have entered in the case, spoken or not) as the initial
prompt, and the run counts the names written where they were said and the names written where
they were not (invented). The last line is exactly `CER phone <x.x>% clean <y.y>% RTF <z.zz>`.
"""

import argparse
import csv
import json
import logging
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "harassguard.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from bench.asr_audio import RATE, edit_distance, normalise_for_cer, phone_round_trip  # noqa: E402
from evidence.processing import transcribe as asr  # noqa: E402
from evidence.processing.audio import decode_audio  # noqa: E402
from evidence.processing.spoken_numbers import normalise_numbers  # noqa: E402


def model_for(engine: str, folder: Path) -> str:
    return str(folder / "model.pt") if engine == "openai-whisper" else str(folder)


def score(text: str) -> str:
    return normalise_numbers(normalise_for_cer(text))


def lost_clips(times_file: Path, result: asr.TranscriptResult, references: dict[str, str]) -> list[str]:
    """Clips of a long file whose time span came back with under a third of their characters."""
    lost = []
    with open(times_file, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            start, end = float(row["start"]), float(row["end"])
            heard = "".join(s.text for s in result.segments if s.start < end - 0.3 and s.end > start + 0.3)
            want = len(score(references[row["clip"]]))
            if want >= 6 and len(score(heard)) < want / 3:
                lost.append(row["clip"])
    return lost


def vocabulary(manifest: Path) -> dict[str, list[str]]:
    with open(manifest.with_name(manifest.stem + "_vocabulary.tsv"), encoding="utf-8", newline="") as f:
        return {row["id"]: [w for w in row["words"].split("、") if w] for row in csv.DictReader(f, delimiter="\t")}


def count_names(words: list[str], reference: str, text: str) -> tuple[int, int, int]:
    """Return (names said, of those written, names written more often than said)."""
    reference, text = normalise_for_cer(reference), normalise_for_cer(text)
    said = sum(reference.count(w) for w in words)
    heard = sum(min(reference.count(w), text.count(w)) for w in words)
    invented = sum(max(0, text.count(w) - reference.count(w)) for w in words)
    return said, heard, invented


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manifest", type=Path, required=True)
    parser.add_argument("--model", type=Path, required=True, help="folder with model.bin … and model.pt")
    parser.add_argument(
        "--engine", choices=asr.ENGINE_NAMES, default=None, help="default: the shipped TRANSCRIBE_ENGINE"
    )
    parser.add_argument("--beam-size", type=int, default=None, help="default: the shipped TRANSCRIBE_BEAM_SIZE")
    parser.add_argument("--no-vad", action="store_true", help="blind 30 s windows, as before the VAD")
    parser.add_argument("--vad-threshold", type=float, default=None, help="default: the shipped one")
    parser.add_argument("--prompt", default=None, help="an initial prompt (to measure it; never shipped)")
    parser.add_argument(
        "--vocabulary", action="store_true", help="the case's names as a prompt (to measure it; not shipped)"
    )
    parser.add_argument("--threads", type=int, default=None, help="default: the shipped TRANSCRIBE_THREADS")
    parser.add_argument("--only", choices=("clean", "phone"), default=None, help="run one pass only")
    parser.add_argument("--json", type=Path, default=None, help="write every transcript here")
    args = parser.parse_args()
    logging.getLogger("faster_whisper").setLevel(logging.WARNING)

    engine = args.engine or settings.TRANSCRIBE_ENGINE
    options = asr.Options(
        beam_size=args.beam_size or settings.TRANSCRIBE_BEAM_SIZE,
        vad=not args.no_vad,
        prompt=args.prompt,
        threads=args.threads or settings.TRANSCRIBE_THREADS,
        **({"vad_threshold": args.vad_threshold} if args.vad_threshold is not None else {}),
    )
    model = model_for(engine, args.model)
    loader = asr.load_whisper if engine == "openai-whisper" else asr.load_faster_whisper
    loader(model, None, "cpu", options.threads)
    print(
        f"engine {engine}, model {args.model.name}, beam {options.beam_size}, vad {options.vad}, "
        f"prompt {options.prompt!r}, threads {options.threads}, vad threshold {options.vad_threshold}"
    )

    with open(args.manifest, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    names = vocabulary(args.manifest) if args.vocabulary else {}
    times_file = args.manifest.with_name(args.manifest.stem + "_times.tsv")
    clip_refs: dict[str, str] = {}
    if times_file.exists():  # a long file built from the clips: their references tell a lost clip
        with open(args.manifest.with_name("clips.tsv"), encoding="utf-8", newline="") as f:
            clip_refs = {r["id"]: r["reference"] for r in csv.DictReader(f, delimiter="\t")}
    passes = [p for p in ("clean", "phone") if args.only in (None, p)]
    errors = {p: 0 for p in passes}
    chars, seconds, audio_s, dump = 0, 0.0, 0.0, []
    name_counts = {p: [0, 0, 0] for p in passes}
    for row in rows:
        clean = decode_audio(str(args.manifest.parent / row["file"]), rate=RATE)
        ref = score(row["reference"])
        chars += len(ref)
        line = [row["id"], f"{len(clean) / RATE:6.1f}s"]
        words = names.get(row["id"], [])
        file_options = replace(options, prompt="、".join(words) + "。") if words else options
        for name in passes:
            samples = clean if name == "clean" else phone_round_trip(clean)
            started = time.perf_counter()
            result = asr.transcribe(
                samples, model=model, language="zh", device="cpu", engine=engine, options=file_options
            )
            seconds += time.perf_counter() - started
            audio_s += len(samples) / RATE
            distance = edit_distance(ref, score(result.text))
            errors[name] += distance
            line.append(f"{name} {100 * distance / max(len(ref), 1):5.1f}%")
            if words:
                counts = count_names(words, row["reference"], result.text)
                name_counts[name] = [a + b for a, b in zip(name_counts[name], counts, strict=True)]
                line.append(f"{name} names {counts[1]}/{counts[0]} invented {counts[2]}")
            if result.warnings:
                line.append(f"{name} warnings {len(result.warnings)}")
            if times_file.exists():
                lost = lost_clips(times_file, result, clip_refs)
                line.append(f"{name} lost {len(lost)}" + (f" ({', '.join(lost)})" if lost else ""))
            dump.append(
                {
                    "id": row["id"],
                    "pass": name,
                    "text": result.text,
                    "warnings": result.warnings,
                    "segments": [s.as_dict() for s in result.segments],
                }
            )
        print("  ".join(line), flush=True)
    if args.json:
        args.json.write_text(json.dumps(dump, ensure_ascii=False, indent=1), encoding="utf-8")
    if names:
        for name, (said, heard, invented) in name_counts.items():
            print(f"{name}: names written where said {heard}/{said}, written where not said {invented}")
    cer = {p: 100 * errors[p] / max(chars, 1) for p in passes}
    print(
        f"CER phone {cer.get('phone', float('nan')):.1f}% clean {cer.get('clean', float('nan')):.1f}% "
        f"RTF {seconds / max(audio_s, 1e-9):.2f}"
    )


if __name__ == "__main__":
    main()
