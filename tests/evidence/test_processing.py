import os
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from evidence.models import CustodyEvent, EvidenceItem, ProcessingJob
from evidence.processing import pipeline, steps
from tests.conftest import png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(send):
    return send("a.png", png_bytes(), "screenshot")


def test_a_received_item_is_checked_and_ready(item):
    assert item.status == EvidenceItem.Status.READY
    assert set(item.jobs.values_list("status", flat=True)) <= {"done", "skipped"}
    assert CustodyEvent.objects.get(item=item, action="processed_integrity").detail["ok"] is True


def test_a_changed_original_is_caught_and_the_item_fails(item, media, django_capture_on_commit_callbacks):
    path = media / "evidence" / item.stored_name
    os.chmod(path, 0o640)
    path.write_bytes(path.read_bytes() + b"tampered")
    ProcessingJob.objects.filter(item=item).update(status="pending")
    with django_capture_on_commit_callbacks(execute=True):
        pipeline.pipeline_start(item)
    item.refresh_from_db()
    assert item.status == EvidenceItem.Status.FAILED
    assert item.status_detail == "The stored file does not match the file received."
    event = CustodyEvent.objects.filter(item=item, action="processed_integrity").last()
    assert event.detail["ok"] is False


def test_a_transient_error_leaves_the_job_pending_for_a_retry(item, monkeypatch):
    def flaky(_item):
        raise steps.TransientError("time-out")

    monkeypatch.setitem(steps.STEPS, "integrity", flaky)
    job = item.jobs.get(step="integrity")
    ProcessingJob.objects.filter(pk=job.pk).update(status="pending")
    claimed = pipeline.job_claim(job.pk)
    assert claimed is not None
    with pytest.raises(steps.TransientError):
        pipeline.job_run(claimed)
    job.refresh_from_db()
    assert job.status == "pending" and job.attempts == 2


def test_stuck_jobs_are_queued_again(item, django_capture_on_commit_callbacks):
    job = item.jobs.get(step="integrity")
    ProcessingJob.objects.filter(pk=job.pk).update(status="running")
    assert pipeline.requeue_stuck_jobs(pending_after=timedelta(hours=1), running_after=timedelta(hours=1)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert pipeline.requeue_stuck_jobs(pending_after=timedelta(0), running_after=timedelta(0)) == 1
    job.refresh_from_db()
    assert job.status == "done"


def test_custody_events_cannot_be_changed_or_deleted(item):
    event = CustodyEvent.objects.filter(item=item).first()
    event.action = "nothing happened"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


def test_an_item_whose_jobs_run_at_once_ends_ready(transactional_db, client, alice_case, alice_api):
    # Outside a test transaction each job runs the moment it is queued, as on a fast worker.
    r = client.post(
        f"/api/v1/cases/{alice_case.id}/evidence",
        {"file": SimpleUploadedFile("a.png", png_bytes()), "kind": "screenshot"},
        **alice_api,
    )
    assert EvidenceItem.objects.get(pk=r.json()["id"]).status == EvidenceItem.Status.READY
