import pytest

from evidence.processing.audio import AudioDecodeError, decode_audio, is_silent, probe_audio
from tests.audio_samples import PHONE_FORMATS, encode, silence, speak


@pytest.fixture(scope="module")
def speech(tmp_path_factory):
    return speak("Please call me back tomorrow about the payment.", tmp_path_factory.mktemp("a") / "speech.wav")


@pytest.mark.parametrize("fmt", sorted(PHONE_FORMATS))
def test_phone_formats_decode_to_16khz_mono(speech, tmp_path, fmt):
    path = encode(speech, tmp_path / f"call.{fmt}", fmt)
    reference = probe_audio(str(speech)).duration_s
    info = probe_audio(str(path))
    assert info.channels == 1 and info.sample_rate == PHONE_FORMATS[fmt][2]
    assert abs(info.duration_s - reference) < 0.3
    samples = decode_audio(str(path))
    assert samples.dtype.name == "float32"
    assert abs(len(samples) / 16000 - reference) < 0.3
    assert not is_silent(samples)


def test_amr_is_reported_as_amr(speech, tmp_path):
    assert "amr" in probe_audio(str(encode(speech, tmp_path / "c.amr", "amr"))).codec


def test_silence_is_recognised(tmp_path):
    assert is_silent(decode_audio(str(silence(tmp_path / "s.wav"))))


@pytest.mark.parametrize("data", [b"", b"#!AMR\n" + b"\x00" * 3, b"not audio at all" * 100])
def test_corrupt_files_raise_a_named_error(tmp_path, data):
    path = tmp_path / "bad.amr"
    path.write_bytes(data)
    with pytest.raises(AudioDecodeError):
        decode_audio(str(path))
