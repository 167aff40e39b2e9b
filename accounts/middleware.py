from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts.lockout import lockout_response
from accounts.privacy import has_pin, pin_needed, pin_open
from accounts.second_factor import has_second_factor, is_verified

# Reachable before the second factor is given: the code page itself, signing out, public pages.
OPEN_PREFIXES = ("/accounts/2fa/verify/", "/accounts/logout/", "/static/", "/i18n/", "/s/", "/verify/")


class RequireSecondFactorMiddleware:
    """A user who set up two-factor sign-in must give the code before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(OPEN_PREFIXES)
            and not is_verified(user)
            and has_second_factor(user)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"error": _("Enter the code from your authenticator app first."), "code": "otp_required"},
                    status=401,
                )
            return redirect(f"/accounts/2fa/verify/?next={request.get_full_path()}")
        return self.get_response(request)


class SignInThrottleMiddleware:
    """A sign-in the throttle refused (see accounts.throttle) is answered 429 with the wait,
    on the sign-in page and on the API alike."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        wait = getattr(request, "signin_wait", 0)
        return lockout_response(request, wait) if wait else response


# Pages that show a case (its list, its pages, its items, bundles and letters): behind the PIN.
# The API only for reading, so an upload already under way is not cut off by the idle timeout.
PIN_PREFIXES = (
    "/cases/",
    "/items/",
    "/bundles/",
    "/complaints/",
    "/invitations/",
    "/exports/",
    "/search/",
    "/redactions/",
    "/redacted-copies/",
)


class PinLockMiddleware:
    """With a PIN set (discreet mode), case pages ask for it on a session not opened with it
    within PIN_IDLE_MINUTES; each case page opened keeps the session open that much longer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        guarded = path == "/" or path.startswith(PIN_PREFIXES) or (path.startswith("/api/") and request.method == "GET")
        if guarded and has_pin(request.user):
            if pin_needed(request):
                if path.startswith("/api/"):
                    return JsonResponse({"error": _("Enter your PIN first."), "code": "pin_required"}, status=401)
                return redirect(f"{reverse('pin-unlock')}?{urlencode({'next': request.get_full_path()})}")
            pin_open(request)
        return self.get_response(request)
