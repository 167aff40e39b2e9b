"""Per-IP rate limits for pages strangers can reach without an account, counted in Django's
cache ("ratelimit": Redis when REDIS_URL is set, so every web process shares the counts;
else this process's memory, enough for `make run`'s single server).

Counts run in fixed one-hour windows under a hash of (scope, client address, window), so the
cache never holds an address in clear.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

HOUR = 3600


def _client_address(request: HttpRequest) -> str:
    # The socket's peer; behind a proxy the lead's shared client-IP helper (TRUSTED_PROXY_COUNT) belongs here.
    return request.META.get("REMOTE_ADDR") or ""


def rate_limited(request: HttpRequest, scope: str, per_hour: int) -> bool:
    """Count this request under (scope, client address); True when it is over `per_hour` (0: no limit)."""
    if not per_hour:
        return False
    window = int(time.time() // HOUR)
    key = "rl:" + hashlib.sha256(f"{settings.SECRET_KEY}\0{scope}\0{_client_address(request)}\0{window}".encode()).hexdigest()
    cache = caches["ratelimit"]
    cache.add(key, 0, HOUR + 60)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, HOUR + 60)
        count = 1
    return count > per_hour


def too_many_response(request: HttpRequest) -> HttpResponse:
    """Answer 429 with a Retry-After of the window's remaining seconds: JSON under /api/, else a page."""
    retry = HOUR - int(time.time()) % HOUR
    if request.path.startswith("/api/"):
        response = JsonResponse({"error": _("Too many requests from your connection. Please try again later."),
                                 "code": "rate_limited"}, status=429)
    else:
        response = render(request, "too_many.html", status=429)
    response["Retry-After"] = str(retry)
    return response
