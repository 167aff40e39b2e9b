"""Files the workers read and write: a local copy of an original, and derived files."""

import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.files.base import ContentFile, File

from evidence.models import DerivedFile, EvidenceItem
from evidence.storage.originals import evidence_storage
from harassguard.lib.hashing import stream_sha256


class OriginalChanged(Exception):
    """The bytes read from storage do not hash to the item's SHA-256."""


@contextmanager
def local_original(item: EvidenceItem) -> Iterator[str]:
    """Yield a local path holding the item's original, checked against its hash.

    Local storage gives its own path; remote or encrypted storage is copied to a scratch file first.
    """
    storage = evidence_storage()
    try:
        path = None if getattr(storage, "sealed", False) else storage.path(item.stored_name)
    except NotImplementedError:
        path = None
    if path:
        yield path
        return
    # In the scratch folder, not the system's temp: SCRATCH_DIR is where the README has plaintext kept.
    with tempfile.NamedTemporaryFile(
        dir=settings.FILE_UPLOAD_TEMP_DIR, suffix=os.path.splitext(item.original_filename)[1]
    ) as tmp:
        with storage.open(item.stored_name, "rb") as fh:
            sha256 = stream_sha256(fh, copy_to=tmp)
        tmp.flush()
        if sha256 != item.sha256:
            raise OriginalChanged(item.stored_name)
        yield tmp.name


def derived_name(item: EvidenceItem, kind: str, sha256: str, ext: str) -> str:
    """Where a derived file is stored: beside its original's hash, under the item and its own hash.

    The same bytes in another case are another item, so processing them there never touches this
    item's files; and a file once named is never rewritten, so a custody record's hash of it stays true.
    """
    return f"derived/{item.sha256[:2]}/{item.sha256}/{item.pk}/{kind}-{sha256[:16]}.{ext}"


def save_derived(item: EvidenceItem, kind: str, content: bytes | File, ext: str, mime: str) -> DerivedFile:
    """Store a file derived from the item's original and point the item's record of that kind at it.

    An earlier file of the same kind is left in place (an older custody record names it).
    """
    data = content if isinstance(content, bytes) else content.read()
    sha256 = hashlib.sha256(data).hexdigest()
    storage, name = evidence_storage(), derived_name(item, kind, sha256, ext)
    if not storage.exists(name):
        saved = storage.save(name, ContentFile(data))
        if saved != name:  # a concurrent run of the same step wrote the same bytes a moment ago
            storage.delete(saved)
    derived, _ = DerivedFile.objects.update_or_create(
        item=item,
        kind=kind,
        defaults={"original_sha256": item.sha256, "stored_name": name, "mime": mime, "sha256": sha256},
    )
    return derived
