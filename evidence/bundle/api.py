from typing import Literal
from uuid import UUID

from django.http import Http404
from django.urls import reverse
from ninja import Router, Schema, Status
from pydantic import Field

from cases.access import Need, get_bundle_for_user, get_case_for_user
from evidence.bundle.downloads import bundle_file_response
from evidence.bundle.services import BundleRefused, bundle_create
from evidence.custody import actor_from_request
from evidence.models import Bundle
from harassguard.lib.errors import ApiError, Text
from harassguard.lib.openapi import binary_response

router = Router(tags=["bundles"])


class BundleIn(Schema):
    items: list[UUID] | None = None
    case_number: Text = Field(default="", max_length=100)
    submitter: Text = Field(default="", max_length=100)
    submitter_role: Literal["", "plaintiff", "reporter", "complainant"] = ""
    submitted_to: Text = Field(default="", max_length=200)
    copies: int = Field(default=1, ge=1, le=50)


class BundleCreated(Schema):
    id: UUID
    status: str


class BundleOut(Schema):
    id: UUID
    status: str
    progress: int
    error: str
    sha256: str
    zip_sha256: str
    pdf_url: str | None
    zip_url: str | None


def bundle_out(bundle: Bundle) -> dict:
    ready = bundle.status == Bundle.Status.READY
    return {
        "id": bundle.pk,
        "status": bundle.status,
        "progress": bundle.progress,
        "error": bundle.error,
        "sha256": bundle.pdf_sha256,
        "zip_sha256": bundle.zip_sha256,
        "pdf_url": reverse("api:bundle_pdf", args=[bundle.pk]) if ready else None,
        "zip_url": reverse("api:bundle_zip", args=[bundle.pk]) if ready else None,
    }


@router.post("/cases/{case_id}/bundles", response={202: BundleCreated})
def create_bundle(request, case_id: UUID, payload: BundleIn | None = None):
    """Start making a bundle: all ready items by time, or the listed items in the given order."""
    case = get_case_for_user(request.user, case_id, need=Need.BUILD)
    payload = payload or BundleIn()
    try:
        bundle = bundle_create(
            case=case,
            actor=actor_from_request(request),
            item_ids=payload.items,
            case_number=payload.case_number.strip(),
            submitter=payload.submitter.strip(),
            submitter_role=payload.submitter_role,
            submitted_to=payload.submitted_to.strip(),
            copies=payload.copies,
        )
    except BundleRefused as exc:
        raise ApiError(400, str(exc), "no_items") from None
    return Status(202, {"id": bundle.pk, "status": bundle.status})


@router.get("/bundles/{bundle_id}", response=BundleOut)
def get_bundle(request, bundle_id: UUID):
    """The bundle's progress; when ready, its SHA-256 (of the PDF) and download links."""
    return bundle_out(get_bundle_for_user(request.user, bundle_id))


def _ready(request, bundle_id) -> Bundle:
    bundle = get_bundle_for_user(request.user, bundle_id)
    if bundle.status != Bundle.Status.READY:
        raise Http404("not ready")
    return bundle


@router.get(
    "/bundles/{bundle_id}/pdf",
    response={200: None},
    openapi_extra=binary_response("application/pdf", "The bundle PDF (404 until the bundle is ready)"),
)
def bundle_pdf(request, bundle_id: UUID):
    return bundle_file_response(_ready(request, bundle_id), "pdf", actor_from_request(request))


@router.get(
    "/bundles/{bundle_id}/zip",
    response={200: None},
    openapi_extra=binary_response("application/zip", "The originals, the PDF and the manifest (404 until ready)"),
)
def bundle_zip(request, bundle_id: UUID):
    return bundle_file_response(_ready(request, bundle_id), "zip", actor_from_request(request))
