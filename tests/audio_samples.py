"""Real speech for tests: espeak-ng speaks English, PyAV encodes it the way phones record calls."""

import subprocess
from pathlib import Path

import av
import numpy as np

# (suffix, container format, codec, sample rate)
PHONE_FORMATS = {
    "amr": ("amr", "libopencore_amrnb", 8000),
    "m4a": ("mp4", "aac", 8000),
    "mp3": ("mp3", "libmp3lame", 8000),
    "3gp": ("3gp", "libopencore_amrnb", 8000),
    "ogg": ("ogg", "libopus", 48000),
    "wav": ("wav", "pcm_s16le", 8000),
}


def speak(text: str, path: Path, speed: int = 150) -> Path:
    """Write `text` spoken by espeak-ng as a WAV file."""
    subprocess.run(["espeak-ng", "-s", str(speed), "-w", str(path), text], check=True, capture_output=True)
    return path


def encode(source: Path, dest: Path, fmt: str) -> Path:
    """Re-encode an audio file into one of PHONE_FORMATS (mono, phone sample rate)."""
    container_format, codec, rate = PHONE_FORMATS[fmt]
    with av.open(str(source)) as src, av.open(str(dest), "w", format=container_format) as out:
        stream = out.add_stream(codec, rate=rate, layout="mono")
        assert isinstance(stream, av.audio.stream.AudioStream)
        if codec == "libopencore_amrnb":
            stream.bit_rate = 12200
        resampler = av.AudioResampler(format=stream.codec_context.format.name, layout="mono", rate=rate)
        for frame in src.decode(audio=0):
            for piece in resampler.resample(frame):
                out.mux(stream.encode(piece))
        for piece in resampler.resample(None):
            out.mux(stream.encode(piece))
        out.mux(stream.encode(None))
    return dest


def silence(dest: Path, seconds: float = 5.0, rate: int = 8000) -> Path:
    """Write a silent mono WAV."""
    samples = np.zeros(int(seconds * rate), dtype=np.int16)
    with av.open(str(dest), "w", format="wav") as out:
        stream = out.add_stream("pcm_s16le", rate=rate, layout="mono")
        frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = rate
        out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return dest
