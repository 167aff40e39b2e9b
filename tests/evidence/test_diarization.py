"""Who spoke when, on real Mandarin speech of different speakers (bench/data/diarization/, see SOURCES.md)."""

import wave
from pathlib import Path

import numpy as np
import pytest

from bench.diarization import DATA, SPEAKERS, build_call, der
from evidence.models import Transcript
from evidence.processing import diarization
from evidence.processing.audio import decode_audio
from evidence.processing.steps import step_speakers
from evidence.voices import victim_voice, voice_of

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def voices():
    return {k: decode_audio(str(DATA / f)) for k, f in SPEAKERS.items()}


def write_wav(path: Path, channels: list[np.ndarray]) -> Path:
    frames = np.stack([np.clip(c, -1, 1) for c in channels], axis=1)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(len(channels))
        w.setsampwidth(2)
        w.setframerate(diarization.RATE)
        w.writeframes((frames * 32767).astype("<i2").tobytes())
    return path


def score(found: diarization.Diarization, turns, samples) -> float:
    return der(turns, [(t.start, t.end, t.voice) for t in found.turns], len(samples) / diarization.RATE)["der"]


def test_two_speakers_in_one_channel_are_told_apart(voices):
    call, turns = build_call(voices["A"], voices["C"], np.random.default_rng(13))
    found = diarization.diarize(call)
    assert found.method == "voices" and len(found.centroids) == 2
    assert score(found, turns, call) < 0.2


def test_a_recording_with_each_side_on_its_own_channel_is_split_by_channel(voices, tmp_path):
    (left, right), turns = build_call(voices["C"], voices["D"], np.random.default_rng(5), stereo=True)
    found = diarization.diarize_file(str(write_wav(tmp_path / "call.wav", [left, right])), (left + right) / 2)
    assert found.method == "channels"
    assert score(found, turns, left) < 0.1


def test_one_signal_copied_to_both_channels_is_not_taken_for_two_sides(voices, tmp_path):
    call, _turns = build_call(voices["A"], voices["C"], np.random.default_rng(13))
    found = diarization.diarize_file(str(write_wav(tmp_path / "dual-mono.wav", [call, call])), call)
    assert found.method == "voices"


def test_a_sentence_gets_the_voice_that_speaks_longest_in_it():
    turns = [(0.0, 2.0, 0), (2.0, 6.0, 1)]
    assert voice_of(1.5, 5.0, turns) == 1 and voice_of(0.0, 2.5, turns) == 0
    assert voice_of(7.0, 9.0, turns) is None


def test_the_victims_voice_is_the_one_clearly_like_the_marked_voice():
    me, other, third = [1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.6, 0.8, 0.0]
    assert victim_voice([other, me], me) == 1
    assert victim_voice([other, third], me) is None  # neither is close enough
    assert victim_voice([me], me) is None and victim_voice([other, me], None) is None


@pytest.mark.django_db
def test_the_victims_voice_marked_in_one_call_is_suggested_in_the_next(
    send, client, alice, alice_api, voices, tmp_path
):
    """Alice marks her own voice (speaker A) in one call; in a second call, with another collector, the
    machine suggests her voice as 'victim' and the other as 'collector', for her to confirm."""
    recordings = []
    for other, seed in (("C", 13), ("D", 7)):
        call, turns = build_call(voices["A"], voices[other], np.random.default_rng(seed))
        item = send(f"call-{other}.wav", write_wav(tmp_path / f"{other}.wav", [call]).read_bytes(), "call_recording")
        Transcript.objects.update_or_create(
            item=item,
            defaults={
                "original_sha256": item.sha256,
                "engine": "t",
                "model": "t",
                "language": "zh",
                "text": "",
                "segments": [
                    {"start": round(s, 2), "end": round(e, 2), "text": f"第{i}句"} for i, (s, e, _w) in enumerate(turns)
                ],
            },
        )
        step_speakers(item)
        recordings.append((item, turns))
    (first, first_turns), (second, second_turns) = recordings
    client.force_login(alice)
    page = client.get(f"/items/{first.id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "voice 1" in page and "voice 2" in page  # the machine's two voices, before anyone names them
    mine = [i for i, (_s, _e, who) in enumerate(first_turns) if who == 0]
    r = client.patch(
        f"/api/v1/evidence/{first.id}/transcript",
        {"segments": [{"id": mine[0], "speaker": "victim"}]},
        content_type="application/json",
        **alice_api,
    )
    assert r.status_code == 200
    # In the same call, her other sentences are suggested as hers and the other voice as the collector's.
    rows = client.get(f"/api/v1/evidence/{first.id}", **alice_api).json()["transcript"]["segments"]
    expected = ["victim" if who == 0 else "collector" for _s, _e, who in first_turns]
    assert sum(row["speaker"] == want for row, want in zip(rows, expected, strict=True)) >= 0.8 * len(rows)
    rows = client.get(f"/api/v1/evidence/{second.id}", **alice_api).json()["transcript"]["segments"]
    expected = ["victim" if who == 0 else "collector" for _s, _e, who in second_turns]
    right = sum(row["speaker"] == want for row, want in zip(rows, expected, strict=True))
    assert right >= 0.8 * len(rows), (rows, expected)
    assert all(row["speaker_source"] == "machine" for row in rows)
