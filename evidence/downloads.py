"""Handing an original out: only after the caller's access was checked, always as
an attachment, never cached by shared caches, and recorded in the custody log."""

from django.http import FileResponse

from evidence.custody import Actor, custody_record
from evidence.models import EvidenceItem
from evidence.originals import evidence_storage


def original_response(item: EvidenceItem, actor: Actor) -> FileResponse:
    """Return a response streaming the exact stored bytes of `item`'s original."""
    fh = evidence_storage().open(item.stored_name, "rb")
    response = FileResponse(fh, as_attachment=True, filename=item.original_filename, content_type=item.mime)
    response["Content-Length"] = str(item.size)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    custody_record(case=item.case, item=item, action="original_downloaded", actor=actor, sha256=item.sha256)
    return response
