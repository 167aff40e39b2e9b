from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from accounts.lockout import lockout_response
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
