"""SHA-256 as evidence uses it: one pattern for a hash written as text, one way to hash a stream."""

import hashlib
import re

# A SHA-256 as lower-case hex, the only form the site stores, prints and accepts.
SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")

# Read size for hashing and copying. (encryption.py has a CHUNK of its own: that one is part of
# the sealed file format and must never change with this.)
READ_BYTES = 1024 * 1024


def stream_sha256(src, copy_to=None) -> str:
    """Return the SHA-256 of everything left in the binary stream `src`, read in pieces;
    each piece is also written to `copy_to` when given, so a copy costs no second read."""
    digest = hashlib.sha256()
    for chunk in iter(lambda: src.read(READ_BYTES), b""):
        digest.update(chunk)
        if copy_to is not None:
            copy_to.write(chunk)
    return digest.hexdigest()
