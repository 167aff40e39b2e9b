"""Files built to exhaust a worker end in a clear state instead: recordings over
MAX_AUDIO_MINUTES are refused before they fill memory, OCR never decodes an image the
image step refused, and a job whose worker keeps dying is given up, not re-queued forever."""

import io
import struct
import tracemalloc
from datetime import timedelta

import av
import numpy as np
import pytest
from django.core.files import File
from django.utils import timezone
from PIL import Image

from evidence.custody import WORKER
from evidence.intake import services
from evidence.models import EvidenceItem, ProcessingJob, Transcript
from evidence.processing import audio, ocr, pipeline
from evidence.processing.steps import TOO_LONG

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def flac_silence(seconds: int, *, declare_samples: int | None, rate: int = 8000) -> bytes:
    """A FLAC file of silence (hours of it fit in a few MB); its header declares
    `declare_samples` samples, or no length at all (0) as a streaming encoder leaves it."""
    out = io.BytesIO()
    with av.open(out, "w", format="flac") as container:
        stream = container.add_stream("flac", rate=rate, layout="mono")
        block = np.zeros((1, rate * 10), dtype=np.int16)
        for i in range(seconds // 10):
            frame = av.AudioFrame.from_ndarray(block, format="s16", layout="mono")
            frame.sample_rate, frame.pts = rate, i * rate * 10
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    data = bytearray(out.getvalue())
    if declare_samples is not None:  # STREAMINFO's 36-bit total-samples field, bytes 18-25 of the file
        field = int.from_bytes(data[18:26], "big") & ~((1 << 36) - 1)
        data[18:26] = (field | declare_samples).to_bytes(8, "big")
    return bytes(data)


def wav_silence_file(path, megabytes: int, rate: int = 8000):
    """A 16-bit mono WAV of silence of `megabytes` MB, written without holding it in memory."""
    size = megabytes * 1024 * 1024
    with open(path, "wb") as fh:
        fh.write(
            b"RIFF"
            + struct.pack("<I", 36 + size)
            + b"WAVEfmt "
            + struct.pack("<IHHIIHH", 16, 1, 1, rate, rate * 2, 2, 16)
        )
        fh.write(b"data" + struct.pack("<I", size))
        zeros = bytes(1024 * 1024)
        for _ in range(megabytes):
            fh.write(zeros)
    return path


def take_in(case, alice, path, name: str, kind: str, django_capture_on_commit_callbacks) -> EvidenceItem:
    """Take a file on disk in as Alice would and run its processing in-process."""
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    mime, kind = services.check_file(str(path), path.stat().st_size, kind)
    actor = WORKER.__class__(user=alice)
    with django_capture_on_commit_callbacks(execute=True), open(path, "rb") as fh:
        item, _ = services.evidence_create(
            case=case,
            actor=actor,
            content=File(fh, name=name),
            sha256=digest.hexdigest(),
            size=path.stat().st_size,
            mime=mime,
            fields={"kind": kind, "original_filename": name},
        )
    item.refresh_from_db()
    return item


def assert_too_long(item: EvidenceItem) -> None:
    assert item.status == "failed" and item.status_detail == TOO_LONG
    assert item.jobs.get(step="audio").status == "failed"
    transcribe = item.jobs.get(step="transcribe")  # it checks the length itself, and fails the same way
    assert transcribe.status == "failed" and transcribe.error == TOO_LONG
    assert item.metadata["audio"]["too_long"] is True
    assert not Transcript.objects.filter(item=item).exists()


def test_a_200_mb_file_of_silence_ends_too_long_without_filling_memory(
    alice, alice_case, tmp_path, django_capture_on_commit_callbacks
):
    path = wav_silence_file(tmp_path / "call.wav", 200)  # 218 minutes at 8 kHz
    tracemalloc.start()
    try:
        item = take_in(alice_case, alice, path, "call.wav", "call_recording", django_capture_on_commit_callbacks)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert_too_long(item)
    assert peak < 64 * 1024 * 1024, f"peak {peak / 2**20:.0f} MB"


def test_a_tiny_file_declaring_hours_ends_too_long(alice, alice_case, tmp_path, django_capture_on_commit_callbacks):
    path = tmp_path / "call.flac"
    path.write_bytes(flac_silence(20, declare_samples=8000 * 3600 * 10))  # 20 s inside, "10 hours" in the header
    assert path.stat().st_size < 100_000
    item = take_in(alice_case, alice, path, "call.flac", "call_recording", django_capture_on_commit_callbacks)
    assert_too_long(item)


def test_a_recording_without_a_declared_length_is_stopped_while_decoding(
    alice, alice_case, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.MAX_AUDIO_MINUTES = 1
    path = tmp_path / "call.flac"
    path.write_bytes(flac_silence(150, declare_samples=0))  # 2.5 minutes, no length in the header
    with pytest.raises(audio.AudioTooLong):
        for _start, _window in audio.iter_audio(str(path), window_s=10, max_seconds=60):
            pass
    item = take_in(alice_case, alice, path, "call.flac", "call_recording", django_capture_on_commit_callbacks)
    assert_too_long(item)


def test_hours_without_a_declared_length_are_counted_not_held(tmp_path):
    path = tmp_path / "long.flac"
    path.write_bytes(flac_silence(3 * 3600 + 600, declare_samples=0))  # 3 h 10 min of silence in about 2 MB
    tracemalloc.start()
    try:
        with pytest.raises(audio.AudioTooLong) as refused:
            audio.probe_audio(str(path), max_seconds=180 * 60)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert refused.value.seconds > 180 * 60
    assert peak < 64 * 1024 * 1024, f"peak {peak / 2**20:.0f} MB"


def test_windows_end_in_a_pause_carry_their_start_and_join_to_the_whole(tmp_path):
    import wave

    rate = 16000
    t = np.arange(20 * rate) / rate
    speech = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    speech[int(7.0 * rate) : int(7.3 * rate)] = 0  # a pause before the first window's end (8 s)
    speech[int(14.6 * rate) : int(14.8 * rate)] = 0
    path = tmp_path / "call.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((speech * 32767).astype("<i2").tobytes())
    windows = list(audio.iter_audio(str(path), window_s=8))
    starts = [start for start, _ in windows]
    assert len(windows) == 3 and starts[0] == 0.0
    assert 7.0 <= starts[1] <= 7.3 and 14.6 <= starts[2] <= 14.8, starts  # cut in the pauses, not mid-tone
    whole = audio.decode_audio(str(path))
    assert np.array_equal(np.concatenate([w for _, w in windows]), whole)
    assert all(abs(start - sum(len(w) for _, w in windows[:i]) / rate) < 1e-9 for i, (start, _) in enumerate(windows))
    copy = tmp_path / "copy.ogg"
    copy.write_bytes(audio.listening_copy(str(path)))
    assert abs(audio.probe_audio(str(copy)).duration_s - 20.0) < 0.1


def test_ocr_never_reads_an_image_the_image_step_refused(
    alice, alice_case, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    path = tmp_path / "huge.png"
    Image.new("1", (11_000, 11_000)).save(path)  # 121 megapixels in a few KB
    read = []

    def counted(path, *threads):
        read.append(path)
        return []

    monkeypatch.setattr(ocr, "ocr_lines", counted)
    item = take_in(alice_case, alice, path, "huge.png", "screenshot", django_capture_on_commit_callbacks)
    assert item.jobs.get(step="image").status == "failed"
    assert item.jobs.get(step="ocr").status == "skipped"
    assert read == []
    assert item.status == "failed" and item.status_detail == "The image could not be read safely."


def test_a_job_whose_worker_keeps_dying_is_given_up_not_requeued_forever(send, monkeypatch):
    from tests.conftest import png_bytes

    item = send("shot.png", png_bytes(), "screenshot")
    job = item.jobs.get(step="ocr")
    monkeypatch.setattr(pipeline, "enqueue", lambda job: None)  # the worker that takes it dies every time
    rounds = 0
    while rounds < 10:
        ProcessingJob.objects.filter(pk=job.pk).update(status="running", updated=timezone.now() - timedelta(days=1))
        pipeline.requeue_stuck_jobs(pending_after=timedelta(hours=1), running_after=timedelta(hours=1))
        rounds += 1
        job.refresh_from_db()
        if job.status == "failed":
            break
    assert job.status == "failed" and rounds == pipeline.MAX_JOB_RESTARTS + 1
    item.refresh_from_db()
    assert item.status == "failed" and "stopped unexpectedly" in item.status_detail
