"""The quick exit's server side, the privacy settings page and the PIN page (accounts/privacy.py)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.forms import PinForm, PinRemoveForm, PinUnlockForm, PrivacyForm
from accounts.lockout import lockout_response
from accounts.privacy import has_pin, pin_set, pin_try, privacy_of, privacy_save, quick_exit
from accounts.throttle import counted_over

# Wrong passwords the PIN forms accept from one account an hour (as the password change does).
PASSWORD_TRIES_PER_HOUR = 10


@require_POST
def quick_exit_view(request):
    """Called by the quick-exit button as it leaves: shut or end the session. No page to show."""
    quick_exit(request)
    return HttpResponse(status=204)


@login_required
@require_http_methods(["GET", "POST"])
def privacy_settings(request):
    """Where the quick exit leads, discreet mode, and the PIN."""
    action = request.POST.get("action", "") if request.method == "POST" else ""
    row = privacy_of(request.user)
    form = PrivacyForm(request.POST if action == "settings" else None, instance=row)
    pin_form = PinForm(request.POST if action == "pin" else None)
    remove_form = PinRemoveForm(request.POST if action == "pin-remove" else None)
    bound = {"settings": form, "pin": pin_form, "pin-remove": remove_form}.get(action)
    over = action in ("pin", "pin-remove") and counted_over("pin-password", request.user.pk, PASSWORD_TRIES_PER_HOUR)
    if over:
        return lockout_response(request, 3600, signin=False)
    if bound is not None and bound.is_valid() and _password_ok(request, bound):
        return _save(request, action, bound)
    context = {
        "form": form,
        "pin_form": pin_form,
        "remove_form": remove_form,
        "has_pin": has_pin(request.user),
        "idle_minutes": settings.PIN_IDLE_MINUTES,
    }
    return render(request, "accounts/privacy.html", context)


def _password_ok(request, form) -> bool:
    if "password" not in form.fields or request.user.check_password(form.cleaned_data["password"]):
        return True
    form.add_error("password", _("That is not your password."))
    return False


def _save(request, action: str, form):
    if action == "settings":
        privacy_save(user=request.user, **form.cleaned_data)
        messages.success(request, _("Saved."))
    else:
        pin_set(request=request, pin=form.cleaned_data["pin"] if action == "pin" else "")
        messages.success(request, _("PIN set.") if action == "pin" else _("PIN removed."))
    return redirect("privacy")


@login_required
@require_http_methods(["GET", "POST"])
def pin_unlock(request):
    """Type the PIN to open case pages; or, having forgotten it, sign out and in with the password."""
    next_url = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    if not has_pin(request.user):
        return redirect(next_url)
    if request.method == "POST" and request.POST.get("action") == "forgot":
        logout(request)
        return redirect(f"{reverse('login')}?{urlencode({'next': next_url})}")
    form = PinUnlockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = pin_try(request, form.cleaned_data["pin"])
        if outcome == "ok":
            return redirect(next_url)
        if outcome == "signed-out":
            messages.error(request, _("Too many wrong PINs. Sign in with your password."))
            return redirect(f"{reverse('login')}?{urlencode({'next': next_url})}")
        form.add_error("pin", _("That PIN is not right."))
    return render(request, "accounts/pin.html", {"form": form})
