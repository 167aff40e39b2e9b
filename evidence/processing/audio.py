"""Decoding phone recordings (AMR-NB, AAC/m4a, mp3, 3gp, wav, ogg/opus) with PyAV.

PyAV carries its own FFmpeg libraries, so no system ffmpeg is needed.
"""

import io
from dataclasses import dataclass

import av
import numpy as np

WHISPER_RATE = 16000


class AudioDecodeError(Exception):
    """The file is not audio PyAV can decode (corrupt, truncated or not audio at all)."""


@dataclass(frozen=True)
class AudioInfo:
    duration_s: float
    sample_rate: int
    channels: int
    codec: str


def probe_audio(path: str) -> AudioInfo:
    """Return the duration, sample rate, channel count and codec of the first audio stream."""
    try:
        with av.open(path) as container:
            stream = _audio_stream(container)
            ctx = stream.codec_context
            duration = float(stream.duration * stream.time_base) if stream.duration else None
            if duration is None and container.duration:
                duration = container.duration / av.time_base
            if duration is None:
                duration = len(decode_audio(path, rate=ctx.sample_rate)) / ctx.sample_rate
            return AudioInfo(round(duration, 3), ctx.sample_rate, ctx.channels, ctx.name)
    except (av.FFmpegError, ValueError, IndexError) as exc:
        raise AudioDecodeError(str(exc)) from exc


def decode_audio(path: str, rate: int = WHISPER_RATE) -> np.ndarray:
    """Return the recording as mono float32 samples in [-1, 1] at `rate` Hz."""
    try:
        with av.open(path) as container:
            stream = _audio_stream(container)
            resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
            chunks = []
            for frame in container.decode(stream):
                chunks += [f.to_ndarray().reshape(-1) for f in resampler.resample(frame)]
            chunks += [f.to_ndarray().reshape(-1) for f in resampler.resample(None)]
    except (av.FFmpegError, ValueError, IndexError) as exc:
        raise AudioDecodeError(str(exc)) from exc
    if not chunks:
        raise AudioDecodeError("no audio samples in the file")
    return np.concatenate(chunks).astype(np.float32)


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


def listening_copy(path: str, bitrate: int = 24000) -> bytes:
    """Return the recording re-encoded as Opus in Ogg, which every browser plays.

    Phones record calls in AMR or 3GP, which browsers cannot play; the copy is
    for listening beside the transcript only, never instead of the original.
    """
    samples = decode_audio(path, rate=WHISPER_RATE)
    pcm = (np.clip(samples, -1, 1) * 32767).astype(np.int16).reshape(1, -1)
    out = io.BytesIO()
    with av.open(out, "w", format="ogg") as container:
        stream = container.add_stream("libopus", rate=WHISPER_RATE, layout="mono")
        stream.bit_rate = bitrate
        frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout="mono")
        frame.sample_rate = WHISPER_RATE
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return out.getvalue()
