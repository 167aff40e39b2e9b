from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from accounts.forms import SignupForm
from accounts.lockout import lockout_response
from accounts.models import ApiToken
from accounts.second_factor import check_code, has_second_factor, pending_device, qr_data_uri
from accounts.sessions import active_sign_ins, sign_out_others
from accounts.throttle import rate_limited


@require_http_methods(["GET", "POST"])
def signup(request):
    """New account; every try counts towards the per-IP limit, so names cannot be tried in bulk."""
    if request.method == "POST" and rate_limited(request, "signup", settings.SIGNUP_PER_HOUR):
        return lockout_response(request, 3600, signin=False)
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("case-list")
    return render(request, "accounts/signup.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request):
    """The user's API tokens (only their first characters), and revoking one."""
    if request.method == "POST":
        ApiToken.objects.filter(user=request.user, prefix=request.POST.get("prefix", "")).delete()
        messages.success(request, _("Token revoked."))
        return redirect("tokens")
    return render(request, "accounts/tokens.html", {"tokens": request.user.api_tokens.order_by("-created")})


@login_required
@require_http_methods(["GET", "POST"])
def sessions(request):
    """Recent sign-ins and live sessions (time, device, IP), and signing out all the others."""
    if request.method == "POST":
        ended = sign_out_others(request.user, request.session.session_key)
        messages.success(request, _("Signed out of %(n)d other session(s).") % {"n": ended})
        return redirect("sessions")
    context = {"recent": request.user.sign_ins.all()[:20], "active": active_sign_ins(request.user),
               "current": request.session.session_key}
    return render(request, "accounts/sessions.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def second_factor_setup(request):
    """Scan the QR code with an authenticator app, then type one code to switch two-factor sign-in on."""
    if has_second_factor(request.user):
        return render(request, "accounts/2fa_setup.html", {"enabled": True})
    device = pending_device(request.user)
    if request.method == "POST":
        if device.verify_token(request.POST.get("code", "").strip()):
            device.confirmed = True
            device.save()
            otp_login(request, device)
            messages.success(request, _("Two-factor sign-in is on."))
            return redirect("second-factor-setup")
        messages.error(request, _("That code is not right. Check the time on your phone and try again."))
    return render(request, "accounts/2fa_setup.html", {"qr": qr_data_uri(device), "secret": device.config_url})


@login_required
@require_http_methods(["GET", "POST"])
def second_factor_verify(request):
    """After the password: the code from the authenticator app."""
    if request.method == "POST":
        device = check_code(request.user, request.POST.get("code", ""))
        if device is not None:
            otp_login(request, device)
            next_url = request.GET.get("next", "/")
            return redirect(next_url if url_has_allowed_host_and_scheme(next_url, None) else "/")
        messages.error(request, _("That code is not right. Check the time on your phone and try again."))
    return render(request, "accounts/2fa_verify.html")
