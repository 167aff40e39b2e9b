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


def call_row_correct(*, item: EvidenceItem, actor: Actor, row: str, fields: dict) -> dict:
    """Record the user's correction of one call row read from a picture or a file.

    What was read stays as it was (`call_log`); the correction is kept beside it and recorded
    in the custody log with both values, so a court sees what the machine read and what the user said."""
    from evidence.callrows import EDITABLE

    with transaction.atomic():
        item = EvidenceItem.objects.select_for_update().get(pk=item.pk)
        read = next((r for r in item.metadata.get("call_log") or [] if str(r["row"]) == str(row)), None)
        if read is None:
            raise KeyError(row)
        clean = {k: v for k, v in fields.items() if k in EDITABLE}
        corrections = dict(item.metadata.get("call_log_corrections") or {})
        corrections[str(row)] = {**corrections.get(str(row), {}), **clean}
        item.metadata = {**item.metadata, "call_log_corrections": corrections}
        item.save(update_fields=["metadata"])
        custody_record(
            case=item.case,
            item=item,
            action="call_row_corrected",
            actor=actor,
            row=str(row),
            read={k: read.get(k) for k in clean},
            corrected=clean,
        )
    return corrections[str(row)]


def recording_number_set(*, item: EvidenceItem, actor: Actor, number: str) -> EvidenceItem:
    """The owner gives the collector's number of a recording whose file name has none (iPhone exports)."""
    with transaction.atomic():
        before = item.counterparty_number
        item.counterparty_number = number
        item.save(update_fields=["counterparty_number"])
        custody_record(case=item.case, item=item, action="number_given", actor=actor, before=before, number=number)
    return item


def item_describe_exhibit(*, item: EvidenceItem, actor: Actor, purpose: str, identity_clues: str) -> EvidenceItem:
    """Save what the exhibit proves (its 证明目的 in bundles) and who the other side said they were."""
    with transaction.atomic():
        item.purpose, item.identity_clues = purpose, identity_clues
        item.save(update_fields=["purpose", "identity_clues"])
        custody_record(
            case=item.case,
            item=item,
            action="exhibit_described",
            actor=actor,
            purpose=purpose,
            identity_clues=identity_clues,
        )
    return item
