"""Public verification: does a file (or its SHA-256) match a bundle the site made?

Someone who merely holds a file — the collector who sent the overdue notice — must not learn
that a victim put it in a bundle, or when. So an exhibit is confirmed only within the one
bundle whose verification code is given (printed in its QR codes and annex); without a code,
only a bundle's own PDF or ZIP is confirmed, which only those given the bundle hold. Dates are
days, never times; withdrawn items are never confirmed; the case and the people never appear.
"""

import re

from django.utils import timezone

from evidence.models import Bundle, BundleItem, Timestamp
from harassguard.lib.hashing import SHA256_HEX

CODE = re.compile(r"^[A-Za-z0-9_-]{16,32}$")


def clean_hash(sha256: str) -> str:
    """Return the hash in lower case; raise ValueError when it is not a SHA-256 hex digest."""
    sha256 = (sha256 or "").strip().lower()
    if not SHA256_HEX.match(sha256):
        raise ValueError("not a SHA-256 hex digest")
    return sha256


def bundle_for_code(code: str) -> Bundle | None:
    """The finished bundle with this verification code, or None."""
    code = (code or "").strip()
    if not CODE.match(code):
        return None
    return Bundle.objects.filter(verify_secret=code, status=Bundle.Status.READY).first()


def _day(moment):
    """The day in the site's time zone, where the people involved live."""
    return timezone.localdate(moment) if moment else None


def _exhibits(bundle: Bundle, sha256: str) -> list[dict]:
    entries = BundleItem.objects.filter(bundle=bundle, item__sha256=sha256, item__withdrawn_at=None).select_related(
        "item"
    )
    stamps = {s.item_id: s for s in Timestamp.objects.filter(item__in=[e.item_id for e in entries])}
    return [
        {
            "exhibit": e.position,
            "received_on": _day(e.item.received_at),
            "stamp_on": _day(stamps[e.item_id].gen_time) if e.item_id in stamps else None,
            "stamp_kind": stamps[e.item_id].get_kind_display() if e.item_id in stamps else "",
        }
        for e in entries
    ]


def verify_hash(sha256: str, code: str = "") -> dict:
    """Return {"sha256", "code_ok", "bundle_made_on", "exhibits", "bundles"} for the hash.

    `exhibits` lists the exhibits with these bytes in the bundle whose code is given (none
    without a valid code); `bundles` the bundles whose own PDF or ZIP has this hash.
    Raises ValueError for a value that is not a SHA-256."""
    sha256 = clean_hash(sha256)
    bundle = bundle_for_code(code) if code else None
    own = Bundle.objects.filter(status=Bundle.Status.READY, pdf_sha256=sha256) | Bundle.objects.filter(
        status=Bundle.Status.READY, zip_sha256=sha256
    )
    return {
        "sha256": sha256,
        "code_given": bool(code),
        "code_ok": bundle is not None,
        "bundle_made_on": _day(bundle.finished) if bundle else None,
        "exhibits": _exhibits(bundle, sha256) if bundle else [],
        "bundles": [{"made_on": _day(b.finished), "what": "PDF" if b.pdf_sha256 == sha256 else "ZIP"} for b in own],
    }
