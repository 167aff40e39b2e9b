"""Writing complaints: creating, drafting from the case, editing, tracking, exporting.

Every draft and export reads the case's evidence, so each leaves a custody event
with the hash of the text it produced.
"""

import hashlib
import logging
from datetime import date

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cases.services import case_analyse
from complaints import docx_export, pdf
from complaints.drafting import mask_edited, render_draft
from complaints.models import Complaint, ComplaintPdf
from complaints.tracking import NEXT_STATUS
from evidence import queue
from evidence.custody import Actor, custody_record
from evidence.models import Bundle
from evidence.storage.originals import evidence_storage

log = logging.getLogger(__name__)

INPUT_FIELDS = (
    "recipient",
    "borrower_name",
    "borrower_id_number",
    "borrower_phone",
    "borrower_address",
    "borrower_occupation",
    "loan_description",
    "include_repayment_plan",
    "dispute_amounts",
    "damages_mental",
    "damages_medical",
    "damages_property",
    "damages_costs",
    "damages_basis",
    "witnesses",
)


class ComplaintRefused(Exception):
    """The request cannot be done as asked; the message says why, in the user's words."""


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _check_bundle(case, bundle: Bundle | None) -> None:
    # Exhibit numbers must refer to a finished bundle of this very case.
    if bundle is not None and (bundle.case_id != case.pk or bundle.status != Bundle.Status.READY):
        raise ComplaintRefused(_("Choose a finished bundle of this case."))


def complaint_create(
    *, case, actor: Actor, channel: str, bundle: Bundle | None = None, today: date | None = None, **inputs
) -> Complaint:
    """Create a complaint to `channel` and write its first draft from the case."""
    _check_bundle(case, bundle)
    if channel not in Complaint.Channel.values:
        raise ComplaintRefused(_("Unknown channel."))
    fields = {"borrower_name": case.victim_name, "recipient": case.platform if channel == "platform" else "", **inputs}
    with transaction.atomic():
        complaint = Complaint.objects.create(case=case, channel=channel, bundle=bundle, created_by=actor.user, **fields)
        custody_record(case=case, action="complaint_created", actor=actor, complaint=str(complaint.pk), channel=channel)
    return complaint_draft(complaint=complaint, actor=actor, today=today)


def complaint_draft(*, complaint: Complaint, actor: Actor, today: date | None = None) -> Complaint:
    """(Re)write the draft text from the case's current evidence and the user's answers; edits are replaced."""
    text = render_draft(complaint, case_analyse(complaint.case), today or timezone.localdate())
    with transaction.atomic():
        complaint.draft_text, complaint.drafted_at, complaint.edited_at = text, timezone.now(), None
        complaint.save(update_fields=["draft_text", "drafted_at", "edited_at", "updated"])
        custody_record(
            case=complaint.case,
            action="complaint_drafted",
            actor=actor,
            complaint=str(complaint.pk),
            channel=complaint.channel,
            bundle=str(complaint.bundle_id or ""),
            sha256=_sha(text),
        )
    return complaint


def complaint_set_inputs(*, complaint: Complaint, actor: Actor, today: date | None = None, **inputs) -> Complaint:
    """Save the user's answers (and the bundle to cite), then redraft from them."""
    bundle = inputs.pop("bundle", complaint.bundle)
    _check_bundle(complaint.case, bundle)
    unknown = set(inputs) - set(INPUT_FIELDS)
    if unknown:
        raise ValueError(f"not inputs: {sorted(unknown)}")
    for name, value in inputs.items():
        setattr(complaint, name, value)
    complaint.bundle = bundle
    complaint.save()
    return complaint_draft(complaint=complaint, actor=actor, today=today)


def complaint_edit(*, complaint: Complaint, actor: Actor, text: str) -> Complaint:
    """Save the user's own wording of the letter, masked as the channel masks (see drafting.mask_edited)."""
    text = mask_edited(complaint, text.replace("\r\n", "\n"))
    with transaction.atomic():
        complaint.draft_text, complaint.edited_at = text, timezone.now()
        complaint.save(update_fields=["draft_text", "edited_at", "updated"])
        custody_record(
            case=complaint.case, action="complaint_edited", actor=actor, complaint=str(complaint.pk), sha256=_sha(text)
        )
    return complaint


def complaint_update_tracking(
    *,
    complaint: Complaint,
    actor: Actor,
    status: str,
    filed_on: date | None = None,
    reference: str = "",
    reply_text: str = "",
    replied_on: date | None = None,
    today: date | None = None,
) -> Complaint:
    """Record where the letter went and what came back; refuse an impossible status or date."""
    _check_tracking(complaint.status, status, filed_on, replied_on, today or timezone.localdate())
    with transaction.atomic():
        complaint.status, complaint.filed_on, complaint.reference = status, filed_on, reference.strip()
        complaint.reply_text, complaint.replied_on = reply_text.strip(), replied_on
        complaint.save(update_fields=["status", "filed_on", "reference", "reply_text", "replied_on", "updated"])
        custody_record(
            case=complaint.case,
            action="complaint_tracking_updated",
            actor=actor,
            complaint=str(complaint.pk),
            status=status,
            filed_on=filed_on,
            replied_on=replied_on,
        )
    return complaint


def _check_tracking(current: str, status: str, filed_on, replied_on, today: date) -> None:
    if status not in NEXT_STATUS.get(current, set()):
        raise ComplaintRefused(
            _("A complaint cannot go from “%(old)s” to “%(new)s”.")
            % {
                "old": Complaint.Status(current).label,
                "new": Complaint.Status(status).label if status in Complaint.Status.values else status,
            }
        )
    if status in (Complaint.Status.FILED, Complaint.Status.ANSWERED) and filed_on is None:
        raise ComplaintRefused(_("Give the date you filed it."))
    if status == Complaint.Status.ANSWERED and replied_on is None:
        raise ComplaintRefused(_("Give the date of the reply."))
    if any(d and d > today for d in (filed_on, replied_on)):
        raise ComplaintRefused(_("A date cannot be in the future."))
    if filed_on and replied_on and replied_on < filed_on:
        raise ComplaintRefused(_("The reply cannot come before the filing."))


def complaint_pdf_request(*, complaint: Complaint, retry: bool = False) -> ComplaintPdf:
    """Return the PDF row for the letter's current text, queueing a worker to make it when it is
    not made yet (or, with `retry`, when it failed). The same text is rendered once, however
    often it is asked for."""
    pdf, created = ComplaintPdf.objects.get_or_create(complaint=complaint, text_sha256=_sha(complaint.draft_text))
    if not created and not (retry and pdf.status == ComplaintPdf.Status.FAILED):
        return pdf
    if not created:
        ComplaintPdf.objects.filter(pk=pdf.pk).update(status=ComplaintPdf.Status.PENDING, error="")
        pdf.status, pdf.error = ComplaintPdf.Status.PENDING, ""
    transaction.on_commit(lambda: _enqueue_pdf(pdf.pk))
    return pdf


def _enqueue_pdf(pdf_id) -> None:
    from complaints.tasks import render_complaint_pdf

    # WeasyPrint is heavy: it runs beside the bundles, never in a web worker.
    render_complaint_pdf.apply_async(args=[str(pdf_id)], queue=queue.HEAVY)


def complaint_pdf_render(pdf_id) -> None:
    """Make and store one PDF (worker side); a failure is recorded on the row."""
    row = ComplaintPdf.objects.select_related("complaint").filter(pk=pdf_id).first()
    if row is None or row.status == ComplaintPdf.Status.READY:
        return
    complaint = row.complaint
    if _sha(complaint.draft_text) != row.text_sha256:
        return  # edited since it was asked for: the next download asks for the new text's PDF
    try:
        data = pdf.render_pdf(complaint)
        name = f"complaints/{complaint.pk}/{row.text_sha256}.pdf"
        storage = evidence_storage()
        if not storage.exists(name):
            storage.save(name, ContentFile(data))
    except Exception:
        log.exception("complaint PDF %s failed", pdf_id)
        ComplaintPdf.objects.filter(pk=row.pk).update(
            status=ComplaintPdf.Status.FAILED, error=gettext_noop("The PDF could not be made. Please try again.")
        )
        return
    ComplaintPdf.objects.filter(pk=row.pk).update(
        status=ComplaintPdf.Status.READY, stored_name=name, sha256=hashlib.sha256(data).hexdigest()
    )


def complaint_pdf_open(*, complaint: Complaint, row: ComplaintPdf, actor: Actor):
    """Return the stored PDF, open for reading, and record the export."""
    custody_record(
        case=complaint.case,
        action="complaint_pdf_exported",
        actor=actor,
        complaint=str(complaint.pk),
        text_sha256=row.text_sha256,
        pdf_sha256=row.sha256,
    )
    return evidence_storage().open(row.stored_name, "rb")


def complaint_export_docx(*, complaint: Complaint, actor: Actor) -> bytes:
    """Return the saved letter as a DOCX (made at once: no fonts to embed, a few milliseconds) and record the export."""
    data = docx_export.render_docx(complaint)
    custody_record(
        case=complaint.case,
        action="complaint_docx_exported",
        actor=actor,
        complaint=str(complaint.pk),
        text_sha256=_sha(complaint.draft_text),
        docx_sha256=hashlib.sha256(data).hexdigest(),
    )
    return data
