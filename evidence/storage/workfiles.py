"""Files the workers read and write: a local copy of an original, and derived files."""

import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

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
    with tempfile.NamedTemporaryFile(suffix=os.path.splitext(item.original_filename)[1]) as tmp:
        with storage.open(item.stored_name, "rb") as fh:
            sha256 = stream_sha256(fh, copy_to=tmp)
        tmp.flush()
        if sha256 != item.sha256:
            raise OriginalChanged(item.stored_name)
        yield tmp.name


def save_derived(item: EvidenceItem, kind: str, content: bytes | File, ext: str, mime: str) -> DerivedFile:
    """Store a file derived from the item's original (replacing an earlier one of the same kind)."""
    data = content if isinstance(content, bytes) else content.read()
    storage = evidence_storage()
    name = f"derived/{item.sha256[:2]}/{item.sha256}/{kind}.{ext}"
    if storage.exists(name):
        storage.delete(name)
    storage.save(name, ContentFile(data))
    derived, _ = DerivedFile.objects.update_or_create(
        item=item, kind=kind,
        defaults={"original_sha256": item.sha256, "stored_name": name, "mime": mime,
                  "sha256": hashlib.sha256(data).hexdigest()},
    )
    return derived
