"""Celery tasks: each loads its row and calls one service. Only `evidence.queue` sends
them; their names (`evidence.tasks.*`) are in queues and the beat schedule, so they stay."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils.translation import gettext_noop

from evidence.bundle.services import bundle_build, bundle_fail
from evidence.custody_anchors import anchor_due_heads
from evidence.export.services import (
    ExportRefused,
    export_build,
    export_fail,
    exports_clean_expired,
    exports_requeue_stuck,
)
from evidence.intake.resumable import uploads_clean_abandoned
from evidence.models import Bundle, CaseExport, EvidenceItem
from evidence.processing import pipeline
from evidence.processing.steps import TransientError
from evidence.redaction.services import redacted_copy_build, redaction_suggest_run, redactions_requeue_stuck
from evidence.sanity import sanity_check_run


@shared_task
def process_item(item_id: str) -> None:
    """Start the processing of a newly received item."""
    item = EvidenceItem.objects.filter(pk=item_id).first()
    if item is not None:
        pipeline.pipeline_start(item)


@shared_task(bind=True, acks_late=True, max_retries=5)
def run_job(self, job_id: int) -> None:
    """Run one processing job; retry only transient errors, with backoff."""
    job = pipeline.job_claim(job_id)
    if job is None:
        return
    try:
        pipeline.job_run(job)
    except TransientError as exc:
        if self.request.retries >= self.max_retries:
            pipeline.job_give_up(
                job_id,
                exc.final
                or gettext_noop("A service needed for this step could not be reached. Please try again later."),
            )
            return
        raise self.retry(exc=exc, countdown=min(600, 10 * 2**self.request.retries)) from exc


@shared_task
def requeue_stuck_jobs() -> int:
    """Periodic: queue again jobs whose message was lost or whose worker died."""
    return pipeline.requeue_stuck_jobs(
        pending_after=timedelta(seconds=settings.JOB_PENDING_REQUEUE_SECONDS),
        running_after=timedelta(seconds=settings.JOB_RUNNING_REQUEUE_SECONDS),
    )


@shared_task(acks_late=True)
def build_bundle(bundle_id: str) -> None:
    """Make one bundle's PDF and ZIP; a failure is recorded on the bundle in plain words."""
    bundle = Bundle.objects.select_related("case").filter(pk=bundle_id).first()
    if bundle is None:
        return
    try:
        bundle_build(bundle)
    except Exception:
        logging.getLogger(__name__).exception("bundle %s failed", bundle_id)
        bundle_fail(bundle_id, gettext_noop("The bundle could not be made. Your evidence is safe; please try again."))


@shared_task(acks_late=True)
def build_export(export_id: str) -> None:
    """Make the owner's full copy of a case; a failure is recorded on the export in plain words."""
    export = CaseExport.objects.select_related("case").filter(pk=export_id).first()
    if export is None:
        return
    try:
        export_build(export)
    except ExportRefused as exc:
        export_fail(export_id, str(exc))
    except Exception:
        logging.getLogger(__name__).exception("export %s failed", export_id)
        export_fail(export_id, gettext_noop("The copy could not be made. Your evidence is safe; please try again."))


@shared_task
def clean_expired_exports() -> int:
    """Periodic: delete the files of exports past EXPORT_HOURS; queue again those stuck unmade."""
    exports_requeue_stuck(older_than=timedelta(seconds=settings.JOB_RUNNING_REQUEUE_SECONDS))
    return exports_clean_expired()


@shared_task
def requeue_stuck_redactions() -> int:
    """Periodic: queue again suggestions and redacted copies whose message was lost or whose worker died."""
    return redactions_requeue_stuck(
        pending_after=timedelta(seconds=settings.JOB_PENDING_REQUEUE_SECONDS),
        running_after=timedelta(seconds=settings.JOB_RUNNING_REQUEUE_SECONDS),
    )


@shared_task
def clean_abandoned_uploads() -> int:
    """Periodic: delete uploads sent in pieces and left unfinished."""
    return uploads_clean_abandoned()


@shared_task
def anchor_custody_heads() -> int:
    """Periodic: time-stamp the custody chain head of every case that changed since its last anchor."""
    return anchor_due_heads()


@shared_task
def sanity_check() -> int:
    """Periodic: re-hash every stored original and derived file; return how many problems were found."""
    return len(sanity_check_run().problems)


@shared_task(acks_late=True)
def make_redacted_copy(copy_id: str) -> None:
    """Make one redacted copy; a failure is recorded on its row in plain words."""
    redacted_copy_build(copy_id)


@shared_task(acks_late=True)
def suggest_redaction(redaction_id: str) -> None:
    """Find what one redaction should hide; a failure is recorded on its row in plain words."""
    redaction_suggest_run(redaction_id)
