from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases.access import Need, get_case_for_user, get_item_for_user, role_of
from cases.jurisdictions import case_timezone
from complaints.models import Complaint
from evidence.bundle.content import own_account
from evidence.callrows import CALL_DIRECTIONS, effective_rows
from evidence.curation import call_row_correct, item_withdraw, note_add, recording_number_set
from evidence.custody import actor_from_request, custody_record
from evidence.device_facts import facts_rows_labelled
from evidence.downloads import listening_response, original_response, timestamp_response
from evidence.forms import EvidenceDetailsForm, StatementForm
from evidence.intake import services, web
from evidence.labels import STEP_LABELS
from evidence.models import EvidenceItem, OcrResult, Timestamp, Transcript
from evidence.search.index import statement_rows as index_statement_rows
from evidence.speakers import SPEAKER_CHOICES, ocr_line_rows, segment_rows
from evidence.storage.originals import evidence_storage
from harassguard.lib import phone
from harassguard.lib.errors import ApiError
from harassguard.lib.http import private_file


def _report(request, item, created) -> None:
    if created:
        messages.success(request, _("Received %(name)s.") % {"name": item.original_filename})
    else:
        messages.info(
            request, _("%(name)s is already in this case; nothing was added.") % {"name": item.original_filename}
        )


@login_required
@require_http_methods(["GET", "POST"])
def upload(request, case_id):
    """The upload page. Its script sends each file to the API with a progress bar;
    without script the form posts here and works the same."""
    case = get_case_for_user(request.user, case_id, need=Need.OWN)
    form = EvidenceDetailsForm(request.POST or None, initial={"kind": request.GET.get("kind", "")})
    if request.method == "POST":
        failed = False
        for upload in request.FILES.getlist("file") or [None]:
            try:
                item, created = web.take_in(request, case, upload)
            except (services.IntakeError, ApiError) as exc:
                failed = True
                messages.error(request, exc.message)
            else:
                _report(request, item, created)
        if not failed:
            return redirect("case-detail", case_id=case.id)
    return render(request, "evidence/upload.html", {"case": case, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def statement(request, case_id):
    case = get_case_for_user(request.user, case_id, need=Need.OWN)
    form = StatementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item, created = services.evidence_create_statement(
                case=case,
                actor=actor_from_request(request),
                author_name=data["author_name"],
                relation=data["relation"],
                contact=data["contact"],
                text=data["text"],
                fields=form.item_fields(),
            )
        except services.IntakeError as exc:
            form.add_error("text", exc.message)
        else:
            _report(request, item, created)
            return redirect("item-detail", item_id=item.id)
    return render(request, "evidence/statement.html", {"case": case, "form": form})


@login_required
def item_detail(request, item_id):
    item = get_item_for_user(request.user, item_id)
    custody_record(case=item.case, item=item, action="item_viewed", actor=actor_from_request(request))
    derived = set(item.derived_files.values_list("kind", flat=True))
    transcript = Transcript.objects.filter(item=item).select_related("reviewed_by").first()
    ocr = OcrResult.objects.filter(item=item).first()
    context = {
        "item": item,
        "case": item.case,
        "jobs": job_rows(item),
        "events": item.custody_events.select_related("actor"),
        "stamp": Timestamp.objects.filter(item=item).first(),
        "transcript": transcript,
        "segments": segment_rows(transcript) if transcript else [],
        "ocr": ocr,
        "ocr_lines": ocr_line_rows(ocr, item) if ocr else [],
        "speaker_choices": SPEAKER_CHOICES,
        "thumbnail": "thumbnail" in derived,
        "listen": "listen" in derived,
        "role": role_of(request.user, item.case),
        "notes": item.notes.select_related("author"),
        "call_rows": effective_rows(item),
        "call_directions": CALL_DIRECTIONS,
        "witness": item.kind == EvidenceItem.Kind.STATEMENT and not own_account(item, item.case.victim_name),
        "device_rows": facts_rows_labelled(item.device_facts or {}),
        # A typed statement's words, line by line, so that a search hit opens at its line (#st-N).
        "statement_lines": _statement_lines(item),
        "readers": Complaint.Channel.choices,
        "redactions": [
            {"id": r.id, "label": Complaint.Channel(r.reader).label, "copy": r.copies.filter(status="ready").first()}
            for r in item.redactions.all()
        ],
    }
    if item.kind == "call_recording" and "audio" in item.metadata and not item.withdrawn_at:
        from cases.services import UNMATCHED_RECORDING, case_analyse, recording_links

        context["corroboration"] = recording_links(case_analyse(item.case).events).get(str(item.pk), [])
        context["unmatched_message"] = UNMATCHED_RECORDING
        context["items_by_id"] = {str(i.pk): i for i in item.case.items.all()}
    return render(request, "evidence/item_detail.html", context)


def _statement_lines(item: EvidenceItem) -> list:
    if item.kind != EvidenceItem.Kind.STATEMENT or not item.mime.startswith("text/"):
        return []
    return index_statement_rows(item)


@login_required
def item_status(request, item_id):
    """The item's processing status as an HTML fragment, polled by the item page."""
    item = get_item_for_user(request.user, item_id)
    return render(request, "evidence/_item_status.html", {"item": item, "jobs": job_rows(item)})


def job_rows(item) -> list[dict]:
    return [{"label": STEP_LABELS.get(job.step, job.step), "job": job} for job in item.jobs.all()]


@login_required
def item_thumbnail(request, item_id):
    """The preview image made from a screenshot (our own JPEG, so shown inline)."""
    item = get_item_for_user(request.user, item_id)
    derived = get_object_or_404(item.derived_files, kind="thumbnail")
    response = FileResponse(evidence_storage().open(derived.stored_name, "rb"), content_type="image/jpeg")
    return private_file(response)


@login_required
def item_timestamp(request, item_id):
    """The time-stamp token (.tsr) or the server receipt (.json), as an attachment."""
    item = get_item_for_user(request.user, item_id)
    stamp = get_object_or_404(Timestamp, item=item)
    return timestamp_response(item, stamp, actor_from_request(request))


@login_required
def item_listen(request, item_id):
    """The playable copy of a recording, for the player beside the transcript."""
    item = get_item_for_user(request.user, item_id)
    derived = get_object_or_404(item.derived_files, kind="listen")
    return listening_response(request, item, derived, actor_from_request(request))


@login_required
def item_original(request, item_id):
    item = get_item_for_user(request.user, item_id)
    return original_response(item, actor_from_request(request))


@login_required
@require_POST
def item_withdraw_view(request, item_id):
    """The owner withdraws an item from the case; it is kept, and leaves new bundles."""
    item = get_item_for_user(request.user, item_id, need=Need.OWN)
    item_withdraw(item=item, actor=actor_from_request(request), reason=request.POST.get("reason", "").strip()[:300])
    messages.success(request, _("Withdrawn from the case. It stays in the record and leaves new bundles."))
    return redirect("item-detail", item_id=item.id)


@login_required
@require_POST
def item_call_row(request, item_id, row):
    """The owner corrects a call row read from a call log or a picture of one (number, time, direction,
    duration), confirms a worked-out date as it stands, or says the row is not a call."""
    item = get_item_for_user(request.user, item_id, need=Need.OWN)
    fields: dict = {}
    number = request.POST.get("number", "").strip()
    if number:
        fields["number"] = phone.normalise(number)
    when = request.POST.get("at", "").strip()
    if when:
        try:
            at = datetime.fromisoformat(when)
        except ValueError:
            messages.error(request, _("Give the date and time as 2023-10-12 23:47."))
            return redirect("item-detail", item_id=item.id)
        fields["at"] = (at if at.tzinfo else at.replace(tzinfo=case_timezone(item.case))).isoformat()
    if request.POST.get("direction", "") in CALL_DIRECTIONS:
        fields["direction"] = request.POST["direction"]
    duration = request.POST.get("duration_s", "").strip()
    if duration.isdigit():
        fields["duration_s"] = int(duration)
    fields["ignored"] = request.POST.get("ignored") == "1"
    try:
        call_row_correct(item=item, actor=actor_from_request(request), row=str(row), fields=fields)
    except KeyError:
        raise Http404("no such row") from None
    messages.success(request, _("The row is corrected. What was read from the file stays on record."))
    return redirect(f"{reverse('item-detail', args=[item.id])}#call-{row}")


@login_required
@require_POST
def item_number(request, item_id):
    """The owner gives the collector's number of a recording whose file name has none (an iPhone export)."""
    item = get_item_for_user(request.user, item_id, need=Need.OWN)
    number = phone.normalise(request.POST.get("number", ""))
    if not 3 <= len(number.lstrip("+")) <= 15:
        messages.error(request, _("Give the number as the phone showed it, e.g. 138 0013 8000."))
    else:
        recording_number_set(item=item, actor=actor_from_request(request), number=number)
        messages.success(request, _("The number is saved, and recorded as given by you."))
    return redirect("item-detail", item_id=item.id)


@login_required
@require_POST
def item_note(request, item_id):
    item = get_item_for_user(request.user, item_id, need=Need.BUILD)
    text = request.POST.get("text", "").strip()
    if text:
        note_add(case=item.case, item=item, actor=actor_from_request(request), text=text[:5000])
    return redirect("item-detail", item_id=item.id)
