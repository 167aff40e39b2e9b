"""WeChat voice messages: SILK v3 in a file named .amr, decoded with pilk, kept byte for byte, transcribed."""

import wave

import numpy as np
import pilk
import pytest

from evidence.intake.filetypes import SILK, accepts, kind_for, sniff_mime
from evidence.processing.audio import decode_audio, probe_audio
from tests.audio_samples import speak

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def wechat_voice(tmp_path, text: str) -> bytes:
    """Real speech encoded the way WeChat stores it: 24 kHz SILK v3 behind one 0x02 byte."""
    wav = speak(text, tmp_path / "s.wav")
    with wave.open(str(wav)) as w:
        rate, frames = w.getframerate(), np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
    # espeak-ng speaks at 22.05 kHz; WeChat records at 24 kHz.
    samples = np.interp(np.arange(0, len(frames), rate / 24000), np.arange(len(frames)), frames).astype(np.int16)
    pcm = tmp_path / "s.pcm"
    pcm.write_bytes(samples.tobytes())
    silk = tmp_path / "s.silk"
    pilk.encode(str(pcm), str(silk), pcm_rate=24000, tencent=True)
    data = silk.read_bytes()
    assert data.startswith(b"\x02#!SILK_V3")
    return data


def test_a_silk_file_named_amr_is_sniffed_decoded_and_timed(tmp_path):
    path = tmp_path / "msg_3108230523f8d4b0e0d6a1b103.amr"
    path.write_bytes(wechat_voice(tmp_path, "Pay back the money today or we will tell your boss."))
    mime = sniff_mime(str(path))
    assert mime == SILK and accepts("call_recording", mime) and kind_for(mime) == "call_recording"
    info = probe_audio(str(path))
    assert info.codec == "silk_v3" and info.sample_rate == 24000 and 2.0 < info.duration_s < 6.0
    samples = decode_audio(str(path))
    assert samples.size == pytest.approx(info.duration_s * 16000, rel=0.05) and np.abs(samples).max() > 0.1


def test_a_wechat_voice_message_is_kept_transcribed_and_a_message_on_the_timeline(
    client, alice_case, alice_api, send, tmp_path
):
    data = wechat_voice(tmp_path, "This is your last warning. Pay today.")
    item = send(
        "msg_3108230523f8d4b0e0d6a1b103.amr",
        data,
        "call_recording",
        occurred_at="2023-10-11T23:58:00+08:00",
        counterparty_number="13800138000",
    )
    assert item.mime == SILK and item.metadata["audio"]["codec"] == "silk_v3"
    from evidence.storage.originals import evidence_storage

    with evidence_storage().open(item.stored_name, "rb") as fh:
        assert fh.read() == data  # the original, byte for byte
    assert "warning" in item.transcript.text.lower()
    events = client.get(f"/api/v1/cases/{alice_case.id}/events", **alice_api).json()
    assert [(e["kind"], [s["kind"] for s in e["sources"]]) for e in events] == [("message", ["wechat_voice"])]
