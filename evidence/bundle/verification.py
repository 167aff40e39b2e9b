"""Public verification: does a file (or its SHA-256) match something in a bundle the site made?

Only what a clerk needs is revealed — exhibit number, bundle date, receipt
and time-stamp times — never the case, the people or the content.
"""


from evidence.models import Bundle, BundleItem, Timestamp
from harassguard.lib.hashing import SHA256_HEX


def verify_hash(sha256: str) -> dict:
    """Return {"exhibits": [...], "bundles": [...]} matching the hash (empty lists when none)."""
    sha256 = sha256.strip().lower()
    if not SHA256_HEX.match(sha256):
        raise ValueError("not a SHA-256 hex digest")
    entries = BundleItem.objects.filter(item__sha256=sha256, bundle__status=Bundle.Status.READY).select_related(
        "item", "bundle")
    stamps = {s.item_id: s for s in Timestamp.objects.filter(item__sha256=sha256)}
    exhibits = [{
        "exhibit": e.position, "bundle": str(e.bundle.pk)[:8], "bundle_made": e.bundle.finished,
        "received_at": e.item.received_at,
        "stamp_time": stamps[e.item_id].gen_time if e.item_id in stamps else None,
        "stamp_kind": stamps[e.item_id].get_kind_display() if e.item_id in stamps else "",
    } for e in entries]
    bundles = [{"bundle": str(b.pk)[:8], "made": b.finished, "what": "PDF" if b.pdf_sha256 == sha256 else "ZIP"}
               for b in Bundle.objects.filter(status=Bundle.Status.READY).filter(pdf_sha256=sha256)
               | Bundle.objects.filter(status=Bundle.Status.READY, zip_sha256=sha256)]
    return {"sha256": sha256, "exhibits": exhibits, "bundles": bundles}
