"""Optional encryption of stored files at rest (EVIDENCE_ENCRYPTION_KEY).

Files are sealed in 1 MiB chunks with AES-256-GCM, each chunk's nonce made of
a random file prefix and the chunk number, and the last chunk marked in its
associated data, so chunks cannot be reordered, dropped or cut off unnoticed.
Hashes are always of the original bytes: encryption only changes what lies
on the disk or in the bucket.
"""

import base64
import os
import struct
import tempfile

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files import File
from django.core.files.storage import FileSystemStorage
from storages.backends.s3 import S3Storage

MAGIC = b"HGENC1"
CHUNK = 1024 * 1024
TAG = 16


def load_key(value: str) -> bytes:
    """Decode a base64 32-byte key; raise ImproperlyConfigured naming the setting otherwise."""
    try:
        key = base64.b64decode(value, validate=True)
    except ValueError:
        key = b""
    if len(key) != 32:
        raise ImproperlyConfigured("EVIDENCE_ENCRYPTION_KEY must be 32 random bytes, base64-encoded")
    return key


def _nonce(prefix: bytes, index: int) -> bytes:
    return prefix + struct.pack(">I", index)


def encrypt_file(src, dst, key: bytes) -> None:
    """Write the sealed form of readable `src` to writable `dst`."""
    aead, prefix = AESGCM(key), os.urandom(8)
    dst.write(MAGIC + prefix)
    index, chunk = 0, src.read(CHUNK)
    while True:
        following = src.read(CHUNK)
        last = b"1" if not following else b"0"
        dst.write(aead.encrypt(_nonce(prefix, index), chunk, last))
        if not following:
            return
        index, chunk = index + 1, following


class DecryptingReader:
    """A read-only file object that opens a sealed file chunk by chunk (no seeking needed)."""

    def __init__(self, raw, key: bytes):
        if raw.read(len(MAGIC)) != MAGIC:
            raise ValueError("not a sealed file")
        self.raw, self.aead, self.prefix = raw, AESGCM(key), raw.read(8)
        self.index, self.buffer = 0, b""
        self.ahead = raw.read(CHUNK + TAG)

    def _next_chunk(self) -> None:
        sealed, self.ahead = self.ahead, self.raw.read(CHUNK + TAG)
        last = b"0" if self.ahead else b"1"
        self.buffer += self.aead.decrypt(_nonce(self.prefix, self.index), sealed, last)
        self.index += 1

    def read(self, size: int = -1) -> bytes:
        while self.ahead and (size < 0 or len(self.buffer) < size):
            self._next_chunk()
        if size < 0:
            data, self.buffer = self.buffer, b""
        else:
            data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data

    def close(self) -> None:
        self.raw.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class SealedStorageMixin:
    """Seals every file a storage writes and opens sealed files transparently."""

    # Tells evidence/workfiles.py not to hand the on-disk (sealed) path to readers.
    sealed = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.key = load_key(settings.EVIDENCE_ENCRYPTION_KEY)

    def _open(self, name, mode="rb"):
        # A mixin: the storage class it is mixed into has _open and _save.
        return File(DecryptingReader(super()._open(name, mode), self.key), name)  # type: ignore[misc, arg-type]

    def _save(self, name, content):
        content.seek(0)
        with tempfile.NamedTemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR, delete=False) as sealed:
            encrypt_file(content, sealed, self.key)
        try:
            with open(sealed.name, "rb") as fh:
                return super()._save(name, File(fh))  # type: ignore[misc]
        finally:
            if os.path.exists(sealed.name):
                os.remove(sealed.name)


class EncryptedFileSystemStorage(SealedStorageMixin, FileSystemStorage):
    pass


class EncryptedS3Storage(SealedStorageMixin, S3Storage):
    pass
