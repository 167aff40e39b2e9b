"""What a worker does to a newly received item.

For now one step: read the stored original back and check it hashes to the
value computed at intake, so a broken disk or bucket is caught at once.
"""

from django.utils.translation import gettext_noop

from evidence.custody import WORKER, custody_record
from evidence.integrity import stored_sha256
from evidence.models import EvidenceItem


def item_process(item: EvidenceItem) -> EvidenceItem:
    """Run the processing steps on `item`; return it with its new status.

    Safe to run twice: each run re-checks and records what it found.
    """
    try:
        actual = stored_sha256(item.stored_name)
    except FileNotFoundError:
        actual = None
    if actual == item.sha256:
        item.status, item.status_detail = EvidenceItem.Status.READY, ""
    else:
        item.status = EvidenceItem.Status.FAILED
        item.status_detail = gettext_noop("The stored file does not match the file received.")
    item.save(update_fields=["status", "status_detail"])
    custody_record(case=item.case, item=item, action="integrity_checked", actor=WORKER,
                   sha256_expected=item.sha256, sha256_read=actual, ok=actual == item.sha256)
    return item
