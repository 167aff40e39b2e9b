"""Per-account quotas: storage (QUOTA_MB), items (QUOTA_ITEMS) and uploads in progress
(QUOTA_OPEN_UPLOADS). Originals can never be deleted (custody), so junk must be kept out
at the door rather than cleaned up later. The account is the case owner's: what a
relative sends through a statement link counts against the case it goes to.
A limit of 0 means none.
"""

from django.conf import settings
from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from evidence.intake.services import IntakeError
from evidence.models import ChunkedUpload, EvidenceItem

MB = 1024 * 1024


def _usage(owner) -> tuple[int, int]:
    """Return (bytes, items) the owner's cases hold, counting uploads in progress at their announced size."""
    items = EvidenceItem.objects.filter(case__owner=owner).aggregate(n=Count("id"), size=Sum("size"))
    open_bytes = ChunkedUpload.objects.filter(case__owner=owner, item=None).aggregate(size=Sum("size"))["size"]
    return (items["size"] or 0) + (open_bytes or 0), items["n"]


def quota_check(owner, *, add_bytes: int, add_items: int = 1) -> None:
    """Raise IntakeError (413, `quota_exceeded`) when adding these would pass the owner's quota."""
    used_bytes, used_items = _usage(owner)
    if settings.QUOTA_MB and used_bytes + add_bytes > settings.QUOTA_MB * MB:
        raise IntakeError(
            "quota_exceeded",
            _(
                "This account's storage is full: it may hold %(mb)d MB of evidence and %(used)d MB are used. "
                "Nothing was added."
            )
            % {"mb": settings.QUOTA_MB, "used": used_bytes // MB},
            413,
        )
    if settings.QUOTA_ITEMS and used_items + add_items > settings.QUOTA_ITEMS:
        raise IntakeError(
            "quota_exceeded",
            _("This account already holds %(count)d items, the most allowed. Nothing was added.")
            % {"count": settings.QUOTA_ITEMS},
            413,
        )


def open_uploads_check(owner) -> None:
    """Raise IntakeError (429, `too_many_uploads`) when the owner has the most uploads in progress allowed."""
    limit = settings.QUOTA_OPEN_UPLOADS
    if limit and ChunkedUpload.objects.filter(case__owner=owner, item=None).count() >= limit:
        raise IntakeError(
            "too_many_uploads",
            _(
                "%(count)d uploads are already in progress, the most allowed at once. Let them finish, or wait until "
                "unfinished ones are cleared, then try again."
            )
            % {"count": limit},
            429,
        )
