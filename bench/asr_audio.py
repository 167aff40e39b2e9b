"""Audio helpers of the Mandarin transcription benchmark: the phone round trip, line noise, the
hold and the character error rate. No speech is made here; the speech is the real clips in
`bench/data/asr-zh/`."""

import io
import re
import unicodedata

import av
import numpy as np

RATE = 16000
PHONE_RATE = 8000


def phone_round_trip(samples: np.ndarray, rate: int = RATE) -> np.ndarray:
    """Return `samples` after what a phone does to them: 8 kHz mono, AMR-NB 12.2 kbit/s, decoded
    back to `rate` Hz."""
    pcm = (np.clip(samples, -1, 1) * 32767).astype(np.int16).reshape(1, -1)
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="amr") as container:
        stream = container.add_stream("libopencore_amrnb", rate=PHONE_RATE, layout="mono")
        stream.bit_rate = 12200
        frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout="mono")
        frame.sample_rate = rate
        resampler = av.AudioResampler(format="s16", layout="mono", rate=PHONE_RATE)
        for narrow in [*resampler.resample(frame), *resampler.resample(None)]:
            for packet in stream.encode(narrow):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    buffer.seek(0)
    with av.open(buffer, "r") as container:
        resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
        chunks = []
        for frame in container.decode(audio=0):
            chunks += [f.to_ndarray().reshape(-1) for f in resampler.resample(frame)]
        chunks += [f.to_ndarray().reshape(-1) for f in resampler.resample(None)]
    return np.concatenate(chunks).astype(np.float32)


def _at_dbfs(signal: np.ndarray, dbfs: float) -> np.ndarray:
    rms = float(np.sqrt(np.mean(np.square(signal, dtype=np.float64))))
    return (signal * (10 ** (dbfs / 20) / rms)).astype(np.float32)


def line_noise(seconds: float, dbfs: float = -44.0, rate: int = RATE, seed: int = 0) -> np.ndarray:
    """Return phone-line noise at `dbfs` RMS: band-limited hiss (300–3400 Hz), mains hum at 50, 150
    and 250 Hz, and a few clicks."""
    rng = np.random.default_rng(seed)
    n = int(seconds * rate)
    spectrum = np.fft.rfft(rng.standard_normal(n))
    freqs = np.fft.rfftfreq(n, 1 / rate)
    spectrum[(freqs < 300) | (freqs > 3400)] = 0
    hiss = np.fft.irfft(spectrum, n)
    t = np.arange(n) / rate
    hum = np.sum([amp * np.sin(2 * np.pi * f * t) for f, amp in ((50, 1.0), (150, 0.5), (250, 0.25))], axis=0)
    noise = _at_dbfs(hiss, 0) + 0.5 * _at_dbfs(hum, 0)
    for at in rng.integers(0, max(n - 40, 1), size=max(1, int(seconds / 4))):
        noise[at : at + 40] += rng.uniform(2, 4) * np.hanning(40) * rng.choice((-1, 1))
    return _at_dbfs(noise, dbfs)


def hold_tones(seconds: float, dbfs: float = -24.0, rate: int = RATE) -> np.ndarray:
    """Return a hold: a simple repeating tone melody (no speech), as a switchboard plays."""
    notes = (523.25, 659.25, 783.99, 659.25, 587.33, 698.46, 880.0, 698.46)
    note_len = int(0.4 * rate)
    envelope = np.minimum(1, np.minimum(np.arange(note_len), np.arange(note_len)[::-1]) / (0.02 * rate))
    t = np.arange(note_len) / rate
    melody = np.concatenate([envelope * np.sin(2 * np.pi * f * t) for f in notes])
    out = np.resize(melody, int(seconds * rate))
    return _at_dbfs(out, dbfs)


_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


def normalise_for_cer(text: str) -> str:
    """Return text as scored: Simplified script, full-width folded, punctuation and spaces removed,
    Latin letters lower-cased."""
    from evidence.processing.transcribe import to_simplified

    text = unicodedata.normalize("NFKC", to_simplified(text))
    return _PUNCT.sub("", text).lower()


def edit_distance(ref: str, hyp: str) -> int:
    """Return the Levenshtein distance between two strings, by characters."""
    previous = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        current = [i]
        for j, h in enumerate(hyp, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (r != h)))
        previous = current
    return previous[-1]
