"""Upload → commit → Redis → a real worker process → a processed, ready item."""

import signal
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from evidence.models import CustodyEvent, EvidenceItem, ProcessingJob, Transcript
from evidence.processing import pipeline
from tests.audio_samples import encode, speak
from tests.integration.conftest import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def upload(client, case, headers, name, data, kind):
    r = client.post(
        f"/api/v1/cases/{case.id}/evidence", {"file": SimpleUploadedFile(name, data), "kind": kind}, **headers
    )
    assert r.status_code == 201, r.content
    return r.json()["id"]


def settled(item_id):
    item = EvidenceItem.objects.get(pk=item_id)
    return item if item.status in ("ready", "failed") else None


@pytest.fixture(scope="module")
def speech_amr(tmp_path_factory):
    folder = tmp_path_factory.mktemp("speech")
    text = (
        "Please call me back tomorrow about the payment. This is the collection department calling again. "
        "We know where your office is and we will tell your manager about the debt. "
        "Your mother has already been told. You have until Friday evening to pay the full amount."
    )
    wav = speak(text, folder / "s.wav", speed=140)
    return encode(wav, folder / "call.amr", "amr").read_bytes()


def test_a_real_worker_transcribes_an_upload_after_commit(worker, client, alice_case, alice_api, speech_amr):
    item_id = upload(client, alice_case, alice_api, "13812345678_20230512233000.amr", speech_amr, "call_recording")
    item = wait_until(lambda: settled(item_id), timeout=120)
    assert item.status == "ready", item.status_detail
    assert "payment" in item.transcript.text.lower()
    assert CustodyEvent.objects.get(item=item, action="processed_integrity").detail["sha256_read"] == item.sha256


def test_a_worker_killed_mid_transcription_is_finished_after_restart(
    start_worker, client, alice_case, alice_api, speech_amr
):
    first = start_worker()
    item_id = upload(client, alice_case, alice_api, "call.amr", speech_amr, "call_recording")
    wait_until(
        lambda: ProcessingJob.objects.filter(item_id=item_id, step="transcribe", status="running").exists(),
        timeout=120,
        interval=0.05,
    )
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    assert not Transcript.objects.filter(item_id=item_id).exists()

    start_worker()
    # What the periodic sweep does once a running job has gone quiet for too long.
    assert pipeline.requeue_stuck_jobs(pending_after=timedelta(hours=1), running_after=timedelta(0)) == 1
    item = wait_until(lambda: settled(item_id), timeout=120)
    assert item.status == "ready", item.status_detail
    assert Transcript.objects.filter(item_id=item_id).count() == 1
    job = item.jobs.get(step="transcribe")
    assert job.status == "done" and job.attempts == 2
    assert CustodyEvent.objects.filter(item=item, action="processed_transcribe").count() == 1


def test_a_corrupt_recording_fails_once_without_a_crash_loop(worker, client, alice_case, alice_api):
    item_id = upload(client, alice_case, alice_api, "broken.amr", b"#!AMR\n" + b"\x3c\x00" * 50, "call_recording")
    item = wait_until(lambda: settled(item_id), timeout=60)
    assert item.status == "failed"
    assert item.jobs.get(step="audio").attempts == 1
    assert worker.poll() is None
