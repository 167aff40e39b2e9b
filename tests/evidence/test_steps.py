"""Each processing step called directly, as a management command or a test would: a plain
function from an item row to what it recorded, without HTTP or the queue."""

import os

import pytest
from django.core.files import File
from django.core.files.storage import FileSystemStorage

from evidence.custody import WORKER
from evidence.intake.services import check_file, evidence_create
from evidence.models import DerivedFile, EvidenceItem, ProcessingJob, Timestamp
from evidence.processing import pipeline, steps
from tests.conftest import png_bytes, sha256, wav_bytes

pytestmark = pytest.mark.django_db


class StorageWithoutPaths(FileSystemStorage):
    """Local files that, like S3, offer no path: the steps must copy the original out and check it."""

    def path(self, name):
        raise NotImplementedError("no local path")

    def _open(self, name, mode="rb"):
        return File(open(FileSystemStorage.path(self, name), mode))


@pytest.fixture
def received(alice_case, tmp_path):
    """Take a file in without processing it (the queue only runs after a commit, which a test never makes)."""

    def received(name: str, data: bytes, kind: str) -> EvidenceItem:
        path = tmp_path / name
        path.write_bytes(data)
        mime, kind = check_file(str(path), len(data), kind)
        with open(path, "rb") as fh:
            item, _created = evidence_create(
                case=alice_case,
                actor=WORKER,
                content=File(fh),
                sha256=sha256(data),
                size=len(data),
                mime=mime,
                fields={"kind": kind, "original_filename": name},
            )
        assert not ProcessingJob.objects.filter(item=item).exists()
        return item

    return received


def test_integrity_reads_the_stored_bytes_back(received):
    item = received("shot.png", png_bytes(), "screenshot")
    assert steps.step_integrity(item) == {"sha256_read": item.sha256}


def test_a_time_stamp_is_made_once_for_the_originals_hash(received):
    item = received("shot.png", png_bytes(), "screenshot")
    first = steps.step_timestamp(item)
    assert steps.step_timestamp(item) == first
    stamp = Timestamp.objects.get(item=item)
    assert stamp.original_sha256 == item.sha256 and first["timestamp_kind"] == stamp.kind


def test_the_audio_step_reads_the_number_and_time_a_recorder_put_in_the_file_name(received):
    item = received("13812345678_20230512143000.wav", wav_bytes(2.0), "call_recording")
    result = steps.step_audio(item)
    item.refresh_from_db()
    assert item.counterparty_number == "13812345678" and item.occurred_at is not None
    assert result["from_filename"] == ["counterparty_number", "occurred_at"]
    assert result["audio"]["duration_s"] == pytest.approx(2.0, abs=0.05) and result["audio"]["sample_rate"] == 8000
    listen = DerivedFile.objects.get(item=item, kind="listen")
    assert listen.sha256 == result["listening_copy_sha256"] and listen.original_sha256 == item.sha256


def test_the_image_step_keeps_a_thumbnail_apart_from_the_original(received):
    item = received("shot.png", png_bytes(), "screenshot")
    result = steps.step_image(item)
    item.refresh_from_db()
    assert item.metadata["image"]["width"] == 40
    assert DerivedFile.objects.get(item=item, kind="thumbnail").sha256 == result["thumbnail_sha256"]


def test_the_call_log_step_reads_each_call(received):
    csv = "号码,时间,类型\n13800001111,2023-05-12 14:30:00,呼入\n13800002222,2023-05-12 23:10:00,未接\n".encode()
    item = received("calls.csv", csv, "call_log")
    result = steps.step_call_log(item)
    assert (result["calls"], result["source"], len(result["rows_sha256"])) == (2, "call_log", 64)
    item.refresh_from_db()
    assert [row["number"] for row in item.metadata["call_log"]] == ["13800001111", "13800002222"]


def test_a_call_log_without_numbers_fails_in_plain_words(received):
    item = received("calls.csv", "名字,备注\n张三,你好\n".encode(), "call_log")
    with pytest.raises(steps.StepFailed, match="No phone number and time columns"):
        steps.step_call_log(item)


def test_an_original_changed_in_remote_storage_stops_the_step_in_plain_words(received, settings, media):
    item = received("call.wav", wav_bytes(1.0), "call_recording")
    stored = media / "evidence" / item.stored_name
    os.chmod(stored, 0o640)
    stored.write_bytes(stored.read_bytes()[:-100])
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {"BACKEND": f"{__name__}.StorageWithoutPaths", "OPTIONS": {"location": str(media / "evidence")}},
    }
    job = ProcessingJob.objects.create(item=item, step="audio", status=ProcessingJob.Status.RUNNING)
    pipeline.job_run(job)
    job.refresh_from_db()
    assert job.status == "failed" and job.error.startswith("The stored file no longer matches the bytes received")
    assert not DerivedFile.objects.filter(item=item).exists()
