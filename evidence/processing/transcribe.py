"""Machine transcription of call recordings with faster-whisper or openai-whisper.

What reaches the decoder, and what comes back, is guarded against whisper's known failures on
phone audio (measured in `bench/asr_eval.py` on real Mandarin, see the README):

- Silent recordings are not transcribed at all. Silero VAD (the ONNX model inside the
  faster-whisper wheel) finds the speech; silence, hold music and line noise never reach the
  decoder, and a long call is cut into pieces of at most `MAX_CHUNK_S` at its pauses, not into
  blind 30-second windows. Each piece is decoded on its own, without earlier text and without an
  initial prompt (the old fixed prompt made whisper end a window after one sentence and came back
  as text on line noise).
  A quiet piece (a far-field speaker) is raised before decoding; the recording is never changed.
  The case's own names are not given as a prompt: measured, they were written where nobody said
  them.
- A piece whose text is far too short for the speech VAD found in it (the silent-truncation
  symptom, or text in another script) is decoded again, split at its longest pause or with other
  settings; if it stays short its segments carry the flag `short_for_speech` and the result a
  warning with the times, so nobody takes the gap for silence. A stretch of speech that no
  segment covers (whisper now and then drops the first sentence of a piece) is decoded alone;
  if it still gives nothing, the result says so with its times.
- Segments whisper rates as non-speech, loops, known inventions, echoes of a prompt and
  punctuation-only segments are dropped.
- Segment times are checked against the VAD speech regions, so "tap a sentence, hear it" lands on
  speech; a segment moved by more than a second carries the flag `times_moved`.
- Chinese comes out in Simplified script; numbers heard as words are written as digits where that
  is unambiguous (`evidence.processing.spoken_numbers`), with the words heard kept beside them.
"""

import re
import zlib
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from evidence.processing.audio import WHISPER_RATE, is_silent
from evidence.processing.spoken_numbers import normalise_numbers

HALLUCINATIONS_FILE = Path(__file__).parent / "data" / "hallucinations.txt"
# A segment whose text compresses better than this is a loop ("好的好的好的…").
MAX_COMPRESSION_RATIO = 2.4
# The longest piece given to the decoder at once (whisper reads 30 s windows).
MAX_CHUNK_S = 24.0
# A pause at least this long always ends a piece (a hold, a long silence): text after it cannot be
# timed inside it.
BREAK_PAUSE_S = 1.5
# Mandarin on the phone runs at 3–5 characters a second of speech; below this a piece lost text.
MIN_CHARS_PER_SPEECH_S = 1.2
MIN_SPEECH_FOR_CHECK_S = 4.0
# A stretch of speech this long that no segment covers is decoded again on its own.
MIN_GAP_REGION_S = 1.0
# Whisper's features are not level-free (log-mel plus a fixed offset), and it hears a quiet far-field
# speaker badly: a piece whose loudest sample stays under QUIET_PEAK is raised to RAISED_PEAK before
# decoding (the recording itself is never touched). Measured: the benchmark's meeting clip, at
# −43 dBFS, went from 52 to 39 wrong characters; raising every piece to full scale helped it too but
# made the loud clips worse.
QUIET_PEAK = 0.25
RAISED_PEAK = 0.5
# Pieces of the prompt once shipped ("以下是普通话的电话录音。"), which whisper writes back on noise.
PROMPT_ECHOES = ("普通话的电话录音", "以下是普通话")
TEMPERATURES = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
ENGINE_NAMES = ("faster-whisper", "openai-whisper")


@dataclass(frozen=True)
class Segment:
    start: float
    end: float
    text: str
    # The words as whisper wrote them, where `text` differs (numbers written as digits).
    heard: str = ""
    # "short_for_speech": part of a piece whose text is far too short for its speech;
    # "times_moved": the times were moved onto the speech VAD found.
    flags: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        out = asdict(self)
        if not self.heard:
            del out["heard"]
        if not self.flags:
            del out["flags"]
        else:
            out["flags"] = list(self.flags)
        return out


@dataclass(frozen=True)
class Options:
    """Decoding settings; the defaults are what the benchmark chose (see the README)."""

    beam_size: int = 5
    vad: bool = True
    # Only for the benchmark, which showed it harms; never shipped. Its echoes are dropped anyway.
    prompt: str | None = None
    threads: int = 0  # 0: the library's own choice
    # Silero's speech probability above which a frame is speech. Below Silero's usual 0.5: at 0.5 the
    # quiet far-field speaker in the benchmark's call lost six seconds; noise and the hold still
    # give no speech at 0.25.
    vad_threshold: float = 0.35


@dataclass
class TranscriptResult:
    language: str
    engine: str
    model: str
    segments: list[Segment] = field(default_factory=list)
    # Pieces of speech that stayed without (enough) text: {"start", "end", "speech_s", "chars"}.
    warnings: list[dict] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(s.text for s in self.segments)


def _squash(text: str) -> str:
    return re.sub(r"[\s\W_]+", "", text).lower()


_CJK = re.compile(r"[\u3400-\u9fff]")


def _content_chars(text: str, language: str) -> int:
    """Characters that count as speech written down: Chinese characters and digits for Chinese
    (whisper drifting into Latin gibberish counts as nothing), letters and digits otherwise."""
    if language == "zh":
        return len(_CJK.findall(text)) + sum(c.isdigit() for c in text)
    return len(_squash(text))


@lru_cache(maxsize=1)
def hallucinations() -> frozenset[str]:
    lines = HALLUCINATIONS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(_squash(line) for line in lines if line.strip() and not line.startswith("#"))


class ModelUnavailable(Exception):
    """The speech model is neither in place nor downloadable (a server without internet): the
    operator must place it, so the step is retried later rather than failed for good."""


@lru_cache(maxsize=4)
def load_whisper(model: str, download_root: str | None, device: str | None, threads: int = 0):
    """Load (once per process) an openai-whisper model by name or .pt path."""
    import torch
    import whisper

    if threads:
        torch.set_num_threads(threads)
    try:
        return whisper.load_model(model, device=device or None, download_root=download_root or None)
    except (OSError, RuntimeError) as exc:  # no network for a download, or no such file
        raise ModelUnavailable(f"{model}: {exc}") from exc


@lru_cache(maxsize=4)
def load_faster_whisper(model: str, download_root: str | None, device: str | None, threads: int = 0):
    """Load (once per process) a CTranslate2 whisper model by name or folder, int8 on the CPU."""
    from faster_whisper import WhisperModel

    device = device or "auto"
    compute = "int8" if device in ("cpu", "auto") else "float16"
    try:
        return WhisperModel(
            model, device=device, compute_type=compute, download_root=download_root or None, cpu_threads=threads
        )
    except (OSError, RuntimeError, ValueError) as exc:  # ValueError: a missing folder taken for a hub name
        raise ModelUnavailable(f"{model}: {exc}") from exc


def whisper_segments(
    samples: np.ndarray,
    *,
    model: str,
    download_root: str | None,
    language: str,
    device: str | None,
    options: Options = Options(),
    temperatures=TEMPERATURES,
    beam_size: int | None = None,
) -> list[dict]:
    """Return openai-whisper's raw segments for 16 kHz mono samples."""
    loaded = load_whisper(model, download_root, device, options.threads)
    beam = beam_size or options.beam_size
    result = loaded.transcribe(
        samples,
        language=language or None,
        condition_on_previous_text=False,
        compression_ratio_threshold=MAX_COMPRESSION_RATIO,
        logprob_threshold=-1.0,
        no_speech_threshold=0.6,
        initial_prompt=options.prompt,
        fp16=loaded.device.type == "cuda",
        temperature=temperatures,
        beam_size=beam if beam > 1 else None,
        best_of=beam if beam > 1 else None,
        verbose=None,
    )
    return result["segments"]


def faster_whisper_segments(
    samples: np.ndarray,
    *,
    model: str,
    download_root: str | None,
    language: str,
    device: str | None,
    options: Options = Options(),
    temperatures=TEMPERATURES,
    beam_size: int | None = None,
) -> list[dict]:
    """Return faster-whisper's segments for 16 kHz mono samples, as openai-whisper shapes them."""
    loaded = load_faster_whisper(model, download_root, device, options.threads)
    beam = beam_size or options.beam_size
    segments, _info = loaded.transcribe(
        samples,
        language=language or None,
        condition_on_previous_text=False,
        compression_ratio_threshold=MAX_COMPRESSION_RATIO,
        log_prob_threshold=-1.0,
        no_speech_threshold=0.6,
        initial_prompt=options.prompt,
        beam_size=beam,
        best_of=beam,
        temperature=list(temperatures),
        vad_filter=False,  # the speech is found before (`speech_regions`), for both engines alike
    )
    return [
        {
            "start": s.start,
            "end": s.end,
            "text": s.text,
            "no_speech_prob": s.no_speech_prob,
            "avg_logprob": s.avg_logprob,
            "compression_ratio": s.compression_ratio,
        }
        for s in segments
    ]


ENGINES = {"openai-whisper": whisper_segments, "faster-whisper": faster_whisper_segments}
LOADERS = {"openai-whisper": load_whisper, "faster-whisper": load_faster_whisper}


def speech_regions(samples: np.ndarray, threshold: float = 0.35) -> list[tuple[int, int]]:
    """Return (start, end) sample indexes of the speech Silero VAD finds, padded a little."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    found = get_speech_timestamps(
        samples,
        VadOptions(
            threshold=threshold,
            min_speech_duration_ms=250,
            min_silence_duration_ms=500,
            speech_pad_ms=200,
            max_speech_duration_s=MAX_CHUNK_S,
        ),
    )
    return [(r["start"], r["end"]) for r in found]


def group_regions(regions: list[tuple[int, int]], rate: int = WHISPER_RATE) -> list[list[tuple[int, int]]]:
    """Group consecutive speech regions into pieces of at most MAX_CHUNK_S, cut at pauses; a pause of
    BREAK_PAUSE_S or more always ends a piece."""
    pieces: list[list[tuple[int, int]]] = []
    for region in regions:
        if pieces:
            current = pieces[-1]
            if region[0] - current[-1][1] < BREAK_PAUSE_S * rate and region[1] - current[0][0] <= MAX_CHUNK_S * rate:
                current.append(region)
                continue
        pieces.append([region])
    return pieces


def raise_quiet(samples: np.ndarray) -> np.ndarray:
    """Return a quiet piece raised to RAISED_PEAK, or the piece as it is."""
    peak = float(np.max(np.abs(samples))) if len(samples) else 0.0
    if peak == 0.0 or peak >= QUIET_PEAK:
        return samples
    return (samples * (RAISED_PEAK / peak)).astype(np.float32)


def _compression_ratio(text: str) -> float:
    data = text.encode()
    return len(data) / len(zlib.compress(data)) if data else 0.0


def keep_segment(raw: dict, prompt: str | None = None) -> bool:
    """Return False for segments that are silence, loops, punctuation, prompt echoes or known inventions."""
    text = raw["text"].strip()
    squashed = _squash(text)
    if not squashed or squashed in hallucinations():
        return False
    if any(echo in squashed for echo in PROMPT_ECHOES):
        return False
    if prompt and len(_squash(prompt)) >= 4 and _squash(prompt) in squashed:
        return False
    if raw.get("no_speech_prob", 0) > 0.6 and raw.get("avg_logprob", 0) < -1.0:
        return False
    ratio = raw.get("compression_ratio")
    if ratio is None:
        ratio = _compression_ratio(text)
    return ratio <= MAX_COMPRESSION_RATIO


def clean_segments(raw_segments: list[dict], language: str, prompt: str | None = None) -> list[Segment]:
    """Return the kept segments, consecutive repeats collapsed, Chinese in Simplified script and
    numbers written as digits (the words heard kept in `heard`)."""
    segments: list[Segment] = []
    for raw in raw_segments:
        if not keep_segment(raw, prompt):
            continue
        heard = to_simplified(raw["text"].strip()) if language == "zh" else raw["text"].strip()
        text = normalise_numbers(heard) if language == "zh" else heard
        if segments and (segments[-1].heard or segments[-1].text) == heard:
            continue
        segments.append(
            Segment(
                round(float(raw["start"]), 2),
                round(float(raw["end"]), 2),
                text,
                heard if heard != text else "",
                tuple(raw.get("flags", ())),
            )
        )
    return segments


# OpenCC keeps 著 everywhere, since it is also a Simplified character; in Simplified script it stays
# only in these words (著名, 显著 …) and is 着 otherwise (看着, 随着, 着急), where whisper writes 著.
ZHU_WORDS = frozenset(
    "著名 著作 著称 著述 著录 著者 著书 著有 著文 显著 卓著 土著 名著 原著 巨著 专著 论著 编著 合著 遗著 拙著 "
    "新著 昭著 译著 大著 杰著".split()
)


def to_simplified(text: str) -> str:
    """Return Chinese text in Simplified script (whisper mixes in Traditional characters)."""
    if not text:
        return text
    text = _converter().convert(text)
    return "".join("着" if c == "著" and not _keeps_zhu(text, i) else c for i, c in enumerate(text))


def _keeps_zhu(text: str, at: int) -> bool:
    return text[max(at - 1, 0) : at + 1] in ZHU_WORDS or text[at : at + 2] in ZHU_WORDS


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def _fit_to_speech(start: float, end: float, regions: list[tuple[float, float]]) -> tuple[float, float, bool]:
    """Return a segment's times moved onto the speech regions (seconds), and whether they moved by
    more than a second."""
    overlapping = [r for r in regions if r[0] < end and r[1] > start]
    if overlapping:
        new_start, new_end = max(start, overlapping[0][0]), min(end, overlapping[-1][1])
    else:  # the segment lies in a pause: put it on the nearest speech
        middle = (start + end) / 2
        nearest = min(regions, key=lambda r: min(abs(r[0] - middle), abs(r[1] - middle)))
        new_start = nearest[0] if middle < nearest[0] else max(nearest[0], nearest[1] - (end - start))
        new_end = min(nearest[1], new_start + (end - start))
    moved = abs(new_start - start) > 1.0 or abs(new_end - end) > 1.0
    return new_start, max(new_end, new_start), moved


class _Decoder:
    def __init__(self, samples, engine, language, options, **model_args):
        self.samples, self.language, self.options = samples, language, options
        self.decode = ENGINES[engine]
        self.model_args = model_args

    def raw(self, piece: list[tuple[int, int]], retry: bool = False) -> list[dict]:
        start, end = piece[0][0], piece[-1][1]
        kwargs: dict[str, Any] = {"temperatures": TEMPERATURES[1:], "beam_size": 5} if retry else {}
        raw = self.decode(
            raise_quiet(self.samples[start:end]),
            language=self.language,
            options=self.options,
            **self.model_args,
            **kwargs,
        )
        offset = start / WHISPER_RATE
        return [{**r, "start": r["start"] + offset, "end": r["end"] + offset} for r in raw]

    def chars(self, raw: list[dict]) -> int:
        kept = [r for r in raw if keep_segment(r, self.options.prompt)]
        return sum(_content_chars(r["text"], self.language) for r in kept)

    def piece(self, piece: list[tuple[int, int]], depth: int = 0) -> tuple[list[dict], dict | None]:
        """Decode one piece; retry it when its text is far too short for its speech."""
        raw = self.raw(piece)
        speech_s = sum(e - s for s, e in piece) / WHISPER_RATE
        if not self._short(raw, speech_s):
            return raw, None
        if len(piece) > 1 and depth < 2:  # split at the longest pause and decode both halves
            cut = max(range(1, len(piece)), key=lambda i: piece[i][0] - piece[i - 1][1])
            first, warn_a = self.piece(piece[:cut], depth + 1)
            second, warn_b = self.piece(piece[cut:], depth + 1)
            retried, still_short = first + second, bool(warn_a or warn_b)
        else:
            retried = self.raw(piece, retry=True)
            still_short = self._short(retried, speech_s)
        best = retried if self.chars(retried) > self.chars(raw) else raw
        if not still_short and best is retried:
            return retried, None
        warning = {
            "start": round(piece[0][0] / WHISPER_RATE, 2),
            "end": round(piece[-1][1] / WHISPER_RATE, 2),
            "speech_s": round(speech_s, 1),
            "chars": self.chars(best),
        }
        return [{**r, "flags": ("short_for_speech",)} for r in best], warning

    def fill_gaps(self, piece: list[tuple[int, int]], raw: list[dict], warnings: list[dict]) -> list[dict]:
        """Decode alone each stretch of speech in the piece that no segment covers (whisper drops the
        first sentence of a piece now and then); report one that still gives no text."""
        kept = [r for r in raw if keep_segment(r, self.options.prompt)]
        added = []
        for start, end in piece:
            start_s, end_s = start / WHISPER_RATE, end / WHISPER_RATE
            if end_s - start_s < MIN_GAP_REGION_S or any(
                min(r["end"], end_s) - max(r["start"], start_s) >= 0.3 for r in kept
            ):
                continue
            alone = [r for r in self.raw([(start, end)]) if keep_segment(r, self.options.prompt)]
            near = "".join(_squash(r["text"]) for r in kept if r["end"] > start_s - 5 and r["start"] < end_s + 5)
            text = "".join(_squash(r["text"]) for r in alone)
            if text and not _repeats(text, near):
                added += alone
            elif not text and end_s - start_s >= MIN_SPEECH_FOR_CHECK_S / 2:
                warnings.append(
                    {
                        "start": round(start_s, 2),
                        "end": round(end_s, 2),
                        "speech_s": round(end_s - start_s, 1),
                        "chars": 0,
                    }
                )
        return sorted(raw + added, key=lambda r: r["start"])

    def _short(self, raw: list[dict], speech_s: float) -> bool:
        return speech_s >= MIN_SPEECH_FOR_CHECK_S and self.chars(raw) < MIN_CHARS_PER_SPEECH_S * speech_s


def _repeats(text: str, near: str) -> bool:
    """Whether most of `text` is already in `near` (the same words, placed at other times)."""
    if not near:
        return False
    matched = sum(block.size for block in SequenceMatcher(None, text, near, autojunk=False).get_matching_blocks())
    return matched >= 0.5 * len(text)


def transcribe(
    samples: np.ndarray,
    *,
    model: str,
    download_root: str | None = None,
    language: str = "zh",
    device: str | None = None,
    engine: str = "faster-whisper",
    options: Options | None = None,
) -> TranscriptResult:
    """Transcribe 16 kHz mono samples; a silent recording, or one without speech, gives no segments."""
    options = options or Options()
    result = TranscriptResult(language=language, engine=engine, model=model)
    if is_silent(samples):
        return result
    model_args: dict[str, Any] = {"model": model, "download_root": download_root, "device": device}
    # Load the model even if the VAD finds no speech: a model not in place must show now.
    LOADERS[engine](model, download_root, device, options.threads)
    if not options.vad:
        raw = ENGINES[engine](samples, language=language, options=options, **model_args)
        result.segments = clean_segments(raw, language, options.prompt)
        return result
    regions = speech_regions(samples, options.vad_threshold)
    decoder = _Decoder(samples, engine, language, options, **model_args)
    raw_all: list[dict] = []
    for piece in group_regions(regions):
        raw, warning = decoder.piece(piece)
        raw = decoder.fill_gaps(piece, raw, result.warnings)
        seconds = [(s / WHISPER_RATE, e / WHISPER_RATE) for s, e in piece]
        for r in raw:
            start, end, moved = _fit_to_speech(float(r["start"]), float(r["end"]), seconds)
            flags = tuple(r.get("flags", ())) + (("times_moved",) if moved else ())
            raw_all.append({**r, "start": start, "end": end, "flags": flags})
        if warning:
            result.warnings.append(warning)
    result.segments = clean_segments(raw_all, language, options.prompt)
    return result


def transcribe_windows(windows: Iterable[tuple[float, np.ndarray]], *, model: str, **kwargs) -> TranscriptResult:
    """Transcribe a recording given as (start second, 16 kHz mono samples) windows, one at a time,
    so a long call never sits in memory whole (the windows end in pauses; see audio.iter_audio).
    Takes transcribe()'s arguments; times are the recording's."""
    result = TranscriptResult(
        language=kwargs.get("language", "zh"), engine=kwargs.get("engine", "faster-whisper"), model=model
    )
    for start, samples in windows:
        part = transcribe(samples, model=model, **kwargs)
        result.segments += [
            replace(s, start=round(s.start + start, 2), end=round(s.end + start, 2)) for s in part.segments
        ]
        result.warnings += [
            {**w, "start": round(w["start"] + start, 2), "end": round(w["end"] + start, 2)} for w in part.warnings
        ]
    return result
