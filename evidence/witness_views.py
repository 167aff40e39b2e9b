from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.access import Need, get_item_for_user
from evidence import witness
from evidence.curation import item_describe_exhibit
from evidence.custody import actor_from_request
from evidence.intake import services
from harassguard.lib.http import private_file


@login_required
@require_POST
def item_exhibit(request, item_id):
    """Save the exhibit's 证明目的 and the identity clues the user knows."""
    item = get_item_for_user(request.user, item_id, need=Need.BUILD)
    item_describe_exhibit(
        item=item,
        actor=actor_from_request(request),
        purpose=request.POST.get("purpose", "").strip()[:2000],
        identity_clues=request.POST.get("identity_clues", "").strip()[:2000],
    )
    messages.success(request, _("Saved. New bundles use it."))
    return redirect("item-detail", item_id=item.id)


@login_required
def witness_form(request, item_id):
    """The printable 证人证言 form filled from a relative's or colleague's statement."""
    item = get_item_for_user(request.user, item_id)
    try:
        data = witness.witness_form_pdf(item=item, actor=actor_from_request(request))
    except witness.NotAWitnessStatement:
        raise Http404("not a witness statement") from None
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="witness-form-{str(item.pk)[:8]}.pdf"'
    return private_file(response)


@login_required
@require_POST
def signed_form(request, item_id):
    """Upload the scan of the signed form; it becomes evidence linked to the statement (the owner uploads,
    as for every other file)."""
    item = get_item_for_user(request.user, item_id, need=Need.OWN)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose the scan of the signed form."))
        return redirect("item-detail", item_id=item.id)
    try:
        scan, _created = witness.signed_form_upload(item=item, actor=actor_from_request(request), upload=upload)
    except witness.NotAWitnessStatement:
        raise Http404("not a witness statement") from None
    except services.IntakeError as exc:
        messages.error(request, exc.message)
        return redirect("item-detail", item_id=item.id)
    return redirect("item-detail", item_id=scan.id)
