"""Recordings cut off mid-file (a dead battery, a killed recorder): flagged, kept byte-for-byte,
decoded as far as they go and still transcribed."""

from pathlib import Path

import av
import numpy as np
import pytest

from evidence.processing import audio, cutoff
from evidence.storage.originals import evidence_storage
from tests.audio_samples import encode, speak
from tests.conftest import REPO_ROOT

pytestmark = [pytest.mark.django_db]
CALL = REPO_ROOT / "bench" / "data" / "asr-zh" / "call.ogg"


def m4a(source: Path, dest: Path, rate: int = 44100) -> Path:
    """AAC in MP4 as phone recorders write it: the sound first, the index (moov) last."""
    with av.open(str(source)) as src, av.open(str(dest), "w", format="mp4") as out:
        stream = out.add_stream("aac", rate=rate, layout="mono")
        resampler = av.AudioResampler(format=stream.codec_context.format.name, layout="mono", rate=rate)
        for frame in src.decode(audio=0):
            for piece in resampler.resample(frame):
                out.mux(stream.encode(piece))
        out.mux(stream.encode(None))
    return dest


def loudness(samples: np.ndarray, rate: int = 16000) -> np.ndarray:
    seconds = len(samples) // rate
    return np.sqrt(np.mean(samples[: seconds * rate].reshape(seconds, rate) ** 2, axis=1))


def test_an_m4a_cut_before_its_index_is_flagged_and_decoded_up_to_the_cut(tmp_path):
    whole = m4a(CALL, tmp_path / "call.m4a")
    data = whole.read_bytes()
    assert len(data) > 2_000_000
    cut = tmp_path / "cut.m4a"
    cut.write_bytes(data[: len(data) * 2 // 3])
    with pytest.raises(av.FFmpegError):
        av.open(str(cut))  # what any player does with it
    assert cutoff.cut_off_reason(str(cut)) == "MP4 without its moov index"
    assert cutoff.cut_off_reason(str(whole)) == ""
    info = audio.probe_audio(str(cut))
    full = audio.probe_audio(str(whole))
    assert info.sample_rate == 44100 and 0.6 * full.duration_s < info.duration_s < 0.7 * full.duration_s
    recovered, original = audio.decode_audio(str(cut)), audio.decode_audio(str(whole))
    # The same sound at the same speed: second by second, the loudness follows the whole file's.
    a, b = loudness(recovered), loudness(original)[: len(loudness(recovered))]
    assert np.corrcoef(a, b)[0, 1] > 0.95


@pytest.mark.parametrize("fmt", ["amr", "ogg"])
def test_amr_and_ogg_cut_mid_file_are_flagged_and_decoded_up_to_the_cut(tmp_path, fmt):
    whole = encode(CALL, tmp_path / f"call.{fmt}", fmt)
    data = whole.read_bytes()
    cut = tmp_path / f"cut.{fmt}"
    cut.write_bytes(data[: len(data) // 2 + 7])  # mid-frame, mid-page
    assert cutoff.cut_off_reason(str(whole)) == ""
    assert cutoff.cut_off_reason(str(cut)) in ("AMR ends inside a frame", "Ogg ends inside a page")
    seconds = len(audio.decode_audio(str(cut))) / 16000
    full = len(audio.decode_audio(str(whole))) / 16000
    assert 0.45 * full < seconds < 0.55 * full


@pytest.mark.slow
def test_a_cut_off_recording_is_kept_as_sent_flagged_and_transcribed(send, tmp_path):
    wav = speak(
        "Please call me back tomorrow about the payment. You owe us money and we will call your family "
        "and your office every day until you pay the whole loan back.",
        tmp_path / "s.wav",
        speed=130,
    )
    data = m4a(wav, tmp_path / "rec.m4a").read_bytes()
    cut = data[: int(len(data) * 0.9)]
    item = send("Recording_20250512.m4a", cut, "call_recording")
    assert item.metadata["cut_off"] == {"reason": "MP4 without its moov index"}
    assert item.status == "ready", item.status_detail
    with evidence_storage().open(item.stored_name, "rb") as fh:
        assert fh.read() == cut
    assert "payment" in item.transcript.text.lower()
    assert item.metadata["audio"]["codec"] == "aac" and item.metadata["audio"]["duration_s"] > 5
