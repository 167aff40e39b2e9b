"""Re-hashing stored originals, to show they are still the bytes received."""

import hashlib

from evidence.originals import evidence_storage

CHUNK = 1024 * 1024


def stored_sha256(stored_name: str) -> str:
    """Return the SHA-256 of a stored original, read in chunks from storage."""
    digest = hashlib.sha256()
    with evidence_storage().open(stored_name, "rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()
