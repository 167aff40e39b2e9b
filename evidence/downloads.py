"""Handing an original out: only after the caller's access was checked, always as
an attachment, never cached by shared caches, and recorded in the custody log."""

import re

from django.http import FileResponse, HttpResponse

from evidence.custody import Actor, custody_record
from evidence.models import EvidenceItem, Timestamp
from evidence.storage.originals import evidence_storage
from harassguard.lib.http import private_file


def original_response(item: EvidenceItem, actor: Actor) -> FileResponse:
    """Return a response streaming the exact stored bytes of `item`'s original."""
    fh = evidence_storage().open(item.stored_name, "rb")
    response = FileResponse(fh, as_attachment=True, filename=item.original_filename, content_type=item.mime)
    response["Content-Length"] = str(item.size)
    private_file(response)
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    custody_record(case=item.case, item=item, action="original_downloaded", actor=actor, sha256=item.sha256)
    return response


def timestamp_response(item: EvidenceItem, stamp: Timestamp, actor: Actor) -> HttpResponse:
    """Return the item's time-stamp token (.tsr) or server receipt (.json) as an attachment, recorded in custody."""
    ext = "tsr" if stamp.kind == Timestamp.Kind.RFC3161 else "json"
    response = HttpResponse(bytes(stamp.token), content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{item.sha256[:16]}.{ext}"'
    private_file(response)
    custody_record(case=item.case, item=item, action="timestamp_downloaded", actor=actor)
    return response


RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def listening_response(request, item: EvidenceItem, derived, actor: Actor) -> HttpResponse:
    """Return the playable copy of a recording, honouring a single byte range so the
    player can seek. Only the first request of a listen (from byte 0) is recorded in custody."""
    # Listening copies are small (24 kbit/s: 11 MB an hour) and sealed storage cannot seek: read it whole.
    with evidence_storage().open(derived.stored_name, "rb") as fh:
        data = fh.read()
    size = len(data)
    start, end = _byte_range(request.headers.get("Range", ""), size)
    if start is None:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    body = data[start : end + 1]
    partial = RANGE.match(request.headers.get("Range", "").strip()) is not None
    response = HttpResponse(body, status=206 if partial else 200, content_type=derived.mime)
    if partial:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Accept-Ranges"] = "bytes"
    private_file(response)
    if start == 0:
        custody_record(case=item.case, item=item, action="recording_played", actor=actor, sha256=derived.sha256)
    return response


def _byte_range(header: str, size: int) -> tuple[int | None, int]:
    """Return (first, last) byte of a "bytes=a-b" range, the whole file without one, (None, 0) if unsatisfiable."""
    match = RANGE.match(header.strip())
    if not header or not match:
        return 0, size - 1
    first, last = match.groups()
    if not first:  # the last N bytes
        first, last = max(0, size - int(last or 0)), size - 1
    first, last = int(first), min(int(last) if last else size - 1, size - 1)
    if first >= size or first > last:
        return None, 0
    return first, last
