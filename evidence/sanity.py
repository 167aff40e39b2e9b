"""The periodic sanity check: every stored original and derived file re-hashed against its record.

Modelled on paperless-ngx's sanity checker. Each run is a SanityCheckRun row;
a problem is logged at ERROR and shown to the case's owner on the case page.
"""

import logging

from cryptography.exceptions import InvalidTag
from django.utils import timezone

from evidence.models import DerivedFile, EvidenceItem, SanityCheckRun
from evidence.storage.integrity import stored_sha256

log = logging.getLogger(__name__)


def _problem(stored_name: str, expected: str) -> str | None:
    """Return "missing", "unreadable" or "changed" for a stored file, or None when it hashes as recorded."""
    try:
        actual = stored_sha256(stored_name)
    except FileNotFoundError:
        return "missing"
    except (OSError, ValueError, InvalidTag):
        return "unreadable"
    return None if actual == expected else "changed"


def sanity_check_run() -> SanityCheckRun:
    """Re-hash every stored file once and record the run with what it found."""
    run = SanityCheckRun.objects.create()
    problems: list[dict] = []
    checked = 0
    originals: dict[str, str | None] = {}
    # A closed case's files were deleted on purpose (accounts/closing.py).
    open_items = EvidenceItem.objects.filter(case__closed_at=None)
    for item in open_items.only("id", "case_id", "stored_name", "sha256").iterator():
        # Identical bytes in two cases are one stored original: read it once.
        if item.stored_name not in originals:
            originals[item.stored_name] = _problem(item.stored_name, item.sha256)
            checked += 1
        if problem := originals[item.stored_name]:
            problems.append(_entry(item.case_id, item.pk, item.stored_name, "original", problem))
    for derived in (
        DerivedFile.objects.select_related("item")
        .only("stored_name", "sha256", "kind", "item__id", "item__case_id")
        .iterator()
    ):
        checked += 1
        if problem := _problem(derived.stored_name, derived.sha256):
            problems.append(_entry(derived.item.case_id, derived.item.pk, derived.stored_name, derived.kind, problem))
    for p in problems:
        log.error(
            "sanity check: %s file %s of item %s (case %s) is %s",
            p["what"],
            p["file"],
            p["item"],
            p["case"],
            p["problem"],
        )
    run.files_checked, run.problems, run.finished = checked, problems, timezone.now()
    run.save(update_fields=["files_checked", "problems", "finished"])
    log.info("sanity check: %d file(s) checked, %d problem(s)", checked, len(problems))
    return run


def _entry(case_id, item_id, stored_name: str, what: str, problem: str) -> dict:
    return {"case": str(case_id), "item": str(item_id), "file": stored_name, "what": what, "problem": problem}


def case_sanity_problems(case) -> list[dict]:
    """Return the latest finished run's problems with this case's files (for its owner's page)."""
    run = SanityCheckRun.objects.exclude(finished=None).order_by("-started").first()
    if run is None:
        return []
    return [p for p in run.problems if p["case"] == str(case.pk)]
