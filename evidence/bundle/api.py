from datetime import datetime
from typing import Literal
from uuid import UUID

from django.http import Http404
from django.urls import reverse
from ninja import Router, Schema, Status
from pydantic import Field

from cases.access import Need, get_bundle_for_user, get_case_for_user
from evidence.bundle.downloads import bundle_file_response
from evidence.bundle.services import BundleRefused, bundle_create
from evidence.bundle.shares import ShareRefused, share_create, share_is_open, share_revoke, share_url
from evidence.custody import actor_from_request
from evidence.models import Bundle, BundleShare
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


class ShareIn(Schema):
    label: Text = Field(default="", max_length=100)
    days: int | None = Field(default=None, ge=1, le=366)


class ShareOut(Schema):
    id: UUID
    label: str
    created: datetime
    expires_at: datetime
    revoked_at: datetime | None
    open: bool
    opens: int
    last_opened: datetime | None


class ShareCreated(ShareOut):
    url: str = Field(description="The link; shown only in this answer (the site keeps only its hash).")


def share_out(share: BundleShare) -> dict:
    return {
        "id": share.pk,
        "label": share.label,
        "created": share.created,
        "expires_at": share.expires_at,
        "revoked_at": share.revoked_at,
        "open": share_is_open(share),
        "opens": share.opens,
        "last_opened": share.last_opened,
    }


@router.get("/bundles/{bundle_id}/links", response=list[ShareOut])
def list_shares(request, bundle_id: UUID):
    """The read-only links made for this bundle (for the police or the court), newest first."""
    bundle = get_bundle_for_user(request.user, bundle_id, need=Need.BUILD)
    return [share_out(s) for s in bundle.shares.all()]


@router.post("/bundles/{bundle_id}/links", response={201: ShareCreated})
def create_share(request, bundle_id: UUID, payload: ShareIn | None = None):
    """Make a read-only, expiring link to the ready bundle for someone without an account."""
    bundle = get_bundle_for_user(request.user, bundle_id, need=Need.BUILD)
    payload = payload or ShareIn()
    try:
        share, token = share_create(
            bundle=bundle, actor=actor_from_request(request), label=payload.label, days=payload.days
        )
    except ShareRefused as exc:
        raise ApiError(400, str(exc), "share_refused") from None
    return Status(201, {**share_out(share), "url": share_url(token)})


@router.post("/bundles/{bundle_id}/links/{share_id}/revoke", response=ShareOut)
def revoke_share(request, bundle_id: UUID, share_id: UUID):
    """Revoke a link: it answers 404 from now on."""
    bundle = get_bundle_for_user(request.user, bundle_id, need=Need.BUILD)
    share = bundle.shares.filter(pk=share_id).first()
    if share is None:
        raise Http404("no such link")
    return share_out(share_revoke(share=share, actor=actor_from_request(request)))
