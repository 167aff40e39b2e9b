from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases.access import Need, get_case_for_user, get_complaint_for_user, role_of
from cases.forms import LenderForm
from cases.services import case_analyse, case_set_lender
from complaints import services
from complaints.attachments import letter_attachments
from complaints.channels import channel as channel_of
from complaints.drafting import to_fill, unmasked_in_draft, unmasked_in_text
from complaints.forms import ComplaintInputsForm, ComplaintNewForm, DraftForm, TrackingForm
from complaints.models import ComplaintPdf
from complaints.tracking import case_path, reply_due
from evidence.custody import actor_from_request
from harassguard.lib.http import private_file


@login_required
@require_http_methods(["GET", "POST"])
def complaint_list(request, case_id):
    """The case's letters and the path; members who may build start a new letter here."""
    need = Need.BUILD if request.method == "POST" else Need.READ
    case = get_case_for_user(request.user, case_id, need=need)
    form = ComplaintNewForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            complaint = services.complaint_create(case=case, actor=actor_from_request(request), **form.cleaned_data)
        except services.ComplaintRefused as exc:
            messages.error(request, str(exc))
            return redirect("complaint-list", case_id=case.id)
        return redirect("complaint-detail", complaint_id=complaint.id)
    complaints = list(case.complaints.all())
    return render(
        request,
        "complaints/list.html",
        {
            "case": case,
            "form": form,
            "complaints": complaints,
            "role": role_of(request.user, case),
            "lender_form": LenderForm(instance=case),
            "path": case_path(complaints, timezone.localdate(), get_language(), case.debt_may_be_unlawful),
        },
    )


@login_required
def complaint_detail(request, complaint_id):
    complaint = get_complaint_for_user(request.user, complaint_id)
    return render(request, "complaints/detail.html", _detail_context(request, complaint))


def _detail_context(request, complaint, **forms) -> dict:
    required, optional = to_fill(complaint.draft_text)
    ch = channel_of(complaint.channel)
    return {
        "complaint": complaint,
        "case": complaint.case,
        "channel": ch,
        "channel_name": ch.name(get_language()),
        "role": role_of(request.user, complaint.case),
        "required": required,
        "optional": optional,
        "unmasked": unmasked_in_draft(complaint, case_analyse(complaint.case)),
        "due": reply_due(complaint),
        "draft_form": forms.get("draft_form") or DraftForm(initial={"text": complaint.draft_text}),
        "inputs_form": forms.get("inputs_form") or ComplaintInputsForm(instance=complaint),
        "tracking_form": forms.get("tracking_form") or TrackingForm.for_complaint(complaint),
        "attachments": letter_attachments(complaint),
    }


@login_required
@require_POST
def complaint_inputs(request, complaint_id):
    """Save the user's answers and rewrite the draft from them."""
    complaint = get_complaint_for_user(request.user, complaint_id, need=Need.BUILD)
    form = ComplaintInputsForm(request.POST, instance=complaint)
    if not form.is_valid():
        complaint.refresh_from_db()
        return render(
            request, "complaints/detail.html", _detail_context(request, complaint, inputs_form=form), status=400
        )
    try:
        services.complaint_set_inputs(complaint=complaint, actor=actor_from_request(request), **form.cleaned_data)
    except services.ComplaintRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The letter was rewritten from the case and your answers."))
    return redirect("complaint-detail", complaint_id=complaint.id)


@login_required
@require_POST
def complaint_redraft(request, complaint_id):
    complaint = get_complaint_for_user(request.user, complaint_id, need=Need.BUILD)
    services.complaint_draft(complaint=complaint, actor=actor_from_request(request))
    messages.success(request, _("The letter was rewritten from the case's current evidence."))
    return redirect("complaint-detail", complaint_id=complaint.id)


@login_required
@require_POST
def complaint_edit(request, complaint_id):
    complaint = get_complaint_for_user(request.user, complaint_id, need=Need.BUILD)
    form = DraftForm(request.POST)
    if not form.is_valid():
        return render(
            request, "complaints/detail.html", _detail_context(request, complaint, draft_form=form), status=400
        )
    hidden = unmasked_in_text(complaint, form.cleaned_data["text"])
    services.complaint_edit(complaint=complaint, actor=actor_from_request(request), text=form.cleaned_data["text"])
    messages.success(request, _("Your changes to the letter were saved."))
    if hidden:
        messages.warning(
            request,
            _(
                "This letter hides third parties, so these were masked: %(hidden)s. A collector's "
                "number stays in full once you confirm it on the numbers page."
            )
            % {"hidden": ", ".join(hidden)},
        )
    return redirect("complaint-detail", complaint_id=complaint.id)


@login_required
@require_POST
def complaint_tracking(request, complaint_id):
    complaint = get_complaint_for_user(request.user, complaint_id, need=Need.BUILD)
    form = TrackingForm(request.POST)
    if form.is_valid():
        try:
            services.complaint_update_tracking(
                complaint=complaint, actor=actor_from_request(request), **form.cleaned_data
            )
        except services.ComplaintRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Saved."))
    else:
        messages.error(request, _("Check the dates and the status."))
    return redirect("complaint-detail", complaint_id=complaint.id)


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def export_response(complaint, data: bytes, content_type: str, ext: str) -> HttpResponse:
    """The exported letter as a private attachment."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="complaint-{complaint.channel}-{str(complaint.pk)[:8]}.{ext}"'
    )
    return private_file(response)


@login_required
def complaint_pdf(request, complaint_id):
    """The saved letter as a PDF attachment once a worker has made it (the export is recorded);
    until then a page that says so and looks again by itself."""
    complaint = get_complaint_for_user(request.user, complaint_id)
    row = services.complaint_pdf_request(complaint=complaint, retry=request.GET.get("again") == "1")
    if row.status != ComplaintPdf.Status.READY:
        failed = row.status == ComplaintPdf.Status.FAILED
        return render(
            request,
            "complaints/pdf_wait.html",
            {"complaint": complaint, "failed": failed, "error": _(row.error) if failed else ""},
            status=200 if failed else 202,
        )
    fh = services.complaint_pdf_open(complaint=complaint, row=row, actor=actor_from_request(request))
    response = FileResponse(
        fh,
        content_type="application/pdf",
        as_attachment=True,
        filename=f"complaint-{complaint.channel}-{str(complaint.pk)[:8]}.pdf",
    )
    return private_file(response)


@login_required
def complaint_docx(request, complaint_id):
    """The saved letter as a Word document; the export is recorded."""
    complaint = get_complaint_for_user(request.user, complaint_id)
    data = services.complaint_export_docx(complaint=complaint, actor=actor_from_request(request))
    return export_response(complaint, data, DOCX, "docx")


@login_required
@require_POST
def case_lender(request, case_id):
    """Answer the lender-kind question; the path and the letters follow it."""
    case = get_case_for_user(request.user, case_id, need=Need.BUILD)
    form = LenderForm(request.POST, instance=case)
    if form.is_valid():
        case_set_lender(case=case, actor=actor_from_request(request), **form.cleaned_data)
        messages.success(request, _("Saved. New letters cite the rules that bind this kind of lender."))
    else:
        messages.error(request, _("Choose one of the answers."))
    return redirect("complaint-list", case_id=case.id)
