from uuid import UUID

from django.http import Http404
from django.urls import reverse
from ninja import Router, Schema, Status
from pydantic import Field

from cases.access import Need, get_case_for_user, get_export_for_user
from evidence.custody import actor_from_request
from evidence.export.services import MAX_PART_MB, MIN_PART_MB, ExportRefused, export_create, export_part_response
from evidence.models import CaseExport
from harassguard.lib.errors import ApiError
from harassguard.lib.openapi import binary_response

router = Router(tags=["exports"])


class ExportIn(Schema):
    part_mb: int | None = Field(default=None, ge=MIN_PART_MB, le=MAX_PART_MB)


class ExportCreated(Schema):
    id: UUID
    status: str


class ExportOut(Schema):
    status: str
    parts: list[str]
    progress: int
    error: str
    manifest_sha256: str
    expires_at: str | None


def part_urls(export: CaseExport) -> list[str]:
    if export.status != CaseExport.Status.READY:
        return []
    return [reverse("api:export_part", args=[export.pk, n]) for n in range(1, len(export.parts) + 1)]


@router.post("/cases/{case_id}/exports", response={202: ExportCreated})
def create_export(request, case_id: UUID, payload: ExportIn | None = None):
    """Start making the owner's full copy of the case: one ZIP, or parts of at most `part_mb` MB."""
    case = get_case_for_user(request.user, case_id, need=Need.OWN)
    part_mb = payload.part_mb if payload is not None else None
    try:
        export = export_create(case=case, actor=actor_from_request(request), part_mb=part_mb)
    except ExportRefused as exc:
        raise ApiError(400, str(exc), "refused") from None
    return Status(202, {"id": export.pk, "status": export.status})


@router.get("/exports/{export_id}", response=ExportOut)
def get_export(request, export_id: UUID):
    """The copy's progress; when ready, the URL of each part (a ZIP each; one when not split)."""
    export = get_export_for_user(request.user, export_id)
    return {
        "status": export.status,
        "parts": part_urls(export),
        "progress": export.progress,
        "error": export.error,
        "manifest_sha256": export.manifest_sha256,
        "expires_at": export.expires_at.isoformat() if export.expires_at else None,
    }


@router.get(
    "/exports/{export_id}/parts/{part}",
    url_name="export_part",
    response={200: None},
    openapi_extra=binary_response("application/zip", "One part of the copy, a ZIP of its own (404 until ready)"),
)
def export_part(request, export_id: UUID, part: int):
    """One part of a ready copy, as a ZIP attachment (recorded in the custody log)."""
    export = get_export_for_user(request.user, export_id)
    if export.status != CaseExport.Status.READY or not 1 <= part <= len(export.parts):
        raise Http404("no such part")
    return export_part_response(export, part, actor_from_request(request))
