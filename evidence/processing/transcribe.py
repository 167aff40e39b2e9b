"""Machine transcription of call recordings with openai-whisper (or faster-whisper).

Guards against whisper's known failure modes on phone audio: silent
recordings are not transcribed at all, each window is decoded without the
previous text (no repetition loops carried along), segments whisper itself
rates as non-speech or as highly repetitive are dropped, and lines it is
known to invent over silence are removed. Chinese comes out in Simplified
script.
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from evidence.processing.audio import is_silent

HALLUCINATIONS_FILE = Path(__file__).parent / "data" / "hallucinations.txt"
# A segment whose text compresses better than this is a loop ("好的好的好的…").
MAX_COMPRESSION_RATIO = 2.4
ZH_PROMPT = "以下是普通话的电话录音。"


@dataclass(frozen=True)
class Segment:
    start: float
    end: float
    text: str


@dataclass
class TranscriptResult:
    language: str
    engine: str
    model: str
    segments: list[Segment] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(s.text for s in self.segments)


def _squash(text: str) -> str:
    return re.sub(r"[\s\W_]+", "", text).lower()


@lru_cache(maxsize=1)
def hallucinations() -> frozenset[str]:
    lines = HALLUCINATIONS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(_squash(line) for line in lines if line.strip() and not line.startswith("#"))


class ModelUnavailable(Exception):
    """The speech model is neither in place nor downloadable (a server without internet): the
    operator must place it, so the step is retried later rather than failed for good."""


@lru_cache(maxsize=4)
def load_whisper(model: str, download_root: str | None, device: str | None):
    """Load (once per process) a whisper model by name or .pt path."""
    import whisper

    try:
        return whisper.load_model(model, device=device or None, download_root=download_root or None)
    except (OSError, RuntimeError) as exc:  # no network for a download, or no such file
        raise ModelUnavailable(f"{model}: {exc}") from exc


def whisper_segments(samples: np.ndarray, *, model: str, download_root: str | None, language: str,
                     device: str | None) -> list[dict]:
    """Return openai-whisper's raw segments for 16 kHz mono samples."""
    loaded = load_whisper(model, download_root, device)
    result = loaded.transcribe(
        samples, language=language or None, condition_on_previous_text=False,
        compression_ratio_threshold=MAX_COMPRESSION_RATIO, logprob_threshold=-1.0, no_speech_threshold=0.6,
        initial_prompt=ZH_PROMPT if language == "zh" else None, fp16=loaded.device.type == "cuda",
        temperature=(0.0, 0.2, 0.4, 0.6, 0.8, 1.0), verbose=None,
    )
    return result["segments"]


@lru_cache(maxsize=4)
def load_faster_whisper(model: str, download_root: str | None, device: str | None):
    """Load (once per process) a CTranslate2 whisper model by name or folder, int8 on the CPU."""
    from faster_whisper import WhisperModel

    device = device or "auto"
    compute = "int8" if device in ("cpu", "auto") else "float16"
    try:
        return WhisperModel(model, device=device, compute_type=compute, download_root=download_root or None)
    except (OSError, RuntimeError, ValueError) as exc:  # ValueError: a missing folder taken for a hub name
        raise ModelUnavailable(f"{model}: {exc}") from exc


def faster_whisper_segments(samples: np.ndarray, *, model: str, download_root: str | None, language: str,
                            device: str | None) -> list[dict]:
    """Return faster-whisper's segments for 16 kHz mono samples, as openai-whisper shapes them."""
    loaded = load_faster_whisper(model, download_root, device)
    segments, _info = loaded.transcribe(
        samples, language=language or None, condition_on_previous_text=False,
        compression_ratio_threshold=MAX_COMPRESSION_RATIO, log_prob_threshold=-1.0, no_speech_threshold=0.6,
        initial_prompt=ZH_PROMPT if language == "zh" else None, beam_size=1,  # greedy, as openai-whisper here
    )
    return [{"start": s.start, "end": s.end, "text": s.text, "no_speech_prob": s.no_speech_prob,
             "avg_logprob": s.avg_logprob, "compression_ratio": s.compression_ratio} for s in segments]


ENGINES = {"openai-whisper": whisper_segments, "faster-whisper": faster_whisper_segments}


def keep_segment(raw: dict) -> bool:
    """Return False for segments that are silence, loops or known inventions."""
    text = raw["text"].strip()
    if not text or _squash(text) in hallucinations():
        return False
    if raw.get("no_speech_prob", 0) > 0.6 and raw.get("avg_logprob", 0) < -1.0:
        return False
    return raw.get("compression_ratio", 0) <= MAX_COMPRESSION_RATIO


def clean_segments(raw_segments: list[dict], language: str) -> list[Segment]:
    """Return the kept segments, consecutive repeats collapsed, Chinese in Simplified script."""
    segments: list[Segment] = []
    for raw in raw_segments:
        if not keep_segment(raw):
            continue
        text = to_simplified(raw["text"].strip()) if language == "zh" else raw["text"].strip()
        if segments and segments[-1].text == text:
            continue
        segments.append(Segment(round(float(raw["start"]), 2), round(float(raw["end"]), 2), text))
    return segments


def to_simplified(text: str) -> str:
    """Return Chinese text in Simplified script (whisper mixes in Traditional characters)."""
    return _converter().convert(text) if text else text


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def transcribe(samples: np.ndarray, *, model: str, download_root: str | None = None, language: str = "zh",
               device: str | None = None, engine: str = "openai-whisper") -> TranscriptResult:
    """Transcribe 16 kHz mono samples; a silent recording gives no segments."""
    result = TranscriptResult(language=language, engine=engine, model=model)
    if is_silent(samples):
        return result
    raw = ENGINES[engine](samples, model=model, download_root=download_root, language=language, device=device)
    result.segments = clean_segments(raw, language)
    return result
