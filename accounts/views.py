from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import devices_for_user
from django_otp import login as otp_login

from accounts.credentials import (
    recovery_code_use,
    recovery_codes_issue,
    recovery_codes_left,
    sign_out_everywhere_else,
)
from accounts.forms import EmailForm, SignupForm
from accounts.lockout import lockout_response
from accounts.models import ApiToken
from accounts.second_factor import check_code, has_second_factor, pending_device, qr_data_uri, second_factor_reset
from accounts.sessions import active_sign_ins
from accounts.throttle import counted_over, rate_limited

# Wrong recovery codes or old passwords one account may send per hour, from anywhere.
ACCOUNT_TRIES_PER_HOUR = 10


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
        ended = sign_out_everywhere_else(request.user, request.session.session_key)
        messages.success(
            request, _("Signed out of %(n)d other session(s); every API token was revoked.") % {"n": ended}
        )
        return redirect("sessions")
    context = {
        "recent": request.user.sign_ins.all()[:20],
        "active": active_sign_ins(request.user),
        "current": request.session.session_key,
    }
    return render(request, "accounts/sessions.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request):
    """A new password: every other session ends and every API token is revoked."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST":
        if counted_over("password-change", request.user.pk, ACCOUNT_TRIES_PER_HOUR):
            return lockout_response(request, 3600, signin=False)
        if form.is_valid():
            user = form.save()
            update_session_auth_hash(request, user)
            sign_out_everywhere_else(user, request.session.session_key)
            messages.success(
                request, _("Password changed. Every other session was signed out and every API token revoked.")
            )
            return redirect("sessions")
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "email_form": EmailForm(initial={"email": request.user.email})},
    )


@login_required
@require_POST
def account_email(request):
    """The address password-reset links are sent to (may be empty)."""
    form = EmailForm(request.POST)
    if form.is_valid():
        request.user.email = form.cleaned_data["email"]
        request.user.save(update_fields=["email"])
        messages.success(request, _("E-mail saved."))
    else:
        messages.error(request, _("That is not an e-mail address."))
    return redirect("password-change")


@login_required
@require_http_methods(["GET", "POST"])
def second_factor_setup(request):
    """Scan the QR code with an authenticator app, then type one code to switch two-factor sign-in on."""
    if has_second_factor(request.user):
        return _second_factor_on(request)
    # A new secret on each visit; a wrong code keeps the one on the page, to try again.
    device = pending_device(request.user, fresh=request.method == "GET")
    if request.method == "POST":
        if device.verify_token(request.POST.get("code", "").strip()):
            device.confirmed = True
            device.save()
            otp_login(request, device)
            sign_out_everywhere_else(request.user, request.session.session_key)
            messages.success(
                request, _("Two-factor sign-in is on. Every other session was signed out and every API token revoked.")
            )
            return render(request, "accounts/recovery_codes.html", {"codes": recovery_codes_issue(request.user)})
        messages.error(request, _("That code is not right. Check the time on your phone and try again."))
    return render(request, "accounts/2fa_setup.html", {"qr": qr_data_uri(device), "secret": device.config_url})


def _second_factor_on(request):
    """The set-up page once it is on: new recovery codes, or a new phone."""
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "codes":
        return render(request, "accounts/recovery_codes.html", {"codes": recovery_codes_issue(request.user)})
    if action == "new-phone":
        second_factor_reset(request.user)
        messages.info(request, _("Your old authenticator app no longer works. Scan the new code."))
        return redirect("second-factor-setup")
    return render(
        request, "accounts/2fa_setup.html", {"enabled": True, "codes_left": recovery_codes_left(request.user)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def second_factor_verify(request):
    """After the password: the code from the authenticator app, or one recovery code."""
    if request.method == "POST":
        typed = request.POST.get("code", "")
        device = check_code(request.user, typed)
        if device is None and len(typed.strip()) >= 10:  # a recovery code, not an app code
            device = _recovery(request, typed)
            if device is False:
                return lockout_response(request, 3600, signin=False)
        if device is not None:
            otp_login(request, device)
            next_url = request.GET.get("next", "/")
            return redirect(next_url if url_has_allowed_host_and_scheme(next_url, None) else "/")
        messages.error(request, _("That code is not right. Check the time on your phone and try again."))
    return render(request, "accounts/2fa_verify.html")


def _recovery(request, typed: str):
    """The user's device when `typed` is an unused recovery code, None when not, False when
    the account has sent too many wrong ones this hour."""
    if counted_over("recovery-code", request.user.pk, ACCOUNT_TRIES_PER_HOUR):
        return False
    if not recovery_code_use(request.user, typed):
        return None
    left = recovery_codes_left(request.user)
    messages.warning(
        request, _("You used a recovery code; %(n)d left. Lost your phone? Set up a new one now.") % {"n": left}
    )
    return next(iter(devices_for_user(request.user, confirmed=True)), None)
