"""The owner confirms who said each sentence and corrects its words, on the item page (POST, then redirect)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.access import Need, get_item_for_user
from evidence.custody import actor_from_request, custody_record
from evidence.models import OcrResult, Transcript
from evidence.processing import screen_dates
from evidence.speakers import ReviewError, ocr_confirm, transcript_review


def _position(request) -> int | None:
    try:
        return int(request.POST.get("id", ""))
    except ValueError:
        return None


@login_required
@require_POST
def transcript_sentence(request, item_id):
    """One sentence: its checked words and, from the button pressed, who said it; or the whole transcript checked."""
    item = get_item_for_user(request.user, item_id, need=Need.OWN)
    transcript = get_object_or_404(Transcript, item=item)
    reviewed = request.POST.get("reviewed") == "all"
    changes = (
        []
        if reviewed
        else [
            {"id": _position(request), "text": request.POST.get("text"), "speaker": request.POST.get("speaker") or None}
        ]
    )
    try:
        transcript_review(transcript=transcript, actor=actor_from_request(request), changes=changes, reviewed=reviewed)
    except ReviewError as exc:
        messages.error(request, str(exc))
        return redirect("item-detail", item_id=item.id)
    if reviewed:
        messages.success(request, _("The transcript is marked as checked sentence by sentence against the recording."))
        return redirect("item-detail", item_id=item.id)
    return _back(request, f"{item_url(item)}#t-{changes[0]['id']}")


def item_url(item) -> str:
    return reverse("item-detail", args=[item.id])


def _back(request, default: str):
    """Back to the page the one-tap form was on (the case page's list of phrases to check), else `default`."""
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default)


@login_required
@require_POST
def ocr_line_speaker(request, item_id):
    """Who wrote one line of a screenshot, or its corrected words, as the owner confirms them."""
    item = get_item_for_user(request.user, item_id, need=Need.OWN)
    ocr = get_object_or_404(OcrResult, item=item)
    position = _position(request)
    try:
        ocr_confirm(
            ocr=ocr,
            actor=actor_from_request(request),
            changes=[
                {"id": position, "speaker": request.POST.get("speaker") or None, "text": request.POST.get("text")}
            ],
        )
    except ReviewError as exc:
        messages.error(request, str(exc))
        return redirect("item-detail", item_id=item.id)
    return _back(request, f"{item_url(item)}#line-{position}")


def _valid_day(value) -> bool:
    try:
        return bool(value) and parse_date(value) is not None
    except ValueError:
        return False


@login_required
@require_POST
def message_times_confirm(request, item_id):
    """The owner confirms the days worked out for the screenshot's message times, or gives the day the
    screenshot was taken, from which they are worked out again (and then confirmed)."""
    item = get_item_for_user(request.user, item_id, need=Need.OWN)
    day = parse_date(request.POST.get("day", "") or "") if _valid_day(request.POST.get("day")) else None
    with transaction.atomic():
        ocr = get_object_or_404(OcrResult.objects.select_for_update(), item=item)
        if day is not None:
            ocr.reference_date, ocr.reference_basis = day, "user"
            ocr.message_times = screen_dates.message_times(
                ocr.lines, (item.metadata.get("image") or {}).get("height"), day
            )
        ocr.times_confirmed_by, ocr.times_confirmed_at = request.user, timezone.now()
        ocr.save(
            update_fields=[
                "times_confirmed_by",
                "times_confirmed_at",
                "reference_date",
                "reference_basis",
                "message_times",
            ]
        )
        custody_record(
            case=item.case,
            item=item,
            action="message_times_confirmed",
            actor=actor_from_request(request),
            reference_date=ocr.reference_date.isoformat() if ocr.reference_date else None,
            reference_basis=ocr.reference_basis,
            times=[t["at"] for t in ocr.message_times],
        )
    messages.success(request, _("The message dates are confirmed."))
    return redirect("item-detail", item_id=item.id)
