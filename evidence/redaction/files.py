"""Handing a redacted copy out: private, as an attachment, recorded in the item's custody."""

from django.http import FileResponse

from evidence.custody import Actor, custody_record
from evidence.models import RedactedCopy
from evidence.storage.originals import evidence_storage
from harassguard.lib.http import private_file


def copy_filename(copy: RedactedCopy) -> str:
    """redacted-<reader>-<first 12 of the original's SHA-256>.<ext>: the name says whose copy it is."""
    ext = "png" if copy.mime == "image/png" else "pdf"
    return f"redacted-{copy.reader}-{copy.original_sha256[:12]}.{ext}"


def copy_response(copy: RedactedCopy, actor: Actor) -> FileResponse:
    fh = evidence_storage().open(copy.stored_name, "rb")
    response = FileResponse(fh, as_attachment=True, filename=copy_filename(copy), content_type=copy.mime)
    private_file(response)
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    custody_record(
        case=copy.item.case, item=copy.item, action="redacted_copy_downloaded", actor=actor, copy_sha256=copy.sha256
    )
    return response
