from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cases.access import Need, get_case_for_user, get_export_for_user
from evidence.custody import actor_from_request
from evidence.export.services import MAX_PART_MB, MIN_PART_MB, ExportRefused, export_create, export_part_response
from evidence.models import CaseExport

# Sizes offered on the page: WeChat sends files up to 1 GB from a phone, but a slow
# connection or an older phone is happier with smaller parts.
PART_CHOICES = (None, 25, 100, 500)


@login_required
@require_http_methods(["GET", "POST"])
def case_export(request, case_id):
    """The owner's page for a full copy of the case: ask for one, see the earlier ones."""
    case = get_case_for_user(request.user, case_id, need=Need.OWN)
    if request.method == "POST":
        try:
            export = export_create(case=case, actor=actor_from_request(request), part_mb=_part_mb(request.POST))
        except ExportRefused as exc:
            messages.error(request, str(exc))
            return redirect("case-export", case_id=case.id)
        return redirect("export-detail", export_id=export.pk)
    exports = CaseExport.objects.filter(case=case)[:10]
    return render(request, "evidence/export.html", {"case": case, "exports": exports, "part_choices": PART_CHOICES[1:]})


def _part_mb(data) -> int | None:
    """The part size chosen: none (one ZIP), or a whole number of MB in range."""
    try:
        value = int(data.get("part_mb") or 0)
    except ValueError:
        return None
    return min(max(value, MIN_PART_MB), MAX_PART_MB) if value else None


@login_required
def export_detail(request, export_id):
    export = get_export_for_user(request.user, export_id)
    template = "evidence/_export_status.html" if request.GET.get("fragment") else "evidence/export_detail.html"
    return render(request, template, {"export": export, "case": export.case})


@login_required
def export_download(request, export_id, part):
    export = get_export_for_user(request.user, export_id)
    if export.status != CaseExport.Status.READY or not 1 <= part <= len(export.parts):
        raise Http404("no such part")
    return export_part_response(export, part, actor_from_request(request))
