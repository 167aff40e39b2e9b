from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.closing import account_close
from accounts.lockout import lockout_response
from accounts.throttle import counted_over
from cases.models import Case, Membership
from evidence.custody import actor_from_request
from evidence.export.services import export_create, export_taken
from evidence.models import CaseExport

# Wrong passwords one account may type here per hour.
CLOSE_TRIES_PER_HOUR = 10


def _rows(user, keep: set[str] | None) -> list[dict]:
    """The user's open cases with their latest copy; `keep`: the ids ticked (None: those with a copy)."""
    rows = []
    for case in Case.objects.filter(owner=user, closed_at=None):
        export = CaseExport.objects.filter(case=case).first()
        kept = str(case.pk) in keep if keep is not None else export is not None
        rows.append({"case": case, "export": export, "taken": export_taken(export), "keep": kept})
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def account_close_view(request):
    """Close the account: copies of the cases to keep are made and downloaded first, then the
    password is asked again, then everything else is deleted."""
    user = request.user
    if request.method == "GET":
        rows = _rows(user, None)
        member_of = Membership.objects.filter(user=user, revoked_at=None).select_related("case")
        return render(request, "accounts/close.html", {"rows": rows, "member_of": member_of})
    rows = _rows(user, {key[5:] for key in request.POST if key.startswith("keep_")})
    waiting = [r for r in rows if r["keep"] and not r["taken"]]
    for row in waiting:
        _start_copy(request, row)
    if request.POST.get("action") != "close":
        return redirect("account-close")
    if waiting:
        messages.info(request, _("First download every part of the copies you keep; then close the account."))
        return redirect("account-close")
    return _close(request) or redirect("account-close")


def _start_copy(request, row: dict) -> None:
    """Start a copy of a case to keep, unless one is being made or ready to download."""
    export = row["export"]
    active = (CaseExport.Status.PENDING, CaseExport.Status.BUILDING, CaseExport.Status.READY)
    if export is None or export.status not in active:
        row["export"] = export_create(case=row["case"], actor=actor_from_request(request))


def _close(request):
    """Close the account if the password is right and the box ticked; None (with a message) if not."""
    user = request.user
    if counted_over("account-close", user.pk, CLOSE_TRIES_PER_HOUR):
        return lockout_response(request, 3600, signin=False)
    if not user.check_password(request.POST.get("password", "")):
        messages.error(request, _("That is not your password."))
        return None
    if not request.POST.get("confirm"):
        messages.error(request, _("Tick the box to confirm that you want to close your account."))
        return None
    account_close(user=user, actor=actor_from_request(request))
    logout(request)
    return render(request, "accounts/closed.html")
