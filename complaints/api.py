"""The letters over the API: draft one for a channel, read it, export it as PDF or DOCX."""

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from django.http import FileResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from cases.access import Need, get_case_for_user, get_complaint_for_user
from complaints import services
from complaints.attachments import letter_attachments
from complaints.channels import channel as channel_of
from complaints.drafting import to_fill
from complaints.models import Complaint, ComplaintPdf
from complaints.tracking import reply_due
from complaints.views import DOCX, export_response
from evidence.custody import actor_from_request
from evidence.redaction.api import CopyOut, copy_out
from harassguard.lib.errors import ApiError, Text
from harassguard.lib.http import private_file
from harassguard.lib.openapi import binary_response

router = Router(tags=["complaints"])
CHANNELS = ("platform", "regulator", "local_finance", "telecom", "nifa", "black_cat", "police", "court")


class ComplaintIn(Schema):
    # Checked after the access check, so that a stranger gets 404 whatever they send.
    channel: str = Field(
        default="", description="platform, regulator, local_finance, telecom, nifa, black_cat, police or court"
    )


class ComplaintOut(Schema):
    id: UUID
    channel: str
    masked: bool  # third parties' names and numbers are partly hidden in this letter
    text: str  # the letter as saved (draft, or the user's edits)
    missing: list[str]  # what the user must still fill in (the 【请填写：…】 placeholders)
    status: str = "draft"  # draft | filed | answered | closed
    # The bundle whose exhibit numbers the letter cites; null: the evidence is listed unnumbered.
    bundle: UUID | None = None
    created: datetime | None = None
    drafted_at: datetime | None = None
    edited_at: datetime | None = None
    filed_on: date | None = None
    reference: str = ""  # the number the channel gave
    replied_on: date | None = None
    reply_text: str = ""
    reply_due: date | None = None  # by when the channel usually answers a filed letter


def complaint_out(complaint: Complaint) -> dict:
    required, _optional = to_fill(complaint.draft_text)
    return {
        "id": complaint.pk,
        "channel": complaint.channel,
        "masked": channel_of(complaint.channel).masks_third_parties,
        "text": complaint.draft_text,
        "missing": required,
        "status": complaint.status,
        "bundle": complaint.bundle_id,
        **{name: getattr(complaint, name) for name in TRACKED},
        "reply_due": reply_due(complaint),
    }


TRACKED = ("created", "drafted_at", "edited_at", "filed_on", "reference", "replied_on", "reply_text")


@router.get("/cases/{case_id}/complaints", response=list[ComplaintOut])
def list_complaints(request, case_id: UUID):
    """The case's letters, oldest first."""
    case = get_case_for_user(request.user, case_id)
    return [complaint_out(c) for c in case.complaints.order_by("created")]


@router.post("/cases/{case_id}/complaints", response={201: ComplaintOut})
def create_complaint(request, case_id: UUID, payload: ComplaintIn | None = None):
    """Draft a letter to `channel` from what the case holds."""
    case = get_case_for_user(request.user, case_id, need=Need.BUILD)
    channel = (payload or ComplaintIn()).channel
    if channel not in CHANNELS:
        raise ApiError(400, _("Unknown channel."), "invalid")
    try:
        complaint = services.complaint_create(case=case, actor=actor_from_request(request), channel=channel)
    except services.ComplaintRefused as exc:
        raise ApiError(400, str(exc), "invalid") from None
    return Status(201, complaint_out(complaint))


@router.get("/complaints/{complaint_id}", response=ComplaintOut)
def get_complaint(request, complaint_id: UUID):
    return complaint_out(get_complaint_for_user(request.user, complaint_id))


# Defaults rather than required fields, here and below: the access check comes first, so a
# stranger learns nothing from a 400.
class LetterIn(Schema):
    text: Text = Field(default="", max_length=100_000)


@router.put("/complaints/{complaint_id}/text", response=ComplaintOut)
def edit_complaint(request, complaint_id: UUID, payload: LetterIn):
    """Save your own wording of the letter (owner or lawyer). A letter that hides third parties masks
    their names and numbers in it again."""
    complaint = get_complaint_for_user(request.user, complaint_id, need=Need.BUILD)
    if not payload.text.strip():
        raise ApiError(400, _("The letter is empty."), "invalid")
    services.complaint_edit(complaint=complaint, actor=actor_from_request(request), text=payload.text)
    return complaint_out(complaint)


@router.post("/complaints/{complaint_id}/redraft", response=ComplaintOut)
def redraft_complaint(request, complaint_id: UUID):
    """Write the letter again from the case's current evidence and the answers given (your edits are replaced)."""
    complaint = get_complaint_for_user(request.user, complaint_id, need=Need.BUILD)
    return complaint_out(services.complaint_draft(complaint=complaint, actor=actor_from_request(request)))


class TrackingIn(Schema):
    status: Literal["", "draft", "filed", "answered", "closed"] = ""
    filed_on: date | None = None
    reference: Text = Field(default="", max_length=100)
    replied_on: date | None = None
    reply_text: Text = Field(default="", max_length=20_000)


@router.put("/complaints/{complaint_id}/tracking", response=ComplaintOut)
def track_complaint(request, complaint_id: UUID, payload: TrackingIn):
    """Record where the letter went and what came back (owner or lawyer); 400 for an impossible
    status change or date (filed before drafted, a reply before the filing, a day in the future)."""
    complaint = get_complaint_for_user(request.user, complaint_id, need=Need.BUILD)
    if not payload.status:
        raise ApiError(400, _("Choose the status."), "invalid")
    try:
        services.complaint_update_tracking(complaint=complaint, actor=actor_from_request(request), **payload.dict())
    except services.ComplaintRefused as exc:
        raise ApiError(400, str(exc), "invalid") from None
    return complaint_out(complaint)


class PdfPending(Schema):
    status: str  # pending | running | failed
    error: str


@router.get(
    "/complaints/{complaint_id}/pdf",
    response={200: None, 202: PdfPending},
    openapi_extra=binary_response("application/pdf", "The letter as a PDF"),
)
def complaint_pdf(request, complaint_id: UUID):
    """The letter as a final PDF (no draft header; Chinese fonts embedded) once a worker has made it;
    until then 202 `{status}`, to ask again."""
    complaint = get_complaint_for_user(request.user, complaint_id)
    row = services.complaint_pdf_request(complaint=complaint)
    if row.status != ComplaintPdf.Status.READY:
        return Status(202, {"status": row.status, "error": row.error})
    fh = services.complaint_pdf_open(complaint=complaint, row=row, actor=actor_from_request(request))
    response = FileResponse(
        fh,
        content_type="application/pdf",
        as_attachment=True,
        filename=f"complaint-{complaint.channel}-{str(complaint.pk)[:8]}.pdf",
    )
    return private_file(response)


@router.get(
    "/complaints/{complaint_id}/docx",
    response={200: None},
    openapi_extra=binary_response(DOCX, "The letter as a Word document"),
)
def complaint_docx(request, complaint_id: UUID):
    """The letter as a Word document (its Chinese font declared)."""
    complaint = get_complaint_for_user(request.user, complaint_id)
    return export_response(
        complaint, services.complaint_export_docx(complaint=complaint, actor=actor_from_request(request)), DOCX, "docx"
    )


@router.get("/complaints/{complaint_id}/attachments", response=list[CopyOut])
def complaint_attachments(request, complaint_id: UUID):
    """The files the letter attaches: the redacted copies made for its channel, never an original."""
    complaint = get_complaint_for_user(request.user, complaint_id)
    return [copy_out(c) for c in letter_attachments(complaint)]
