"""The letters over the API: draft one for a channel, read it, export it as PDF or DOCX."""

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
from complaints.views import DOCX, export_response
from evidence.custody import actor_from_request
from evidence.redaction.api import CopyOut, copy_out
from harassguard.lib.errors import ApiError
from harassguard.lib.http import private_file

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


def complaint_out(complaint: Complaint) -> dict:
    required, _optional = to_fill(complaint.draft_text)
    return {
        "id": complaint.pk,
        "channel": complaint.channel,
        "masked": channel_of(complaint.channel).masks_third_parties,
        "text": complaint.draft_text,
        "missing": required,
    }


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


class PdfPending(Schema):
    status: str  # pending | running | failed
    error: str


@router.get("/complaints/{complaint_id}/pdf", response={202: PdfPending})
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


@router.get("/complaints/{complaint_id}/docx")
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
