"""The one way from services to the Celery queue.

Intake, processing and bundles hand work to workers through these functions, each
called inside `transaction.on_commit` so a worker never looks for a row that is not
committed yet. `evidence.tasks` imports the services at module level, so this is the
only place that imports the tasks, and it does so when a message is sent."""

from django.db import transaction

HEAVY = "heavy"
DEFAULT = "default"


def enqueue_item(item_id) -> None:
    """Start processing a newly received item after the transaction commits."""
    transaction.on_commit(lambda: _tasks().process_item.delay(str(item_id)))


def enqueue_job(job_id: int, queue: str) -> None:
    """Wake a worker on `queue` for one processing job after the transaction commits."""
    transaction.on_commit(lambda: _tasks().run_job.apply_async(args=[job_id], queue=queue))


def enqueue_bundle(bundle_id) -> None:
    """Queue the making of a bundle's PDF and ZIP (heavy work) after the transaction commits."""
    transaction.on_commit(lambda: _tasks().build_bundle.apply_async(args=[str(bundle_id)], queue=HEAVY))


def enqueue_export(export_id) -> None:
    """Queue the making of the owner's full copy of a case (heavy: it reads every file) after commit."""
    transaction.on_commit(lambda: _tasks().build_export.apply_async(args=[str(export_id)], queue=HEAVY))


def enqueue_redacted_copy(copy_id) -> None:
    """Queue the making of a redacted copy (image painting or a PDF: heavy work) after the transaction commits."""
    transaction.on_commit(lambda: _tasks().make_redacted_copy.apply_async(args=[str(copy_id)], queue=HEAVY))


def enqueue_redaction_suggestions(redaction_id) -> None:
    """Queue the search for what a redaction should hide (reading text back, finding faces: heavy)."""
    transaction.on_commit(lambda: _tasks().suggest_redaction.apply_async(args=[str(redaction_id)], queue=HEAVY))


def _tasks():
    from evidence import tasks  # tasks imports the services that call us: imported on use

    return tasks
