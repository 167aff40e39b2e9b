"""Rendering a bundle's PDF with WeasyPrint from a Django template."""

import base64
import gc
import io
from collections.abc import Iterator
from contextlib import contextmanager

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from evidence.storage.originals import evidence_storage

# Images in the bundle come from storage through this scheme, never from the network.
SCHEME = "hg-storage:"
QR_MASK = 2


class StorageFetcher(URLFetcher):
    """Serves `hg-storage:<name>` from evidence storage and data: URIs; refuses everything else,
    so rendering a bundle never reaches the network or the server's files."""

    def fetch(self, url, headers=None):
        if url.startswith(SCHEME):
            with evidence_storage().open(url[len(SCHEME) :], "rb") as fh:
                return URLFetcherResponse(url, fh.read(), {"Content-Type": "image/jpeg"})
        if url.startswith("data:"):
            return super().fetch(url, headers)
        raise ValueError(f"bundle templates may not load {url!r}")


def verify_url(code: str, sha256: str) -> str:
    """The public page that checks this hash within the bundle whose verification code is `code`."""
    return settings.SITE_URL.rstrip("/") + reverse("verify-exhibit", args=[code, sha256])


def qr_data_uri(url: str) -> str:
    """A QR code of `url` as a PNG data URI (a raster draws far faster than an SVG of many squares).

    The mask is fixed: any of the eight masks scans, and trying all of them to pick the
    "best" took 80% of the time of each code (about 1.2 s of a 300-exhibit bundle)."""
    buf = io.BytesIO()
    segno.make(url, error="m", mask=QR_MASK).save(buf, kind="png", scale=4, border=1)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cycle collector for the duration, then collect once.

    WeasyPrint keeps every box of every page alive until the PDF is written: half a million
    objects in reference cycles per 100 exhibits. Each full collection walked all of them,
    and collections came every few thousand allocations, so the collector took a third of
    the rendering time, and more the longer the bundle. Memory is still freed by reference
    counting meanwhile; only the cycles wait for the one collection at the end.
    The collector is per process: this is meant for a worker process that renders one
    bundle at a time, as the heavy queue's do."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        gc.collect()


def html_to_pdf(html: str) -> bytes:
    """The one way the site makes a PDF (bundles and letters): WeasyPrint with the cycle
    collector paused, loading images from evidence storage and nothing from the network or disk."""
    with cyclic_gc_paused():
        return HTML(string=html, url_fetcher=StorageFetcher(), base_url=".").write_pdf()


def render_pdf(context: dict) -> bytes:
    """Return the PDF bytes of the bundle described by `context`."""
    # The bundle is a Chinese court document whoever asked for it, in whatever language.
    with translation.override("zh-hans"):
        html = render_to_string("bundle/bundle.html", context)
    return html_to_pdf(html)
