"""Decoding phone recordings (AMR-NB, AAC/m4a, mp3, 3gp, wav, ogg/opus) with PyAV.

PyAV carries its own FFmpeg libraries, so no system ffmpeg is needed.
"""

import io
import logging
import os
import tempfile
import wave
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import av
import numpy as np

from evidence.processing import cutoff

WHISPER_RATE = 16000
# Damage before this much sound: nothing worth keeping was decoded (a corrupt file, not a cut-off one), so it fails.
MIN_RECOVERED_SECONDS = 1.0
log = logging.getLogger(__name__)


class AudioDecodeError(Exception):
    """The file is not audio PyAV can decode (corrupt, truncated or not audio at all)."""


class AudioTooLong(Exception):
    """The recording lasts longer than the site processes (MAX_AUDIO_MINUTES): refused as
    soon as its header or the samples decoded so far show it, before it fills memory."""

    def __init__(self, seconds: float, limit: float):
        super().__init__(f"the recording lasts at least {seconds:.0f} s; the limit is {limit:.0f} s")
        self.seconds, self.limit = seconds, limit


# Transcription and the listening copy read a recording this many seconds at a time (each window
# ending in its quietest moment near the end, so no word is cut in two), so memory stays that of a
# window or two (19 MB each at 16 kHz) however long the call.
WINDOW_SECONDS = 300


@dataclass(frozen=True)
class AudioInfo:
    duration_s: float
    sample_rate: int
    channels: int
    codec: str


SILK_RATE = 24000  # WeChat voice messages are recorded at 24 kHz


@contextmanager
def decodable(path: str) -> Iterator[tuple[str, str]]:
    """Yield a path PyAV can read and the original's codec: a SILK voice message is decoded
    with pilk into a scratch WAV (the original is never changed); anything else is itself."""
    with open(path, "rb") as fh:
        head = fh.read(16)
    if cutoff.mp4_without_index(path):
        with _recovered(path) as found:
            yield found
        return
    if not (head.startswith(b"#!SILK_V3") or head.startswith(b"\x02#!SILK_V3")):
        yield path, ""
        return
    import pilk

    with tempfile.TemporaryDirectory() as tmp:
        silk = os.path.join(tmp, "voice.silk")
        with open(path, "rb") as src, open(silk, "wb") as dst:
            data = src.read()
            dst.write(data[1:] if data.startswith(b"\x02") else data)  # WeChat's leading 0x02
        pcm, wav = os.path.join(tmp, "voice.pcm"), os.path.join(tmp, "voice.wav")
        try:
            pilk.decode(silk, pcm, pcm_rate=SILK_RATE)
        except Exception as exc:  # pilk raises its own error type for a damaged stream
            raise AudioDecodeError(f"SILK decoding failed: {exc}") from exc
        with open(pcm, "rb") as raw, wave.open(wav, "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(SILK_RATE)
            out.writeframes(raw.read())
        yield wav, "silk_v3"


@contextmanager
def _recovered(path: str) -> Iterator[tuple[str, str]]:
    """An MP4 cut before its index: its AAC frames decoded into a scratch WAV (see cutoff.py)."""
    with tempfile.TemporaryDirectory() as tmp:
        wav = os.path.join(tmp, "recovered.wav")
        if not cutoff.recover_mp4_aac(path, wav):
            raise AudioDecodeError("an MP4 without its index, and no AAC sound could be read from it")
        yield wav, "aac"


def probe_audio(path: str, max_seconds: float | None = None) -> AudioInfo:
    """Return the duration, sample rate, channel count and codec of the first audio stream
    (AudioTooLong past `max_seconds`); a WeChat voice message's codec is "silk_v3"."""
    with decodable(path) as (readable, codec):
        info = _probe(readable, max_seconds)
    return AudioInfo(info.duration_s, info.sample_rate, info.channels, codec) if codec else info


def iter_audio(
    path: str, rate: int = WHISPER_RATE, *, window_s: float = WINDOW_SECONDS, max_seconds: float | None = None
) -> Iterator[tuple[float, np.ndarray]]:
    """Yield (start second, samples) windows of the recording, a SILK voice message decoded first (see _iter_audio)."""
    with decodable(path) as (readable, _codec):
        yield from _iter_audio(readable, rate, window_s=window_s, max_seconds=max_seconds)


def _probe(path: str, max_seconds: float | None = None) -> AudioInfo:
    """Return the duration, sample rate, channel count and codec of the first audio stream.

    Raise AudioTooLong when the duration (declared, or counted while decoding when the
    header gives none) passes `max_seconds`.
    """
    try:
        with av.open(path) as container:
            stream = _audio_stream(container)
            ctx = stream.codec_context
            duration = _declared_seconds(container, stream)
            if duration is not None and max_seconds is not None and duration > max_seconds:
                raise AudioTooLong(duration, max_seconds)
            if duration is None:
                duration = _count_seconds(container, stream, max_seconds)
            return AudioInfo(round(duration, 3), ctx.sample_rate, ctx.channels, ctx.name)
    except (av.FFmpegError, ValueError, IndexError) as exc:
        raise AudioDecodeError(str(exc)) from exc


def _count_seconds(container, stream, max_seconds: float | None) -> float:
    """Return the length of a stream whose header gives none, decoding it frame by frame
    (nothing kept); raise AudioTooLong as soon as it passes `max_seconds`."""
    seconds = 0.0
    try:
        for frame in container.decode(stream):
            seconds += frame.samples / frame.sample_rate
            if max_seconds is not None and seconds > max_seconds:
                raise AudioTooLong(seconds, max_seconds)
    except (av.FFmpegError, ValueError) as exc:
        if seconds < MIN_RECOVERED_SECONDS:
            raise
        log.info("decoding stopped after %.1f s: %s", seconds, exc)  # a cut-off file: count what is there
    return seconds


def _declared_seconds(container, stream) -> float | None:
    if stream.duration:
        return float(stream.duration * stream.time_base)
    if container.duration:
        return container.duration / av.time_base
    return None


def _iter_audio(
    path: str, rate: int = WHISPER_RATE, *, window_s: float = WINDOW_SECONDS, max_seconds: float | None = None
) -> Iterator[tuple[float, np.ndarray]]:
    """Yield (start second, mono float32 samples in [-1, 1] at `rate` Hz) windows of the recording.

    Raise AudioTooLong when the header declares, or the samples decoded so far
    pass, `max_seconds`; AudioDecodeError for a file that is not decodable audio.
    """
    window = max(1, int(window_s * rate))
    limit = None if max_seconds is None else int(max_seconds * rate)
    pending: list[np.ndarray] = []
    held = done = 0
    try:
        with av.open(path) as container:
            stream = _audio_stream(container)
            declared = _declared_seconds(container, stream)
            if declared is not None and max_seconds is not None and declared > max_seconds:
                raise AudioTooLong(declared, max_seconds)
            resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
            for frame in _frames_then_flush(container, stream):
                for out in resampler.resample(frame):
                    samples = out.to_ndarray().reshape(-1)
                    pending.append(samples)
                    held += len(samples)
                    if limit is not None and done + held > limit:
                        raise AudioTooLong((done + held) / rate, limit / rate)
                    while held >= window:
                        chunk, pending, held = _take(pending, window, rate)
                        yield done / rate, chunk
                        done += len(chunk)
    except (av.FFmpegError, ValueError, IndexError) as exc:
        raise AudioDecodeError(str(exc)) from exc
    if held:
        yield done / rate, np.concatenate(pending).astype(np.float32, copy=False)
    elif not done:
        raise AudioDecodeError("no audio samples in the file")


def _frames_then_flush(container, stream):
    """The stream's frames, then None for the resampler's buffered tail. Damage after the first frame
    (a file cut off mid-frame) ends the frames there: what was decoded so far is still transcribed."""
    seconds = 0.0
    try:
        for frame in container.decode(stream):
            seconds += frame.samples / frame.sample_rate
            yield frame
    except (av.FFmpegError, ValueError) as exc:
        if seconds < MIN_RECOVERED_SECONDS:
            raise
        log.info("decoding stopped after %.1f s: %s", seconds, exc)
    yield None


def _take(pending: list[np.ndarray], n: int, rate: int) -> tuple[np.ndarray, list[np.ndarray], int]:
    """Split a window of at most `n` samples off the front of `pending`, ending at its quietest
    moment near the end; return it, the rest, and the rest's length."""
    joined = np.concatenate(pending).astype(np.float32, copy=False)
    cut = _quiet_cut(joined[:n], rate)
    rest = joined[cut:].copy()  # a copy, so the window handed out is the only thing keeping `joined`
    return joined[:cut], ([rest] if len(rest) else []), len(rest)


def _quiet_cut(window: np.ndarray, rate: int) -> int:
    """Return where to end `window`: the middle of its quietest tenth of a second within the last
    15 seconds (or last quarter), so a window boundary falls in a pause, not inside a word."""
    block = max(1, rate // 10)
    search = min(15 * rate, len(window) // 4) // block * block
    if search < block:
        return len(window)
    tail = window[len(window) - search :].reshape(-1, block)
    quietest = int(np.argmin(np.sqrt(np.mean(np.square(tail, dtype=np.float64), axis=1))))
    return len(window) - search + quietest * block + block // 2


def decode_audio(path: str, rate: int = WHISPER_RATE, max_seconds: float | None = None) -> np.ndarray:
    """Return the recording as mono float32 samples in [-1, 1] at `rate` Hz (short files only:
    the whole recording is held in memory; AudioTooLong past `max_seconds`)."""
    return np.concatenate([w for _, w in iter_audio(path, rate, max_seconds=max_seconds)])


def _audio_stream(container):
    streams = container.streams.audio
    if not streams:
        raise AudioDecodeError("the file has no audio stream")
    return streams[0]


def is_silent(samples: np.ndarray, threshold_dbfs: float = -50.0) -> bool:
    """Return True when the recording's loudness (RMS) stays below `threshold_dbfs`.

    Whisper invents text for silence ("字幕由 Amara.org 社群提供"), so silent
    recordings are not given to it at all.
    """
    if samples.size == 0:
        return True
    rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))
    return rms == 0 or 20 * np.log10(rms) < threshold_dbfs


def listening_copy(path: str, bitrate: int = 24000, max_seconds: float | None = None) -> bytes:
    """Return the recording re-encoded as Opus in Ogg, which every browser plays.

    Phones record calls in AMR or 3GP, which browsers cannot play; the copy is
    for listening beside the transcript only, never instead of the original.
    The recording is read a window at a time (AudioTooLong past `max_seconds`).
    """
    out = io.BytesIO()
    with av.open(out, "w", format="ogg") as container:
        stream = container.add_stream("libopus", rate=WHISPER_RATE, layout="mono")
        stream.bit_rate = bitrate
        for _start, samples in iter_audio(path, WHISPER_RATE, max_seconds=max_seconds):
            pcm = (np.clip(samples, -1, 1) * 32767).astype(np.int16).reshape(1, -1)
            frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout="mono")
            frame.sample_rate = WHISPER_RATE
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return out.getvalue()
