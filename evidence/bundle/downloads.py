"""Handing out a bundle's PDF or ZIP: streamed from storage, recorded in the custody log."""

from django.http import FileResponse

from evidence.custody import Actor, custody_record
from evidence.models import Bundle
from evidence.storage.originals import evidence_storage
from harassguard.lib.http import private_file


def bundle_file_response(bundle: Bundle, which: str, actor: Actor, **detail) -> FileResponse:
    """Return the bundle's `pdf` or `zip` as a streamed attachment; `detail` adds to its custody event."""
    name = bundle.pdf_name if which == "pdf" else bundle.zip_name
    response = FileResponse(
        evidence_storage().open(name, "rb"),
        as_attachment=True,
        filename=f"evidence-bundle-{str(bundle.pk)[:8]}.{which}",
        content_type="application/pdf" if which == "pdf" else "application/zip",
    )
    private_file(response)
    custody_record(case=bundle.case, action=f"bundle_{which}_downloaded", actor=actor, bundle=str(bundle.pk), **detail)
    return response
