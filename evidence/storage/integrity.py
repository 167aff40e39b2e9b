"""Re-hashing stored originals, to show they are still the bytes received."""

from evidence.storage.originals import evidence_storage
from harassguard.lib.hashing import stream_sha256


def stored_sha256(stored_name: str) -> str:
    """Return the SHA-256 of a stored original, read in chunks from storage."""
    with evidence_storage().open(stored_name, "rb") as fh:
        return stream_sha256(fh)


def file_sha256(path) -> str:
    """Return the SHA-256 of a local file, read in chunks."""
    with open(path, "rb") as fh:
        return stream_sha256(fh)
