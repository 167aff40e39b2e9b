from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import QuerySet

from complaints.models import Complaint
from complaints.search_index import index_letter
from evidence.models import EvidenceItem, Note, OcrResult, Transcript
from evidence.search import index


class Command(BaseCommand):
    help = (
        "Write the search entries of every transcript, screenshot, typed statement, note and letter "
        "(once after upgrading to the search; the index then follows every change by itself). Safe to run again."
    )

    def handle(self, *args, **options):
        written = 0
        sources: list[tuple[QuerySet, Callable[[Any], int]]] = [
            (Transcript.objects.select_related("item"), index.index_transcript),
            (OcrResult.objects.select_related("item"), index.index_ocr),
            (EvidenceItem.objects.filter(kind=EvidenceItem.Kind.STATEMENT), index.index_statement),
            (Note.objects.all(), index.index_note),
            (Complaint.objects.all(), index_letter),
        ]
        for rows, write in sources:
            for row in rows.iterator(chunk_size=200):
                with transaction.atomic():
                    written += write(row)
        self.stdout.write(f"OK: {written} search entries written or rewritten")
