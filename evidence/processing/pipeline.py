"""Running an item's processing steps as jobs.

Each step of each item is a ProcessingJob row; the Celery message only says
which row to look at. Jobs of one item run one after another: finishing one
queues the next, and the item is ready when every job is done.
"""

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from evidence import queue
from evidence.custody import WORKER, custody_record
from evidence.models import EvidenceItem, ProcessingJob
from evidence.processing import steps
from evidence.storage.workfiles import OriginalChanged

log = logging.getLogger(__name__)
JobStatus = ProcessingJob.Status


def queue_for(step: str) -> str:
    return queue.HEAVY if step in steps.HEAVY_STEPS else queue.DEFAULT


def enqueue(job: ProcessingJob) -> None:
    """Wake a worker for `job` once the current transaction commits."""
    queue.enqueue_job(job.pk, queue_for(job.step))


def pipeline_start(item: EvidenceItem) -> None:
    """Create the item's jobs (once) and queue the first one still to do."""
    for step in steps.STEPS_BY_KIND[item.kind]:
        ProcessingJob.objects.get_or_create(item=item, step=step)
    pipeline_continue(item)


def pipeline_continue(item: EvidenceItem) -> None:
    """Queue the item's next pending job, or settle the item's status when none is left."""
    jobs = list(item.jobs.all())
    pending = [job for job in jobs if job.status in (JobStatus.PENDING, JobStatus.RUNNING)]
    if pending:
        # Status first: outside a transaction the next job may run (and finish
        # the item) before enqueue() returns.
        _set_item_status(item, EvidenceItem.Status.PROCESSING, "")
        if pending[0].status == JobStatus.PENDING:
            enqueue(pending[0])
        return
    failed = [job for job in jobs if job.status == JobStatus.FAILED]
    if failed:
        _set_item_status(item, EvidenceItem.Status.FAILED, failed[0].error)
    else:
        _set_item_status(item, EvidenceItem.Status.READY, "")


def _set_item_status(item: EvidenceItem, status: str, detail: str) -> None:
    if (item.status, item.status_detail) != (status, detail):
        item.status, item.status_detail = status, detail
        item.save(update_fields=["status", "status_detail"])


def job_claim(job_id: int) -> ProcessingJob | None:
    """Mark a pending or stale job running and return it; None when there is nothing to do."""
    with transaction.atomic():
        job = ProcessingJob.objects.select_for_update().select_related("item__case").filter(pk=job_id).first()
        if job is None or job.status in (JobStatus.DONE, JobStatus.FAILED, JobStatus.SKIPPED):
            return None
        job.status, job.attempts = JobStatus.RUNNING, job.attempts + 1
        job.save(update_fields=["status", "attempts", "updated"])
    return job


def job_run(job: ProcessingJob) -> None:
    """Run a claimed job's step and record the outcome; TransientError propagates for a retry."""
    item = job.item
    needed = steps.PREREQUISITES.get(job.step)
    if needed and item.jobs.filter(step=needed, status=JobStatus.FAILED).exists():
        _finish(job, JobStatus.SKIPPED, detail={"ok": False, "skipped": f"{needed} failed"})
        return
    try:
        result = steps.STEPS[job.step](item)
    except steps.StepFailed as exc:
        _finish(job, JobStatus.FAILED, error=str(exc), detail={"ok": False, "error": str(exc)})
    except OriginalChanged:
        log.error("item %s: stored original %s no longer matches its hash", item.pk, item.stored_name)
        error = gettext_noop(
            "The stored file no longer matches the bytes received, so nothing was made from it. "
            "This was logged for the site's operator; the hash recorded at upload still stands."
        )
        _finish(job, JobStatus.FAILED, error=error, detail={"ok": False, "error": "original_changed"})
    except steps.TransientError:
        job.status = JobStatus.PENDING
        job.save(update_fields=["status", "updated"])
        raise
    except Exception:
        log.exception("step %s failed on item %s", job.step, item.pk)
        error = gettext_noop("Processing failed unexpectedly. The original is safe; please try again later.")
        _finish(job, JobStatus.FAILED, error=error, detail={"ok": False, "error": "unexpected"})
    else:
        _finish(
            job, JobStatus.SKIPPED if result.pop("skipped", False) else JobStatus.DONE, detail={"ok": True, **result}
        )


def job_give_up(job_id: int, error: str) -> None:
    """Record a job whose retries ran out as failed, in plain words, and settle its item."""
    job = ProcessingJob.objects.select_related("item__case").get(pk=job_id)
    _finish(job, JobStatus.FAILED, error=error, detail={"ok": False, "error": error})


def _finish(job: ProcessingJob, status: str, *, detail: dict, error: str = "") -> None:
    item = job.item
    with transaction.atomic():
        job.status, job.error, job.progress = status, error, 100 if status == JobStatus.DONE else job.progress
        job.save(update_fields=["status", "error", "progress", "updated"])
        custody_record(
            case=item.case, item=item, action=f"processed_{job.step}", actor=WORKER, sha256=item.sha256, **detail
        )
        pipeline_continue(item)


# A job whose worker died this many times is failed for good instead of started again: a file
# that kills the worker (for memory, say) would otherwise be re-queued forever.
MAX_JOB_RESTARTS = 2
DIED_REPEATEDLY = gettext_noop(
    "Processing of this file stopped unexpectedly several times, so it was given up. The original is safe."
)


def requeue_stuck_jobs(*, pending_after: timedelta, running_after: timedelta) -> int:
    """Queue again the jobs whose message was lost or whose worker died; return how many.

    A pending job untouched for `pending_after`, or a running one untouched for
    `running_after` (longer than any step takes), is put back to pending; a
    running one whose worker already died MAX_JOB_RESTARTS times is failed.
    """
    now = timezone.now()
    stuck = ProcessingJob.objects.filter(
        status=JobStatus.PENDING, updated__lt=now - pending_after
    ) | ProcessingJob.objects.filter(status=JobStatus.RUNNING, updated__lt=now - running_after)
    count = 0
    for job in stuck.select_related("item__case"):
        died = job.status == JobStatus.RUNNING
        if died and job.restarts >= MAX_JOB_RESTARTS:
            log.warning("job %s (%s of item %s) gave up after %s restarts", job.pk, job.step, job.item_id, job.restarts)
            _finish(
                job, JobStatus.FAILED, error=DIED_REPEATEDLY, detail={"ok": False, "error": "worker died repeatedly"}
            )
            continue
        with transaction.atomic():
            ProcessingJob.objects.filter(pk=job.pk).update(
                status=JobStatus.PENDING, updated=now, restarts=job.restarts + (1 if died else 0)
            )
            enqueue(job)
        count += 1
    return count
