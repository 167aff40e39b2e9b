"""Who spoke when in a call recording: a suggestion for the user to confirm, never a fact.

A recording that keeps each side of the call on its own channel is split by
channel. Otherwise the speech found by Silero VAD is cut into 1.6 s windows,
each window gets a speaker embedding from Resemblyzer's voice encoder, and the
windows are clustered into at most two voices. Both models ship inside their
wheels, so nothing is downloaded at run time.

Resemblyzer's encoder is run here from its packaged weights rather than through
`import resemblyzer`: that import pulls in webrtcvad, whose module needs
`pkg_resources`, which current setuptools no longer has.
"""

import importlib.util
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import av
import numpy as np

from evidence.voices import normalised as _normalised

RATE = 16000
WINDOW = 160  # mel frames per embedding window (1.6 s), as the encoder was trained
STEP = 80  # a new window every 0.8 s
CHUNK_S = 2.4  # the longest piece of speech given one voice
VAD_THRESHOLD = 0.35  # below silero's 0.5: at 0.5 a quiet, distant speaker was missed in the benchmark
MIN_SPEECH_S = 0.4  # shorter bursts of speech are too short to tell a voice
# Two clusters whose centres are at least this alike are one voice talking (cosine similarity). Measured on
# the benchmark's real speech: one speaker split in two gave 0.69-0.86, two speakers 0.42-0.70, so a lone
# speaker is often still taken for two voices; a call has two sides, and the user confirms either way.
SAME_VOICE = 0.75


@dataclass(frozen=True)
class Turn:
    start: float
    end: float
    voice: int


@dataclass
class Diarization:
    method: str  # channels | voices | one_voice | no_speech
    turns: list[Turn] = field(default_factory=list)
    centroids: list[list[float]] = field(default_factory=list)  # one L2-normalised embedding per voice

    def as_dict(self) -> dict:
        """As stored on the transcript: turns as [start, end, voice], centroids rounded."""
        return {
            "method": self.method,
            "engine": "silero-vad+resemblyzer",
            "turns": [[t.start, t.end, t.voice] for t in self.turns],
            "centroids": [[round(x, 5) for x in c] for c in self.centroids],
        }


@lru_cache(maxsize=1)
def _vad():
    from silero_vad import load_silero_vad

    return load_silero_vad(onnx=False)


def speech_regions(samples: np.ndarray) -> list[tuple[float, float]]:
    """Return the stretches of speech in 16 kHz mono samples, in seconds."""
    import torch
    from silero_vad import get_speech_timestamps

    found = get_speech_timestamps(
        torch.from_numpy(np.ascontiguousarray(samples, dtype=np.float32)),
        _vad(),
        sampling_rate=RATE,
        threshold=VAD_THRESHOLD,
        min_silence_duration_ms=200,
        speech_pad_ms=30,
    )
    return [(s["start"] / RATE, s["end"] / RATE) for s in found if (s["end"] - s["start"]) / RATE >= MIN_SPEECH_S]


@lru_cache(maxsize=1)
def _encoder():
    import torch

    spec = importlib.util.find_spec("resemblyzer")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("resemblyzer is not installed")
    weights = Path(next(iter(spec.submodule_search_locations))) / "pretrained.pt"
    lstm, linear = torch.nn.LSTM(40, 256, num_layers=3, batch_first=True), torch.nn.Linear(256, 256)
    state = torch.load(weights, map_location="cpu", weights_only=False)["model_state"]
    lstm.load_state_dict({k[5:]: v for k, v in state.items() if k.startswith("lstm.")})
    linear.load_state_dict({k[7:]: v for k, v in state.items() if k.startswith("linear.")})
    return lstm.eval(), linear.eval()


def _mel(samples: np.ndarray) -> np.ndarray:
    import librosa

    rms = float(np.sqrt(np.mean(np.square(samples)))) or 1e-9
    gain = min(10 ** ((-30 - 20 * np.log10(rms)) / 20), 100.0)  # loudness to -30 dBFS, as in training
    frames = librosa.feature.melspectrogram(y=samples * max(gain, 1.0), sr=RATE, n_fft=400, hop_length=160, n_mels=40)
    return frames.astype(np.float32).T


def chunks_of(regions: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The speech regions cut evenly into pieces of at most CHUNK_S seconds (a turn rarely changes inside one)."""
    out = []
    for start, end in regions:
        parts = max(1, int(np.ceil((end - start) / CHUNK_S)))
        width = (end - start) / parts
        out += [(round(start + i * width, 3), round(start + (i + 1) * width, 3)) for i in range(parts)]
    return out


def embed_chunks(samples: np.ndarray, chunks: list[tuple[float, float]]) -> np.ndarray:
    """Return one L2-normalised voice embedding per chunk: the mean of its 1.6 s windows' embeddings."""
    import torch

    lstm, linear = _encoder()
    owners, batches = [], []
    for index, (start, end) in enumerate(chunks):
        mel = _mel(samples[int(start * RATE) : int(end * RATE)])
        if len(mel) < WINDOW:
            mel = np.pad(mel, ((0, WINDOW - len(mel)), (0, 0)))
        for first in range(0, max(len(mel) - WINDOW, 0) + 1, STEP):
            batches.append(mel[first : first + WINDOW])
            owners.append(index)
    if not batches:
        return np.zeros((0, 256), dtype=np.float32)
    with torch.no_grad():
        _out, (hidden, _cell) = lstm(torch.from_numpy(np.stack(batches)))
        windows = torch.relu(linear(hidden[-1])).numpy()
    owner = np.array(owners)
    return np.stack([_normalised(windows[owner == i].mean(axis=0)) for i in range(len(chunks))])


def cluster_two(embeds: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """Return a voice label (0 or 1) per window and each voice's centre; one voice when the two are alike."""
    if len(embeds) < 2:
        return np.zeros(len(embeds), dtype=int), [_normalised(embeds.mean(axis=0))] if len(embeds) else []
    from sklearn.cluster import AgglomerativeClustering

    labels = AgglomerativeClustering(n_clusters=2, metric="cosine", linkage="average").fit_predict(embeds)
    for _ in range(5):  # a few k-means steps from the tree's split: the tree alone is greedy
        centres = [_normalised(embeds[labels == k].mean(axis=0)) if (labels == k).any() else embeds[0] for k in (0, 1)]
        labels = np.argmax(embeds @ np.stack(centres).T, axis=1)
    centres = [_normalised(embeds[labels == k].mean(axis=0)) for k in (0, 1) if (labels == k).any()]
    if len(centres) < 2 or float(centres[0] @ centres[1]) >= SAME_VOICE:
        return np.zeros(len(embeds), dtype=int), [_normalised(embeds.mean(axis=0))]
    return labels, centres


def diarize(samples: np.ndarray) -> Diarization:
    """Suggest who spoke when in one mono 16 kHz recording (at most two voices)."""
    chunks = chunks_of(speech_regions(samples))
    if not chunks:
        return Diarization("no_speech")
    labels, voices = cluster_two(embed_chunks(samples, chunks))
    turns = [Turn(round(s, 2), round(e, 2), int(v)) for (s, e), v in zip(chunks, labels, strict=True)]
    return Diarization("voices" if len(voices) == 2 else "one_voice", turns, [v.tolist() for v in voices])


def decode_channels(path: str) -> list[np.ndarray]:
    """Return each channel of the recording as float32 samples at 16 kHz (one array for a mono file)."""
    with av.open(path) as container:
        stream = container.streams.audio[0]
        if stream.codec_context.channels != 2:
            return []
        resampler = av.AudioResampler(format="fltp", layout="stereo", rate=RATE)
        chunks = []
        for frame in container.decode(stream):
            chunks += [f.to_ndarray() for f in resampler.resample(frame)]
        chunks += [f.to_ndarray() for f in resampler.resample(None)]
    both = np.concatenate(chunks, axis=1).astype(np.float32)
    return [both[0], both[1]]


def separate_sides(left: np.ndarray, right: np.ndarray) -> bool:
    """True when the two channels carry different voices (each side of the call on its own channel),
    not one signal copied to both or mixed with little difference."""
    frame = RATE // 50
    n = min(len(left), len(right)) // frame
    if n < 10:
        return False
    energy = [np.sqrt(np.mean(np.square(x[: n * frame].reshape(n, frame)), axis=1)) + 1e-6 for x in (left, right)]
    ratio = 20 * np.log10(energy[0] / energy[1])
    level = np.maximum(energy[0], energy[1])
    loud = level > level.max() / 30  # within 30 dB of the loudest moment
    # Where someone speaks, one channel is much louder than the other, and each channel leads somewhere.
    return loud.sum() >= 10 and (ratio[loud] > 12).mean() > 0.2 and (ratio[loud] < -12).mean() > 0.2


def diarize_channels(left: np.ndarray, right: np.ndarray) -> Diarization:
    """One voice per channel: voice 0 is the left channel, voice 1 the right."""
    turns = [
        Turn(round(s, 2), round(e, 2), voice)
        for voice, side in enumerate((left, right))
        for s, e in speech_regions(side)
    ]
    return Diarization("channels", sorted(turns, key=lambda t: t.start))


def diarize_file(path: str, mono: np.ndarray) -> Diarization:
    """Suggest who spoke when in a recording: by channel when its sides are apart, else by voice."""
    try:
        channels = decode_channels(path)
    except (av.FFmpegError, ValueError, IndexError):
        channels = []
    if len(channels) == 2 and separate_sides(*channels):
        return diarize_channels(*channels)
    return diarize(mono)
