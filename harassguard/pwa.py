"""The installable web app: its manifest, its service worker and the page it shows offline.

The service worker is served from the site's root so that its scope covers every page. It keeps
only static files and the offline page: pages of a case answer with `Cache-Control: no-store`
and are never put in its cache (see templates/pwa/sw.js), so a shared phone holds no case offline.
"""

import hashlib
from functools import lru_cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

# What the service worker keeps for offline use: the look of the site and the scripts of the queue.
PRECACHE = [
    "css/site.css",
    "js/queue-core.js",
    "js/upload.js",
    "js/record.js",
    "js/pwa.js",
    "icons/icon-192.png",
    "icons/icon-512.png",
]


@lru_cache(maxsize=1)
def _version() -> str:
    """Changes whenever a precached file does, so a new worker replaces the old cache."""
    digest = hashlib.sha256()
    for name in PRECACHE:
        path = finders.find(name)
        if path:
            with open(path, "rb") as fh:
                digest.update(fh.read())
    return digest.hexdigest()[:16]


@require_GET
def service_worker(request):
    body = render(
        request,
        "pwa/sw.js",
        {
            "version": _version() if not settings.DEBUG else _version.__wrapped__(),
            "offline_url": reverse("offline"),
            "static_prefix": static(""),
            "precache": [static(name) for name in PRECACHE] + [reverse("offline"), reverse("web-manifest")],
        },
    ).content
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    # A browser checks for a new worker on each visit; it must see the new one, not a cached copy.
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def web_manifest(request):
    manifest = {
        "name": _("HarassGuard"),
        "short_name": _("HarassGuard"),
        "start_url": reverse("case-list"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1e4078",
        "icons": [
            {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
        ],
    }
    response = JsonResponse(
        manifest, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False}
    )
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def offline(request):
    """Shown by the service worker when a page cannot be reached; it holds nothing of any case."""
    response = render(request, "pwa/offline.html")
    response["Cache-Control"] = "no-cache"
    return response
