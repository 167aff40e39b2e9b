"""What the owner and lawyers do with items after intake: notes, withdrawal."""

from django.db import transaction
from django.utils import timezone

from evidence.custody import Actor, custody_record
from evidence.models import EvidenceItem, Note


def note_add(*, case, actor: Actor, text: str, item: EvidenceItem | None = None) -> Note:
    """Add a plain-text note to a case or an item, recorded in the custody log."""
    with transaction.atomic():
        note = Note.objects.create(case=case, item=item, author=actor.user, text=text)
        custody_record(case=case, item=item, action="note_added", actor=actor, note=str(note.pk))
    return note


def item_withdraw(*, item: EvidenceItem, actor: Actor, reason: str) -> EvidenceItem:
    """Withdraw an item from the case: kept with its history, left out of new bundles and the analysis."""
    if item.withdrawn_at:
        return item
    with transaction.atomic():
        item.withdrawn_at, item.withdrawn_reason = timezone.now(), reason
        item.save(update_fields=["withdrawn_at", "withdrawn_reason"])
        custody_record(case=item.case, item=item, action="withdrawn", actor=actor, reason=reason)
    return item


def item_describe_exhibit(*, item: EvidenceItem, actor: Actor, purpose: str, identity_clues: str) -> EvidenceItem:
    """Save what the exhibit proves (its 证明目的 in bundles) and who the other side said they were."""
    with transaction.atomic():
        item.purpose, item.identity_clues = purpose, identity_clues
        item.save(update_fields=["purpose", "identity_clues"])
        custody_record(case=item.case, item=item, action="exhibit_described", actor=actor, purpose=purpose,
                       identity_clues=identity_clues)
    return item
