"""What a locked-out sign-in sees: a page for people, the API's JSON error for clients."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """Answer 429: as {error, code} under /api/, else with the locked-out page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"error": _("Too many wrong passwords: sign-in is paused for an hour."),
                             "code": "locked_out"}, status=429)
    return render(request, "accounts/locked_out.html", status=429)
