"""The pages for redacted copies: start one for a reader, review and change its marks, make the copy."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases.access import Need, get_item_for_user, get_redacted_copy_for_user, get_redaction_for_user
from evidence.custody import actor_from_request
from evidence.models import RedactedCopy, Redaction
from evidence.redaction.files import copy_response
from evidence.redaction.services import (
    KIND_LABELS,
    READERS,
    RedactionError,
    is_image,
    item_text,
    redaction_make,
    redaction_resuggest,
    redaction_start,
    redaction_update,
)


@login_required
@require_POST
def redaction_new(request, item_id):
    """Start (or reopen) the item's redaction for the reader chosen, with the suggested marks."""
    item = get_item_for_user(request.user, item_id, need=Need.BUILD)
    try:
        redaction = redaction_start(item=item, reader=request.POST.get("reader", ""), actor=actor_from_request(request))
    except RedactionError as exc:
        messages.error(request, exc.message)
        return redirect("item-detail", item_id=item.id)
    return redirect("redaction-detail", redaction_id=redaction.id)


def _box(value: str) -> list[int] | None:
    try:
        box = [int(float(v)) for v in value.split(",")]
    except ValueError:
        return None
    return box if len(box) == 4 else None


def _span(value: str) -> dict | None:
    segment, _sep, rest = value.partition(":")
    start, _sep, end = rest.partition(":")
    try:
        return {"segment": None if segment in ("", "text") else int(segment), "start": int(start), "end": int(end)}
    except ValueError:
        return None


def _apply(request, redaction) -> None:
    post = request.POST
    checked = set(post.getlist("on"))
    redaction_update(
        redaction=redaction,
        on={m["id"]: m["id"] in checked for m in redaction.marks} if "marks" in post else None,
        remove=post.getlist("remove"),
        boxes=[b for b in map(_box, post.getlist("box")) if b],
        spans=[s for s in map(_span, post.getlist("span")) if s],
        texts=[t for t in post.getlist("text") if t.strip()],
    )


@login_required
@require_http_methods(["GET", "POST"])
def redaction_detail(request, redaction_id):
    """Review the suggested marks, add boxes or words, and make the copy (button "make")."""
    redaction = get_redaction_for_user(request.user, redaction_id)
    if request.method == "POST":
        try:
            _apply(request, redaction)
            if "suggest" in request.POST:
                redaction_resuggest(redaction=redaction)
            if "make" in request.POST:
                redaction_make(redaction=redaction, actor=actor_from_request(request))
                messages.success(request, _("The copy is being made. The original is unchanged."))
        except RedactionError as exc:
            messages.error(request, exc.message)
        return redirect("redaction-detail", redaction_id=redaction.id)
    return render(request, "evidence/redaction.html", _context(redaction))


def _context(redaction) -> dict:
    item = redaction.item
    image = item.metadata.get("image") or {}
    marks = [{**m, "kind_label": KIND_LABELS.get(m["kind"], m["kind"])} for m in redaction.marks]
    for m in marks:
        if "box" in m:  # drawn as SVG rectangles: attributes, not inline styles (the CSP allows none)
            m["w"], m["h"] = m["box"][2] - m["box"][0], m["box"][3] - m["box"][1]
    try:
        ready = redaction.status == Redaction.Status.READY
        lines = item_text(item) if ready and not is_image(item) else []
    except (RedactionError, OSError):
        lines = []
    return {
        "redaction": redaction,
        "item": item,
        "case": item.case,
        "reader": READERS(redaction.reader).label,
        "marks": marks,
        "image": image if is_image(item) else None,
        "thumbnail": item.derived_files.filter(kind="thumbnail").exists(),
        "lines": lines,
        "copies": redaction.copies.all(),
        "suggesting": redaction.status == Redaction.Status.SUGGESTING,
        "failed": redaction.status == Redaction.Status.FAILED,
        "waiting": redaction.status == Redaction.Status.SUGGESTING
        or redaction.copies.filter(status=RedactedCopy.Status.PENDING).exists(),
    }


@login_required
def redacted_copy_file(request, copy_id):
    copy = get_redacted_copy_for_user(request.user, copy_id)
    if copy.status != RedactedCopy.Status.READY:
        raise Http404("the copy is not ready")
    return copy_response(copy, actor_from_request(request))
