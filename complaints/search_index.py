"""Keeps a letter's words in the case's search (evidence/search/): its text and the channel's reply."""

from django.db.models.signals import post_delete, post_save

from complaints.models import Complaint
from evidence.models import SearchEntry
from evidence.search.index import entries_replace, paragraph_rows


def index_letter(complaint: Complaint) -> int:
    """Index each paragraph of the letter and of the reply; returns how many entries were written."""
    return entries_replace(
        case_id=complaint.case_id,
        item_id=None,
        source=complaint.pk,
        kind=SearchEntry.Kind.LETTER,
        rows=paragraph_rows(complaint.draft_text, complaint.reply_text),
    )


def _letter_saved(sender, instance: Complaint, update_fields=None, **kwargs) -> None:
    # Tracking and PDF bookkeeping saves leave the words alone.
    if update_fields is None or {"draft_text", "reply_text"} & set(update_fields):
        index_letter(instance)


def _letter_deleted(sender, instance: Complaint, **kwargs) -> None:
    SearchEntry.objects.filter(source=instance.pk).delete()


def connect() -> None:
    """Connect the receivers (called from ComplaintsConfig.ready)."""
    post_save.connect(_letter_saved, sender=Complaint, dispatch_uid="search-letter")
    post_delete.connect(_letter_deleted, sender=Complaint, dispatch_uid="search-letter-deleted")
