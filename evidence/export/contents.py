"""What goes into a case's full copy, as a list of files to write: every original byte for byte,
the derived files, transcripts and OCR as text and JSON, the case's own records (statements are
originals too), notes, the custody log with its chain and anchors, the findings, the last bundle."""

import dataclasses
import io
import json
from os.path import splitext
from typing import Any

from cryptography.hazmat.primitives import serialization
from django.conf import settings

from cases.services import case_analyse
from evidence.custody import event_canonical
from evidence.export.archive import Source
from evidence.models import (
    Bundle,
    CustodyAnchor,
    CustodyEvent,
    DerivedFile,
    EvidenceItem,
    Note,
    OcrResult,
    Timestamp,
    Transcript,
)
from evidence.processing import timestamps
from evidence.storage.originals import evidence_storage

CUSTODY_EVENTS = "custody/events.json"
CUSTODY_ANCHORS = "custody/anchors.json"
SIGNING_KEY = "keys/server-receipt-key.pem"


def safe_name(name: str) -> str:
    """A file name fit for a ZIP entry: no folders, no control characters."""
    return "".join(ch for ch in name.replace("/", "_").replace("\\", "_") if ch.isprintable()) or "file"


def to_json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str).encode()


def _bytes(path: str, data: bytes) -> Source:
    return Source(path, lambda: io.BytesIO(data), len(data))


def _stored(path: str, name: str, size: int | None = None, sha256: str | None = None) -> Source:
    return Source(path, lambda: evidence_storage().open(name, "rb"), size, sha256)


def item_folder(number: int) -> str:
    return f"items/{number:03d}"


def case_sources(case) -> list[Source]:
    """Every file of the case's copy, in the order they are written."""
    items = list(EvidenceItem.objects.filter(case=case).order_by("received_at", "id"))
    sources = [_bytes("case.json", to_json(_case_record(case, items)))]
    for number, item in enumerate(items, start=1):
        sources += _item_sources(number, item)
    sources += _notes(case)
    sources += _custody(case)
    sources.append(_bytes("findings.json", to_json(_findings(case))))
    sources += _last_bundle(case)
    if settings.SIGNING_KEY_FILE.exists():
        public = timestamps.load_or_create_key(settings.SIGNING_KEY_FILE).public_key()
        pem = public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        sources.append(_bytes(SIGNING_KEY, pem))
    return sources


def _case_record(case, items: list[EvidenceItem]) -> dict:
    fields = ("title", "platform", "description", "victim_name", "collection_company", "lender_kind", "rate_lawful")
    return {
        "id": str(case.pk),
        **{f: getattr(case, f) for f in fields},
        "jurisdiction": case.jurisdiction,
        "created": case.created.isoformat(),
        "items": [_item_record(n, i) for n, i in enumerate(items, start=1)],
        "parties": list(case.parties.values("id", "kind", "name", "relation", "acts_for_id")),
        "numbers": list(case.numbers.values("number", "role", "confirmed", "party_id", "updated")),
        "manual_events": list(
            case.manual_events.values(
                "id", "kind", "occurred_at", "number", "connected", "contact_name", "contact_relation", "description"
            )
        ),
    }


def _item_record(number: int, item: EvidenceItem) -> dict:
    fields = (
        "kind",
        "original_filename",
        "size",
        "mime",
        "sha256",
        "received_at",
        "occurred_at",
        "counterparty_number",
        "description",
        "author_name",
        "author_relation",
        "author_contact",
        "capture_note",
        "purpose",
        "identity_clues",
        "metadata",
        "status",
        "withdrawn_at",
        "withdrawn_reason",
    )
    record = {"number": number, "id": str(item.pk), "folder": item_folder(number)}
    record |= {f: getattr(item, f) for f in fields}
    record["original"] = _original_path(number, item)
    return record


def _original_path(number: int, item: EvidenceItem) -> str:
    return f"{item_folder(number)}/original/{safe_name(item.original_filename)}"


def _item_sources(number: int, item: EvidenceItem) -> list[Source]:
    folder = item_folder(number)
    sources = [_stored(_original_path(number, item), item.stored_name, item.size, item.sha256)]
    for derived in DerivedFile.objects.filter(item=item).order_by("kind"):
        ext = splitext(derived.stored_name)[1]
        sources.append(_stored(f"{folder}/derived/{derived.kind}{ext}", derived.stored_name, None, derived.sha256))
    transcript = Transcript.objects.filter(item=item).first()
    if transcript is not None:
        sources.append(_bytes(f"{folder}/transcript.txt", _transcript_text(transcript).encode()))
        sources.append(_bytes(f"{folder}/transcript.json", to_json(_transcript_record(transcript))))
    ocr = OcrResult.objects.filter(item=item).first()
    if ocr is not None:
        sources.append(_bytes(f"{folder}/ocr.txt", ocr.text.encode()))
        sources.append(_bytes(f"{folder}/ocr.json", to_json(_ocr_record(ocr))))
    stamp = Timestamp.objects.filter(item=item).first()
    if stamp is not None:
        ext = "tsr" if stamp.kind == "rfc3161" else "json"
        sources.append(_bytes(f"{folder}/timestamp.{ext}", bytes(stamp.token)))
    return sources


def _transcript_text(transcript: Transcript) -> str:
    """The machine's lines with their times, then the reviewed version where someone checked a line."""
    lines = ["机器转写，以录音为准 / Machine transcription; the recording is authoritative", ""]
    for n, seg in enumerate(transcript.segments):
        edit = transcript.edits.get(str(n), {})
        line = f"[{seg.get('start', 0):.1f}–{seg.get('end', 0):.1f}] {seg.get('text', '')}"
        if edit.get("text"):
            line += f"\n    核对后 / reviewed: {edit['text']}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def _transcript_record(t: Transcript) -> dict:
    fields = ("original_sha256", "engine", "model", "language", "segments", "text", "diarization", "speakers", "edits")
    return {f: getattr(t, f) for f in fields} | {"created": t.created, "reviewed_at": t.reviewed_at}


def _ocr_record(o: OcrResult) -> dict:
    fields = ("original_sha256", "engine", "lines", "text", "phone_numbers", "message_times", "line_speakers")
    return {f: getattr(o, f) for f in fields} | {
        "reference_date": o.reference_date,
        "reference_basis": o.reference_basis,
        "times_confirmed_at": o.times_confirmed_at,
    }


def _notes(case) -> list[Source]:
    notes = [
        {
            "id": str(n.pk),
            "item": str(n.item_id or ""),
            "author": n.author.get_username(),
            "at": n.created,
            "text": n.text,
        }
        for n in Note.objects.filter(case=case).select_related("author").order_by("created")
    ]
    text = "\n\n".join(f"{n['at']:%Y-%m-%d %H:%M} {n['author']}\n{n['text']}" for n in notes)
    return [_bytes("notes.json", to_json(notes)), _bytes("notes.txt", text.encode())]


def custody_records(case) -> list[dict]:
    """Each event as the chain signs it (evidence/custody.event_canonical), with its id and HMAC."""
    events = []
    for event in CustodyEvent.objects.filter(case=case).order_by("id").iterator():
        fields = json.loads(event_canonical(event))
        events.append({"id": event.pk, **fields, "hash": event.hash})
    return events


def _custody(case) -> list[Source]:
    sources, anchors = [_bytes(CUSTODY_EVENTS, to_json(custody_records(case)))], []
    for anchor in CustodyAnchor.objects.filter(case=case).order_by("id"):
        path = f"custody/anchors/{anchor.pk}.{'tsr' if anchor.kind == 'rfc3161' else 'json'}"
        anchors.append(
            {
                "file": path,
                "events": anchor.events,
                "head": anchor.head,
                "digest": anchor.digest,
                "kind": anchor.kind,
                "time": anchor.gen_time,
                "authority": anchor.authority,
                "reason": anchor.reason,
            }
        )
        sources.append(_bytes(path, bytes(anchor.token)))
    return [_bytes(CUSTODY_ANCHORS, to_json(anchors)), *sources]


def _findings(case) -> list[dict]:
    return [dataclasses.asdict(f) for f in case_analyse(case).findings]


def _last_bundle(case) -> list[Source]:
    bundle = Bundle.objects.filter(case=case, status=Bundle.Status.READY).exclude(zip_name="").first()
    if bundle is None:
        return []
    info = {"id": str(bundle.pk), "finished": bundle.finished, "pdf_sha256": bundle.pdf_sha256}
    info |= {"zip_sha256": bundle.zip_sha256, "verify_code": bundle.verify_secret}
    return [
        _bytes("bundle/bundle.json", to_json(info)),
        _stored("bundle/bundle.pdf", bundle.pdf_name, None, bundle.pdf_sha256 or None),
        _stored("bundle/bundle.zip", bundle.zip_name, None, bundle.zip_sha256 or None),
    ]
