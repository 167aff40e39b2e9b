from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.lockout import lockout_response
from accounts.throttle import rate_limited
from cases.access import Need, get_bundle_for_user, get_case_for_user
from evidence.bundle.downloads import bundle_file_response
from evidence.bundle.services import BundleRefused, bundle_create
from evidence.bundle.share_views import shares_context
from evidence.bundle.verification import verify_hash
from evidence.custody import actor_from_request
from evidence.models import Bundle


@login_required
@require_POST
def bundle_new(request, case_id):
    case = get_case_for_user(request.user, case_id, need=Need.BUILD)
    try:
        bundle = bundle_create(
            case=case,
            actor=actor_from_request(request),
            case_number=request.POST.get("case_number", "").strip()[:100],
            submitter=request.POST.get("submitter", "").strip()[:100],
            submitter_role=request.POST.get("submitter_role", ""),
            submitted_to=request.POST.get("submitted_to", "").strip()[:200],
            copies=_copies(request.POST.get("copies")),
        )
    except BundleRefused as exc:
        messages.error(request, str(exc))
        return redirect("case-detail", case_id=case.id)
    return redirect("bundle-detail", bundle_id=bundle.pk)


def _copies(value) -> int:
    """份数 from the form: a whole number from 1 to 50 (1 when not given or not a number)."""
    try:
        return min(max(int(value), 1), 50)
    except (TypeError, ValueError):
        return 1


@login_required
def bundle_detail(request, bundle_id):
    bundle = get_bundle_for_user(request.user, bundle_id)
    if request.GET.get("fragment"):
        return render(request, "bundle/_status.html", {"bundle": bundle, "case": bundle.case})
    context = {"bundle": bundle, "case": bundle.case, **shares_context(request, bundle)}
    return render(request, "bundle/detail.html", context)


@login_required
def bundle_download(request, bundle_id, which):
    bundle = get_bundle_for_user(request.user, bundle_id)
    if bundle.status != Bundle.Status.READY:
        raise Http404("not ready")
    return bundle_file_response(bundle, which, actor_from_request(request))


@require_http_methods(["GET", "POST"])
def verify(request, sha256=None, code=None):
    """Anyone may check a file or a hash; the file is hashed as it streams in and then discarded.

    An exhibit is confirmed only with its bundle's verification code (from the QR code's
    address or typed in); lookups are limited per IP address."""
    upload = request.FILES.get("file") if request.method == "POST" else None
    candidate = upload.sha256 if upload else (request.POST.get("sha256") or sha256)
    code = (request.POST.get("code") or request.GET.get("code") or code or "").strip()
    context = {"result": None, "error": "", "filename": upload.name if upload else "", "code": code}
    if candidate:
        if rate_limited(request, "verify", settings.VERIFY_PER_HOUR):
            return lockout_response(request, 3600, signin=False)
        try:
            context["result"] = verify_hash(candidate, code)
        except ValueError:
            context["error"] = "invalid"
    return render(request, "bundle/verify.html", context)
