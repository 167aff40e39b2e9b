"""What a throttled sign-in sees: a page for people, the API's JSON error for clients."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def minutes(seconds: int) -> int:
    """Whole minutes to wait, at least one."""
    return max(1, (seconds + 59) // 60)


def lockout_response(request: HttpRequest, seconds: int, *, signin: bool = True) -> HttpResponse:
    """Answer 429 with Retry-After: as {error, code} under /api/, else with the page."""
    text = _("Too many attempts: try again in %(n)d minute(s).") % {"n": minutes(seconds)}
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"error": text, "code": "locked_out"}, status=429)
    else:
        response = render(request, "accounts/locked_out.html", {"text": text, "signin": signin}, status=429)
    response["Retry-After"] = str(seconds)
    return response
