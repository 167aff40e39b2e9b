"""Diarization benchmark: who spoke when, on two-voice calls built from real Mandarin speech.

Each test call interleaves pieces of two real recordings of two different
Mandarin speakers (bench/data/diarization/, sources in SOURCES.md): A, B, A,
B, ... with pauses of 0.3-0.8 s, band-limited to a phone's 8 kHz and back, so
the turns are known exactly. The same pairs are also run as two-channel files
(one side per channel). Reported per call and in total: the diarization error
rate (missed speech + false alarm + speaker confusion, over the reference
speech, with the usual 0.25 s forgiveness collar around each reference
boundary, under the best mapping of found voices to speakers), and whether the
victim's voice, marked in one call, is found again in the others by likeness.

    .venv/bin/python bench/diarization.py
"""

import itertools
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from evidence.processing import diarization  # noqa: E402
from evidence.processing.audio import decode_audio  # noqa: E402
from evidence.voices import normalised, victim_voice  # noqa: E402

DATA = REPO / "bench" / "data" / "diarization"
SPEAKERS = {
    "A": "aishell1_S0764.wav",
    "B": "wenetspeech_meeting.wav",
    "C": "funasr_asr_example.wav",
    "D": "funasr_triton_long.wav",
}
RATE = diarization.RATE
FRAME = 0.01
COLLAR = 0.25


def pieces(samples: np.ndarray, rng: np.random.Generator) -> list[np.ndarray]:
    """Cut a recording into pieces of 1.2-3 s at its quietest 20 ms near each cut, leading and trailing silence trimmed."""
    out, start = [], 0
    while len(samples) - start > 0.8 * RATE:
        target = start + int(rng.uniform(1.2, 3.0) * RATE)
        if target >= len(samples) - int(0.8 * RATE):
            cut = len(samples)
        else:
            lo, hi = target - int(0.3 * RATE), min(target + int(0.3 * RATE), len(samples))
            energy = [np.sum(np.square(samples[i : i + 320])) for i in range(lo, hi - 320, 160)]
            cut = lo + 160 * int(np.argmin(energy))
        out.append(trim(samples[start:cut]))
        start = cut
    return [p for p in out if len(p) > 0.4 * RATE]


def trim(piece: np.ndarray) -> np.ndarray:
    """The piece without its silent ends (20 ms frames under 1/20 of its loudest frame's level)."""
    frames = np.sqrt([np.mean(np.square(piece[i : i + 320])) for i in range(0, len(piece) - 320, 320)])
    loud = np.nonzero(frames > frames.max() / 20)[0]
    return piece[loud[0] * 320 : (loud[-1] + 1) * 320] if len(loud) else piece


def phone_band(samples: np.ndarray) -> np.ndarray:
    """Down to 8 kHz and back up, as a call through the phone network sounds."""
    from scipy.signal import resample_poly

    return resample_poly(resample_poly(samples, 1, 2), 2, 1).astype(np.float32)


def build_call(a: np.ndarray, b: np.ndarray, rng: np.random.Generator, stereo: bool = False):
    """Interleave pieces of two speakers. Return (samples, reference turns [(start, end, speaker 0|1)])."""
    queues = [pieces(a, rng), pieces(b, rng)]
    channels: list[list] = [[], []]
    turns, t, who = [], 0.0, 0
    while queues[0] or queues[1]:
        if not queues[who]:
            who = 1 - who
        piece = queues[who].pop(0)
        gap = np.zeros(int(rng.uniform(0.3, 0.8) * RATE), dtype=np.float32)
        for side in (0, 1):
            channels[side] += [gap, piece if side == who or not stereo else np.zeros_like(piece)]
        if not stereo:
            channels[1 - who][-1] = np.zeros_like(piece)
        t += len(gap) / RATE
        turns.append((t, t + len(piece) / RATE, who))
        t += len(piece) / RATE
        who = 1 - who
    left, right = (np.concatenate(c) for c in channels)
    if stereo:
        return (phone_band(left), phone_band(right)), turns
    return phone_band(left + right), turns


def frames_of(turns, n: int) -> np.ndarray:
    """Speaker per 10 ms frame, -1 for silence."""
    out = np.full(n, -1)
    for start, end, who in turns:
        out[int(start / FRAME) : int(end / FRAME)] = who
    return out


def der(reference, hypothesis, duration: float) -> dict:
    """Diarization error rate with a forgiveness collar and the best mapping of found voices to speakers."""
    n = int(duration / FRAME) + 1
    ref = frames_of(reference, n)
    scored = np.ones(n, dtype=bool)
    for start, end, _who in reference:
        for edge in (start, end):
            scored[max(0, int((edge - COLLAR) / FRAME)) : int((edge + COLLAR) / FRAME)] = False
    best: tuple | None = None
    for mapping in itertools.permutations((0, 1)):
        hyp = frames_of([(s, e, mapping[v] if v < 2 else v) for s, e, v in hypothesis], n)
        missed = int(np.sum(scored & (ref >= 0) & (hyp < 0)))
        false_alarm = int(np.sum(scored & (ref < 0) & (hyp >= 0)))
        confusion = int(np.sum(scored & (ref >= 0) & (hyp >= 0) & (ref != hyp)))
        if best is None or missed + false_alarm + confusion < sum(best[:3]):
            best = (missed, false_alarm, confusion, dict(enumerate(mapping)))
    speech = int(np.sum(scored & (ref >= 0)))
    assert best is not None
    missed, false_alarm, confusion, mapping = best
    return {
        "speech_s": speech * FRAME,
        "missed_s": missed * FRAME,
        "false_alarm_s": false_alarm * FRAME,
        "confusion_s": confusion * FRAME,
        "der": (missed + false_alarm + confusion) / speech,
        "mapping": mapping,
    }


def run_call(name: str, audio, turns, results: list) -> tuple[diarization.Diarization, dict]:
    started = time.perf_counter()
    if isinstance(audio, tuple):
        found = (
            diarization.diarize_channels(*audio)
            if diarization.separate_sides(*audio)
            else diarization.diarize(audio[0] + audio[1])
        )
        duration = len(audio[0]) / RATE
    else:
        found = diarization.diarize(audio)
        duration = len(audio) / RATE
    seconds = time.perf_counter() - started
    score = der(turns, [(t.start, t.end, t.voice) for t in found.turns], duration)
    results.append(score)
    print(
        f"{name:<16} {duration:6.1f} s  method={found.method:<9} voices={len(found.centroids) or 2}  "
        f"DER={score['der']:6.1%}  (missed {score['missed_s']:.2f} s, false alarm {score['false_alarm_s']:.2f} s, "
        f"confusion {score['confusion_s']:.2f} s of {score['speech_s']:.1f} s)  RTF={seconds / duration:.3f}"
    )
    return found, score


def main() -> None:
    rng = np.random.default_rng(13)
    voices = {k: decode_audio(str(DATA / f)) for k, f in SPEAKERS.items()}
    print("Speaker likeness of the source clips (cosine, whole clip):")
    whole = {k: diarization.embed_chunks(v, [(0, len(v) / RATE)])[0] for k, v in voices.items()}
    for x, y in itertools.combinations(whole, 2):
        print(f"  {x}-{y}: {float(normalised(whole[x]) @ normalised(whole[y])):.3f}")
    mono: list[dict] = []
    stereo: list[dict] = []
    victim_checks: list = []
    print("\nOne-channel calls (two voices clustered):")
    prints: dict[str, list] = {}
    for x, y in itertools.combinations(SPEAKERS, 2):
        audio, turns = build_call(voices[x], voices[y], rng)
        found, score = run_call(f"{x}+{y}", audio, turns, mono)
        if len(found.centroids) == 2:
            for speaker, voice in (
                (x, [v for v, s in score["mapping"].items() if s == 0][0]),
                (y, [v for v, s in score["mapping"].items() if s == 1][0]),
            ):
                prints.setdefault(speaker, []).append((f"{x}+{y}", found.centroids, voice))
    print("\nTwo-channel calls (one side per channel):")
    for x, y in itertools.combinations(SPEAKERS, 2):
        audio, turns = build_call(voices[x], voices[y], rng, stereo=True)
        run_call(f"{x}+{y} stereo", audio, turns, stereo)
    print("\nVictim's voice marked in one call, found again in the others by likeness:")
    for speaker, calls in prints.items():
        marked_call, centroids, voice = calls[0]
        for other, other_centroids, truth in calls[1:]:
            guess = victim_voice(other_centroids, centroids[voice])
            victim_checks.append(guess == truth)
            print(
                f"  {speaker} marked in {marked_call}, in {other}: "
                f"{'right' if guess == truth else ('not decided' if guess is None else 'WRONG')}"
            )
    for label, rows in (("one-channel", mono), ("two-channel", stereo)):
        speech = sum(r["speech_s"] for r in rows)
        errors = sum(r["missed_s"] + r["false_alarm_s"] + r["confusion_s"] for r in rows)
        print(f"\nDER {label} (all calls, time-weighted): {errors / speech:.1%} over {speech:.1f} s of speech")
    print(f"Victim found again: {sum(victim_checks)}/{len(victim_checks)} calls right")


if __name__ == "__main__":
    main()
