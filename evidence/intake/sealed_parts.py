"""Resumable `.part` files sealed with EVIDENCE_ENCRYPTION_KEY while they wait for their next piece.

An unfinished upload may wait on disk for UPLOAD_RESUME_HOURS, so with a key
set it is never kept in the clear. The file is MAGIC followed by one record per
piece: the piece's length (4 bytes), a random 12-byte nonce, and the piece
sealed with AES-256-GCM, its associated data naming the upload and the
record's number, so records cannot be moved between uploads or reordered.
"""

import os
import struct
from collections.abc import Iterator
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"HGPART1\n"
HEADER = struct.Struct(">I")
NONCE = 12
TAG = 16


class PartDamaged(Exception):
    """The sealed file does not hold the bytes its upload row says it has."""


def create(path: Path) -> None:
    path.write_bytes(MAGIC)


def is_sealed(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(len(MAGIC)) == MAGIC


def _records(fh) -> Iterator[tuple[int, int, int]]:
    """Yield (position, plain length, sealed length) of each whole record, from the start."""
    fh.seek(len(MAGIC))
    while True:
        position, header = fh.tell(), fh.read(HEADER.size)
        if len(header) < HEADER.size:
            return
        (length,) = HEADER.unpack(header)
        sealed = NONCE + length + TAG
        if position + HEADER.size + sealed > os.fstat(fh.fileno()).st_size:
            return  # a record a crashed request left half-written
        yield position, length, sealed
        fh.seek(position + HEADER.size + sealed)


def append(path: Path, data: bytes, offset: int, key: bytes, upload_id) -> None:
    """Seal `data` as the piece starting at plain byte `offset`, cutting anything written after it."""
    with open(path, "r+b") as fh:
        end, index, plain = len(MAGIC), 0, 0
        for position, length, sealed in _records(fh):
            if plain == offset:
                break
            plain, index, end = plain + length, index + 1, position + HEADER.size + sealed
        if plain != offset:
            raise PartDamaged(f"{path.name}: holds {plain} bytes, the upload stands at {offset}")
        nonce = os.urandom(NONCE)
        fh.seek(end)
        fh.write(HEADER.pack(len(data)) + nonce + AESGCM(key).encrypt(nonce, data, _aad(upload_id, index)))
        fh.truncate()
        fh.flush()
        os.fsync(fh.fileno())


def _aad(upload_id, index: int) -> bytes:
    return f"{upload_id}:{index}".encode()


def read_plain(path: Path, key: bytes, upload_id) -> Iterator[bytes]:
    """Yield the upload's bytes piece by piece; raise InvalidTag if a record was changed or moved."""
    aead = AESGCM(key)
    with open(path, "rb") as fh:
        for index, (position, length, _sealed) in enumerate(list(_records(fh))):
            fh.seek(position + HEADER.size)
            nonce = fh.read(NONCE)
            yield aead.decrypt(nonce, fh.read(length + TAG), _aad(upload_id, index))
