from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal
from urllib.parse import urlencode
from uuid import UUID

from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext
from ninja import Query, Router, Schema, Status
from pydantic import Field

from cases.access import Need, get_case_for_user, get_item_for_user
from evidence.curation import item_describe_exhibit, item_withdraw
from evidence.custody import actor_from_request
from evidence.downloads import original_response, timestamp_response
from evidence.intake import services, web
from evidence.labels import STEP_LABELS
from evidence.models import Bundle, BundleItem, EvidenceItem, OcrResult, Timestamp, Transcript
from evidence.speakers import ReviewError, ocr_confirm, ocr_line_rows, segment_rows, transcript_review
from harassguard.lib.errors import ApiError, ErrorOut, Text
from harassguard.lib.openapi import binary_response

router = Router(tags=["evidence"])
PAGE_SIZE, MAX_PAGE_SIZE = 25, 100
EvidenceKind = Literal[tuple(EvidenceItem.Kind.values)]  # type: ignore[valid-type]
EvidenceStatus = Literal[tuple(EvidenceItem.Status.values)]  # type: ignore[valid-type]


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
    speaker_source: str  # user (confirmed by the owner) | machine (suggested)
    machine_text: str
    text_checked: bool = False  # the owner checked the words against the recording
    flags: list[str] = []  # what the machine was unsure of (e.g. low confidence)


class TranscriptOut(Schema):
    engine: str
    model: str
    language: str
    reviewed: bool
    reviewed_by: str | None
    reviewed_at: datetime | None
    segments: list[SegmentOut]


class OcrLineOut(Schema):
    id: int = 0  # the line's position, as PATCH /evidence/{id}/ocr names it
    text: str
    box: list[list[float]]
    side: str | None = None  # the chat bubble's side: left, right or middle
    t: float | None = None  # screen recordings: the second of the video the line was read at
    speaker: str
    speaker_source: str
    # The machine's reading; `text` differs from it where the user corrected the words (text_source "user").
    machine_text: str
    text_source: str


class OcrOut(Schema):
    lines: list[OcrLineOut]


class TimestampOut(Schema):
    kind: str  # rfc3161 (an authority's time-stamp token) or server_receipt (signed by this server only)
    time: datetime
    authority: str  # the TSA's URL, or the server key's fingerprint
    sha256: str  # the original's hash the token covers
    token_url: str  # the token (.tsr) or receipt (.json) itself, as an attachment


class ExhibitOut(Schema):
    bundle: UUID
    label: str  # the exhibit number printed in that bundle (证据1-2): group, then place in the group
    position: int


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
    purpose: str = ""  # 证明目的: what the exhibit is meant to prove (empty: the default for its kind)
    identity_clues: str = ""
    withdrawn_at: datetime | None = None
    withdrawn_reason: str = ""
    # Its exhibit number in the case's newest ready bundle that holds it; null while in none.
    exhibit: ExhibitOut | None = None
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
        "purpose": item.purpose,
        "identity_clues": item.identity_clues,
        "withdrawn_at": item.withdrawn_at,
        "withdrawn_reason": item.withdrawn_reason,
        "exhibit": exhibit_of(item),
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


def exhibit_of(item: EvidenceItem) -> dict | None:
    """The item's exhibit number in the newest ready bundle of its case that holds it."""
    entry = (
        BundleItem.objects.filter(item=item, bundle__status=Bundle.Status.READY)
        .order_by("-bundle__created")
        .values("bundle_id", "label", "position")
        .first()
    )
    return exhibit_out(entry) if entry else None


def exhibit_out(entry: Mapping[str, Any]) -> dict:
    return {
        "bundle": entry["bundle_id"],
        "label": entry["label"] or str(entry["position"]),
        "position": entry["position"],
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
    if stamp is None:
        return None
    return {
        "kind": stamp.kind,
        "time": stamp.gen_time,
        "authority": stamp.authority,
        "sha256": stamp.original_sha256,
        "token_url": reverse("api:evidence_timestamp", args=[stamp.item_id]),
    }


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


class EvidenceRow(Schema):
    id: UUID
    kind: str
    original_filename: str
    sha256: str
    size: int
    mime: str
    status: str  # received | processing | ready | failed
    received_at: datetime
    occurred_at: datetime | None
    counterparty_number: str
    description: str
    withdrawn_at: datetime | None
    exhibit: ExhibitOut | None
    url: str  # this item in full: GET /api/v1/evidence/{id}


class EvidencePage(Schema):
    count: int  # items matching, on all pages
    page: int
    pages: int
    next: str | None  # the next page's URL, null on the last
    previous: str | None
    items: list[EvidenceRow]


@router.get("/cases/{case_id}/evidence", response={200: EvidencePage})
def list_evidence(
    request,
    case_id: UUID,
    page: int = Query(1, ge=1, le=10**6),
    limit: int = Query(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
    kind: EvidenceKind | None = None,  # type: ignore[valid-type]  # built from the model's choices
    status: EvidenceStatus | None = None,  # type: ignore[valid-type]
):
    """The case's evidence, newest received first, `limit` a page; withdrawn items are listed with their time."""
    case = get_case_for_user(request.user, case_id)
    rows = case.items.order_by("-received_at", "-id")
    rows = rows.filter(kind=kind) if kind else rows
    rows = rows.filter(status=status) if status else rows
    count = rows.count()
    items = list(rows[(page - 1) * limit : page * limit])
    exhibits = _exhibits([item.pk for item in items])
    pages = max(1, -(-count // limit))
    query = {"limit": limit, "kind": kind or "", "status": status or ""}
    base = reverse("api:list_evidence", args=[case.pk])
    return {
        "count": count,
        "page": page,
        "pages": pages,
        "next": _page_url(base, page + 1, query) if page < pages else None,
        "previous": _page_url(base, page - 1, query) if 1 < page <= pages else None,
        "items": [_row(item, exhibits.get(item.pk)) for item in items],
    }


def _page_url(base: str, page: int, query: dict) -> str:
    """The URL of another page of the same list (same limit and filters)."""
    return f"{base}?{urlencode({'page': page, **{k: v for k, v in query.items() if v}})}"


def _exhibits(item_ids: list) -> dict:
    """Each item's exhibit number in the newest ready bundle that holds it, in one query."""
    found: dict = {}
    entries = (
        BundleItem.objects.filter(item_id__in=item_ids, bundle__status=Bundle.Status.READY)
        .order_by("item_id", "-bundle__created")
        .values("item_id", "bundle_id", "label", "position")
    )
    for entry in entries:
        found.setdefault(entry["item_id"], exhibit_out(entry))
    return found


def _row(item: EvidenceItem, exhibit: dict | None) -> dict:
    fields = ("id", "kind", "original_filename", "sha256", "size", "mime", "status", "received_at", "occurred_at")
    return {
        **{name: getattr(item, name) for name in fields},
        "counterparty_number": item.counterparty_number,
        "description": item.description,
        "withdrawn_at": item.withdrawn_at,
        "exhibit": exhibit,
        "url": reverse("api:get_evidence", args=[item.pk]),
    }


@router.get("/evidence/{item_id}", response=EvidenceOut)
def get_evidence(request, item_id: UUID):
    return evidence_out(get_item_for_user(request.user, item_id))


@router.get(
    "/evidence/{item_id}/original",
    response={200: None},
    openapi_extra=binary_response(
        "application/octet-stream", "The original file, byte for byte, with its own media type"
    ),
)
def download_original(request, item_id: UUID):
    """The original file, byte for byte, as an attachment (recorded in the custody log)."""
    item = get_item_for_user(request.user, item_id)
    return original_response(item, actor_from_request(request))


@router.get(
    "/evidence/{item_id}/timestamp",
    url_name="evidence_timestamp",
    response={200: None},
    openapi_extra=binary_response(
        "application/octet-stream", "The RFC 3161 token (.tsr) or the server receipt (.json)"
    ),
)
def download_timestamp(request, item_id: UUID) -> HttpResponse:
    """The item's time-stamp token or server receipt, as an attachment (recorded in the custody log); 404 while none."""
    item = get_item_for_user(request.user, item_id)
    stamp = Timestamp.objects.filter(item=item).first()
    if stamp is None:
        raise ApiError(404, gettext("This item has no time stamp yet."), "no_timestamp")
    return timestamp_response(item, stamp, actor_from_request(request))


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


class ExhibitIn(Schema):
    purpose: Text = Field(
        default="", max_length=2000, description="证明目的: what this exhibit proves; empty: the default"
    )
    identity_clues: Text = Field(
        default="", max_length=2000, description="Who the other side said they were: company, platform, staff number"
    )


@router.put("/evidence/{item_id}/exhibit", response=EvidenceOut)
def describe_exhibit(request, item_id: UUID, body: ExhibitIn):
    """Say what the exhibit proves and who the other side said they were (owner or lawyer); new bundles use it."""
    item = get_item_for_user(request.user, item_id, need=Need.BUILD)
    purpose, clues = body.purpose.strip(), body.identity_clues.strip()
    return evidence_out(
        item_describe_exhibit(item=item, actor=actor_from_request(request), purpose=purpose, identity_clues=clues)
    )


class WithdrawIn(Schema):
    reason: Text = Field(default="", max_length=300)


@router.post("/evidence/{item_id}/withdraw", response=EvidenceOut)
def withdraw_evidence(request, item_id: UUID, body: WithdrawIn):
    """Withdraw the item from the case (owner only): it stays, with its record, and leaves new bundles and the
    analysis. Withdrawing it again changes nothing."""
    item = get_item_for_user(request.user, item_id, need=Need.OWN)
    return evidence_out(item_withdraw(item=item, actor=actor_from_request(request), reason=body.reason.strip()))
