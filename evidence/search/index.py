"""Keeps the search entries (evidence.models.SearchEntry) in step with the texts they come from.

Each source (a transcript, a screenshot's lines, a typed statement, a note, a letter) is rewritten as a
whole but only its changed rows are written: correcting one sentence of a 300-sentence call updates
one row. The entries are written in the same transaction as the text (post_save signals), so a search
never sees words the database does not hold. Withdrawn items keep their entries and are left out when
searching (evidence/search/query.py), so a withdrawal undone needs no re-indexing."""

import logging
from dataclasses import dataclass
from uuid import UUID

from django.db.models.signals import post_delete, post_save

from evidence.models import EvidenceItem, Note, OcrResult, SearchEntry, Transcript
from evidence.search.tokens import index_text
from evidence.speakers import segment_rows

log = logging.getLogger(__name__)
# The lines of a typed statement before what the witness wrote: author, relation, contact, blank
# (evidence/intake/services.py statement_text).
STATEMENT_HEADER_LINES = 4


@dataclass(frozen=True)
class Row:
    position: int
    text: str
    machine_text: str = ""
    start: float | None = None


def entries_replace(*, case_id, item_id, source: UUID, kind: str, rows: list[Row]) -> int:
    """Make the entries of one source match `rows`: new rows are added, changed ones rewritten, the
    others removed. Returns how many rows were written."""
    existing = {e.position: e for e in SearchEntry.objects.filter(source=source, kind=kind)}
    added, changed = [], []
    for row in rows:
        grams = index_text(row.text, row.machine_text)
        if not grams:
            continue  # no letters or digits: nothing to find
        entry = existing.pop(row.position, None)
        if entry is None:
            added.append(SearchEntry(case_id=case_id, item_id=item_id, source=source, kind=kind, grams=grams))
            entry = added[-1]
        elif (entry.text, entry.machine_text, entry.start, entry.item_id) == (
            row.text,
            row.machine_text,
            row.start,
            item_id,
        ):
            continue
        else:
            changed.append(entry)
        entry.position, entry.text, entry.machine_text, entry.start = (
            row.position,
            row.text,
            row.machine_text,
            row.start,
        )
        entry.item_id, entry.grams = item_id, grams
    if existing:
        SearchEntry.objects.filter(pk__in=[e.pk for e in existing.values()]).delete()
    SearchEntry.objects.bulk_create(added)
    SearchEntry.objects.bulk_update(changed, ["text", "machine_text", "start", "item", "grams"])
    return len(added) + len(changed)


def transcript_rows(transcript: Transcript) -> list[Row]:
    """Each sentence: the reviewed words, and the machine's where the owner changed them."""
    return [
        Row(r["id"], r["text"], r["machine_text"] if r["machine_text"] != r["text"] else "", float(r["start"]))
        for r in segment_rows(transcript)
    ]


def ocr_rows(ocr: OcrResult) -> list[Row]:
    """Each line read from the screenshot (or screen recording), by its index: the user's corrected
    words, and the machine's where the user changed them."""
    rows = []
    for index, line in enumerate(ocr.lines):
        machine = line.get("text", "")
        corrected = ocr.line_edits.get(str(index), {}).get("text")
        rows.append(
            Row(index, corrected, machine) if corrected is not None and corrected != machine else Row(index, machine)
        )
    return rows


def statement_rows(item: EvidenceItem) -> list[Row]:
    """Each line the witness wrote in a typed statement (the author header is left out)."""
    from evidence.storage.originals import evidence_storage

    with evidence_storage().open(item.stored_name, "rb") as fh:
        lines = fh.read().decode("utf-8", errors="replace").splitlines()
    return [Row(i, line) for i, line in enumerate(lines) if i >= STATEMENT_HEADER_LINES and line.strip()]


def paragraph_rows(*texts: str) -> list[Row]:
    """Each non-empty paragraph (line) of the texts, numbered through all of them."""
    paragraphs = [line for text in texts for line in text.splitlines() if line.strip()]
    return [Row(i, line) for i, line in enumerate(paragraphs)]


def index_transcript(transcript: Transcript) -> int:
    item = transcript.item
    return entries_replace(
        case_id=item.case_id, item_id=item.pk, source=item.pk, kind="transcript", rows=transcript_rows(transcript)
    )


def index_ocr(ocr: OcrResult) -> int:
    item = ocr.item
    return entries_replace(case_id=item.case_id, item_id=item.pk, source=item.pk, kind="ocr", rows=ocr_rows(ocr))


def index_statement(item: EvidenceItem) -> int:
    if item.kind != EvidenceItem.Kind.STATEMENT or not item.mime.startswith("text/"):
        return 0
    return entries_replace(
        case_id=item.case_id, item_id=item.pk, source=item.pk, kind="statement", rows=statement_rows(item)
    )


def index_note(note: Note) -> int:
    return entries_replace(
        case_id=note.case_id, item_id=note.item_id, source=note.pk, kind="note", rows=paragraph_rows(note.text)
    )


def _touches(update_fields, fields: set[str]) -> bool:
    return update_fields is None or bool(fields & set(update_fields))


def _transcript_saved(sender, instance: Transcript, update_fields=None, **kwargs) -> None:
    # Speaker-only saves (diarization, a speaker confirmed) change no words.
    if _touches(update_fields, {"segments", "edits", "text"}):
        index_transcript(instance)


def _ocr_saved(sender, instance: OcrResult, update_fields=None, **kwargs) -> None:
    if _touches(update_fields, {"lines", "text", "line_edits"}):
        index_ocr(instance)


def _item_saved(sender, instance: EvidenceItem, created: bool = False, **kwargs) -> None:
    # A statement's text is its original, which never changes: it is read once, when the item is made.
    if created:
        index_statement(instance)


def _note_saved(sender, instance: Note, **kwargs) -> None:
    index_note(instance)


def _source_deleted(sender, instance, **kwargs) -> None:
    SearchEntry.objects.filter(source=instance.pk).delete()


def connect() -> None:
    """Connect the receivers that keep the index current (called from EvidenceConfig.ready)."""
    post_save.connect(_transcript_saved, sender=Transcript, dispatch_uid="search-transcript")
    post_save.connect(_ocr_saved, sender=OcrResult, dispatch_uid="search-ocr")
    post_save.connect(_item_saved, sender=EvidenceItem, dispatch_uid="search-item")
    post_save.connect(_note_saved, sender=Note, dispatch_uid="search-note")
    post_delete.connect(_source_deleted, sender=Note, dispatch_uid="search-note-deleted")
