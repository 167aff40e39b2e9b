"""The processing steps a worker runs on an item, one plain function each.

A step reads the stored original (or what earlier steps made), stores what it
produces, and returns a dict for its custody record: the hash it read and the
hashes of what it wrote. Steps are idempotent: running one twice leaves one
result. A step raises StepFailed for a final, explained failure and
TransientError for one worth retrying.
"""

from collections.abc import Callable

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from evidence.integrity import stored_sha256
from evidence.models import EvidenceItem


class StepFailed(Exception):
    """A final failure; the message (marked for translation) is shown to the user."""


class TransientError(Exception):
    """A failure that may pass (a network time-out); the step is retried with backoff."""


def step_integrity(item: EvidenceItem) -> dict:
    """Read the stored original back and check it still hashes to the value taken at intake."""
    try:
        actual = stored_sha256(item.stored_name)
    except FileNotFoundError:
        actual = None
    if actual != item.sha256:
        raise StepFailed(gettext_noop("The stored file does not match the file received."))
    return {"sha256_read": actual}


STEPS: dict[str, Callable[[EvidenceItem], dict]] = {
    "integrity": step_integrity,
}

# What each step is called on the item page.
STEP_LABELS = {
    "integrity": _("Integrity check"),
}

# Which steps each kind of evidence goes through, in order.
STEPS_BY_KIND: dict[str, list[str]] = {
    EvidenceItem.Kind.CALL_RECORDING: ["integrity"],
    EvidenceItem.Kind.SCREENSHOT: ["integrity"],
    EvidenceItem.Kind.DOCUMENT: ["integrity"],
    EvidenceItem.Kind.STATEMENT: ["integrity"],
    EvidenceItem.Kind.CALL_LOG: ["integrity"],
}

# Steps that take long or much CPU run on their own queue so uploads never wait behind them.
HEAVY_STEPS: set[str] = set()
