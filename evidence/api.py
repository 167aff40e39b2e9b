from datetime import datetime
from uuid import UUID

from django.utils.translation import gettext
from ninja import Router, Schema, Status

from cases.access import Need, get_case_for_user, get_item_for_user
from evidence.custody import actor_from_request
from evidence.downloads import original_response
from evidence.intake import services, web
from evidence.labels import STEP_LABELS
from evidence.models import EvidenceItem
from harassguard.lib.errors import ApiError

router = Router(tags=["evidence"])


class JobOut(Schema):
    step: str
    label: str
    status: str
    progress: int
    error: str


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
    status_detail: str
    jobs: list[JobOut]
    duplicate: bool = False


def evidence_out(item: EvidenceItem, duplicate: bool = False) -> dict:
    return {
        "id": item.id, "case": item.case_id, "kind": item.kind, "original_filename": item.original_filename,
        "sha256": item.sha256, "size": item.size, "mime": item.mime, "status": item.status,
        "received_at": item.received_at, "occurred_at": item.occurred_at,
        "counterparty_number": item.counterparty_number, "description": item.description,
        "author_name": item.author_name, "author_relation": item.author_relation,
        "capture_note": item.capture_note, "status_detail": item.status_detail,
        "jobs": [{"step": j.step, "label": str(STEP_LABELS.get(j.step, j.step)), "status": j.status,
                  "progress": j.progress, "error": gettext(j.error) if j.error else ""} for j in item.jobs.all()],
        "duplicate": duplicate,
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
                        "kind": {"type": "string", "enum": ["", *EvidenceItem.Kind.values],
                                 "description": "Empty or left out: decided from the file's content"},
                        "occurred_at": {"type": "string", "format": "date-time"},
                        "counterparty_number": {"type": "string"},
                        "description": {"type": "string"},
                        "capture_note": {"type": "string", "description": "How the file was made: phone, app, export time"},
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
