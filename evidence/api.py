from datetime import datetime
from uuid import UUID

from django.utils.translation import gettext
from ninja import Router, Schema, Status

from cases.access import Need, get_case_for_user, get_item_for_user
from evidence.custody import actor_from_request
from evidence.downloads import original_response
from evidence.intake import services, web
from evidence.labels import STEP_LABELS
from evidence.models import EvidenceItem, OcrResult, Timestamp, Transcript
from evidence.speakers import ReviewError, ocr_confirm, ocr_line_rows, segment_rows, transcript_review
from harassguard.lib.errors import ApiError, Text

router = Router(tags=["evidence"])


class JobOut(Schema):
    step: str
    label: str
    status: str
    progress: int
    error: str


class SegmentOut(Schema):
    id: int
    start: float
    end: float
    text: str
    speaker: str
    speaker_source: str
    machine_text: str


class TranscriptOut(Schema):
    engine: str
    model: str
    language: str
    reviewed: bool
    reviewed_by: str | None
    reviewed_at: datetime | None
    segments: list[SegmentOut]


class OcrLineOut(Schema):
    text: str
    box: list[list[float]]
    speaker: str
    speaker_source: str
    # The machine's reading; `text` differs from it where the user corrected the words (text_source "user").
    machine_text: str
    text_source: str


class OcrOut(Schema):
    lines: list[OcrLineOut]


class TimestampOut(Schema):
    kind: str
    time: datetime
    authority: str


class EvidenceOut(Schema):
    id: UUID
    case: UUID
    kind: str
    original_filename: str
    sha256: str
    size: int
    mime: str
    status: str
    received_at: datetime
    occurred_at: datetime | None
    counterparty_number: str
    description: str
    author_name: str
    author_relation: str
    capture_note: str
    # The phone's own facts about the file (lastModified, its clock and time zone): device-reported, unchecked.
    device_reported: dict = {}
    status_detail: str
    jobs: list[JobOut]
    duplicate: bool = False
    transcript: TranscriptOut | None = None
    ocr: OcrOut | None = None
    timestamp: TimestampOut | None = None


def evidence_out(item: EvidenceItem, duplicate: bool = False) -> dict:
    return {
        "id": item.id,
        "case": item.case_id,
        "kind": item.kind,
        "original_filename": item.original_filename,
        "sha256": item.sha256,
        "size": item.size,
        "mime": item.mime,
        "status": item.status,
        "received_at": item.received_at,
        "occurred_at": item.occurred_at,
        "counterparty_number": item.counterparty_number,
        "description": item.description,
        "author_name": item.author_name,
        "author_relation": item.author_relation,
        "capture_note": item.capture_note,
        "device_reported": item.device_facts or {},
        "status_detail": item.status_detail,
        "jobs": [
            {
                "step": j.step,
                "label": str(STEP_LABELS.get(j.step, j.step)),
                "status": j.status,
                "progress": j.progress,
                "error": gettext(j.error) if j.error else "",
            }
            for j in item.jobs.all()
        ],
        "duplicate": duplicate,
        "transcript": transcript_out(Transcript.objects.filter(item=item).first()),
        "ocr": ocr_out(OcrResult.objects.filter(item=item).first(), item),
        "timestamp": timestamp_out(Timestamp.objects.filter(item=item).first()),
    }


def transcript_out(transcript: Transcript | None) -> dict | None:
    if transcript is None:
        return None
    return {
        "engine": transcript.engine,
        "model": transcript.model,
        "language": transcript.language,
        "reviewed": transcript.reviewed_at is not None,
        "reviewed_by": transcript.reviewed_by.get_username() if transcript.reviewed_by else None,
        "reviewed_at": transcript.reviewed_at,
        "segments": segment_rows(transcript),
    }


def ocr_out(ocr: OcrResult | None, item: EvidenceItem) -> dict | None:
    return None if ocr is None else {"lines": ocr_line_rows(ocr, item)}


def timestamp_out(stamp: Timestamp | None) -> dict | None:
    return None if stamp is None else {"kind": stamp.kind, "time": stamp.gen_time, "authority": stamp.authority}


UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "file": {"type": "string", "format": "binary", "description": "Required unless kind=statement"},
                        "kind": {
                            "type": "string",
                            "enum": ["", *EvidenceItem.Kind.values],
                            "description": "Empty or left out: decided from the file's content",
                        },
                        "occurred_at": {"type": "string", "format": "date-time"},
                        "counterparty_number": {"type": "string"},
                        "description": {"type": "string"},
                        "capture_note": {
                            "type": "string",
                            "description": "How the file was made: phone, app, export time",
                        },
                        "author_name": {"type": "string", "description": "kind=statement"},
                        "relation": {"type": "string", "description": "kind=statement"},
                        "contact": {"type": "string", "description": "kind=statement"},
                        "text": {"type": "string", "description": "kind=statement"},
                    },
                }
            }
        },
    }
}


class ErrorOut(Schema):
    error: str
    code: str


@router.post(
    "/cases/{case_id}/evidence",
    response={201: EvidenceOut, 200: EvidenceOut, 400: ErrorOut, 413: ErrorOut, 415: ErrorOut},
    openapi_extra=UPLOAD_BODY,
)
def upload_evidence(request, case_id: UUID):
    """Upload a file (or a typed statement). The same bytes again return the existing item with duplicate=true."""
    case = get_case_for_user(request.user, case_id, need=Need.OWN)
    try:
        item, created = web.take_in(request, case, request.FILES.get("file"))
    except services.IntakeError as exc:
        raise ApiError(exc.status, exc.message, exc.code) from None
    return Status(201, evidence_out(item)) if created else Status(200, evidence_out(item, duplicate=True))


@router.get("/evidence/{item_id}", response=EvidenceOut)
def get_evidence(request, item_id: UUID):
    return evidence_out(get_item_for_user(request.user, item_id))


@router.get("/evidence/{item_id}/original")
def download_original(request, item_id: UUID):
    """The original file, byte for byte, as an attachment."""
    item = get_item_for_user(request.user, item_id)
    return original_response(item, actor_from_request(request))


class SegmentChange(Schema):
    id: int
    text: Text | None = None
    speaker: str | None = None


class TranscriptPatch(Schema):
    segments: list[SegmentChange] = []
    reviewed: bool = False


@router.patch("/evidence/{item_id}/transcript", response={200: TranscriptOut, 400: ErrorOut, 404: ErrorOut})
def patch_transcript(request, item_id: UUID, body: TranscriptPatch):
    """Confirm or correct sentences (words, speaker); `reviewed: true` marks every sentence checked by the owner.
    The machine's transcript is kept; the reviewed version is stored beside it."""
    item = get_item_for_user(request.user, item_id, need=Need.OWN)
    transcript = Transcript.objects.filter(item=item).first()
    if transcript is None:
        raise ApiError(404, gettext("This item has no transcript."), "no_transcript")
    try:
        transcript_review(
            transcript=transcript,
            actor=actor_from_request(request),
            changes=[c.dict() for c in body.segments],
            reviewed=body.reviewed,
        )
    except ReviewError as exc:
        raise ApiError(400, str(exc), "invalid") from None
    return transcript_out(Transcript.objects.get(pk=transcript.pk))


class LineChange(Schema):
    id: int
    speaker: str | None = None
    text: Text | None = None


class OcrPatch(Schema):
    lines: list[LineChange] = []


@router.patch("/evidence/{item_id}/ocr", response={200: OcrOut, 400: ErrorOut, 404: ErrorOut})
def patch_ocr(request, item_id: UUID, body: OcrPatch):
    """Confirm who wrote lines of a screenshot and correct their words (`id` is the line's position in
    `ocr.lines`); the machine's reading is kept beside the corrected words."""
    item = get_item_for_user(request.user, item_id, need=Need.OWN)
    ocr = OcrResult.objects.filter(item=item).first()
    if ocr is None:
        raise ApiError(404, gettext("This item has no text read from an image."), "no_ocr")
    try:
        ocr_confirm(ocr=ocr, actor=actor_from_request(request), changes=[c.dict() for c in body.lines])
    except ReviewError as exc:
        raise ApiError(400, str(exc), "invalid") from None
    return ocr_out(OcrResult.objects.get(pk=ocr.pk), item)
