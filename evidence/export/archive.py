"""Writing an export as one ZIP or as several ZIPs under a size limit, each complete on its own.

Plain Python (no Django): it is handed the files as (path, size, opener) and streams each one,
1 MB at a time, never holding a whole file in memory. Files are stored uncompressed (evidence
is mostly already-compressed audio and pictures) so that every part's size is known before a
byte is written. A file too large for the room left in a part is cut into pieces named
`<path>.001`, `<path>.002`…, each in one part; the manifest says which, and README.txt how
to join them again (`cat` or `copy /b`).
"""

import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from harassguard.lib.hashing import READ_BYTES

MANIFEST = "manifest.json"
README = "README.txt"
STAMP = "manifest.stamp"  # + .tsr (RFC 3161) or .json (server receipt)
# Files every part carries besides the evidence: they are not listed in the manifest.
FIXED = {MANIFEST, README, f"{STAMP}.tsr", f"{STAMP}.json"}
# Bytes a stored ZIP entry costs beyond its data: local header, Zip64 extra field and central
# directory record (the name twice), rounded up.
ENTRY_OVERHEAD = 200
# The end-of-central-directory records (Zip64 and classic), rounded up.
END_RECORDS = 200
# A time-stamp token or a server receipt is a few kilobytes at most.
STAMP_ROOM = 16 * 1024


class PartTooSmall(ValueError):
    """The chosen part size leaves no room for the manifest and the files."""


@dataclass
class Source:
    """A file to put in the export: its path in the ZIP, its size if known, how to read it, and
    the SHA-256 it must have (an original's recorded hash) if any."""

    path: str
    open: Callable[[], IO[bytes]]
    size: int | None = None
    expected_sha256: str | None = None


@dataclass
class Written:
    path: str
    sha256: str
    size: int
    pieces: list[dict] = field(default_factory=list)  # [{"part": 1, "name": …, "size": …}]


class Changed(ValueError):
    """A stored file did not hash to its recorded SHA-256 while it was copied."""


def entry_cost(name: str, size: int) -> int:
    return ENTRY_OVERHEAD + 2 * len(name.encode()) + size


def manifest_bound(paths: list[str], max_parts: int) -> int:
    """An upper bound of the manifest's size for these files, however they end up split."""
    per_file = sum(len(json.dumps(p, ensure_ascii=False).encode()) * 2 + 260 for p in paths)
    return 8192 + per_file + max_parts * 120


class PartWriter:
    """Writes ZIP parts of at most `limit` bytes (no limit: one part) into `folder`."""

    def __init__(self, folder: Path, limit: int | None, tail: int, scratch: Path):
        self.folder, self.limit, self.tail, self.scratch = folder, limit, tail, scratch
        if limit is not None and limit - tail < 64 * 1024:
            raise PartTooSmall(limit)
        self.paths: list[Path] = []
        self.archive: zipfile.ZipFile | None = None
        self.used = 0  # bytes the current part holds or has promised to entries so far

    def _new_part(self) -> None:
        self.close_part()
        path = self.folder / f"part{len(self.paths) + 1}.zip"
        self.paths.append(path)
        self.archive = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED, allowZip64=True)
        self.used = 0

    def close_part(self) -> None:
        if self.archive is not None:
            self.archive.close()
            self.archive = None

    def _room(self, name: str) -> int:
        """Bytes of data a new entry named `name` may hold in the current part."""
        if self.limit is None:
            return 1 << 62
        return self.limit - self.tail - END_RECORDS - self.used - entry_cost(name, 0)

    def add(self, source: Source) -> Written:
        """Copy one file into the parts (cut into pieces if it must be); return what was written."""
        if source.size is None:
            return self._add_spooled(source)
        if self.archive is None:
            self._new_part()
        if source.size > self._room(source.path) and self.used:
            self._new_part()  # a fresh part may hold it whole
        if source.size <= self._room(source.path):
            return self._copy(source, [(source.path, source.size)])
        return self._copy(source, self._plan_pieces(source))

    def _plan_pieces(self, source: Source) -> list[tuple[str, int]]:
        """Cut a file that fills more than a part into pieces; the first starts in the current part."""
        pieces, left, n, used = [], source.size or 0, 1, self.used
        while left:
            name = f"{source.path}.{n:03d}"
            room = self._room(name) + self.used - used
            size = min(left, room)
            pieces.append((name, size))
            left, n, used = left - size, n + 1, 0
        return pieces

    def _copy(self, source: Source, pieces: list[tuple[str, int]]) -> Written:
        digest, written = hashlib.sha256(), Written(source.path, "", source.size or 0)
        with source.open() as src:
            for n, (name, size) in enumerate(pieces):
                if n:
                    self._new_part()
                self._copy_piece(src, name, size, digest)
                written.pieces.append({"part": len(self.paths), "name": name, "size": size})
            if src.read(1):
                raise Changed(f"{source.path} is longer than recorded")
        written.sha256 = digest.hexdigest()
        if source.expected_sha256 and written.sha256 != source.expected_sha256:
            raise Changed(f"{source.path} no longer matches its recorded SHA-256")
        return written

    def _copy_piece(self, src: IO[bytes], name: str, size: int, digest) -> None:
        assert self.archive is not None
        info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
        info.compress_type, info.file_size = zipfile.ZIP_STORED, size
        left = size
        with self.archive.open(info, "w", force_zip64=size > 0x7FFFFFFF) as dst:
            while left:
                chunk = src.read(min(READ_BYTES, left))
                if not chunk:
                    raise Changed(f"{name} is shorter than recorded")
                digest.update(chunk)
                dst.write(chunk)
                left -= len(chunk)
        self.used += entry_cost(name, size)

    def _add_spooled(self, source: Source) -> Written:
        """A file of unknown size (a derived file in sealed storage): copied to scratch first."""
        fd, aside = tempfile.mkstemp(dir=self.scratch, prefix="export-")
        try:
            with os.fdopen(fd, "wb") as out, source.open() as src:
                shutil.copyfileobj(src, out, READ_BYTES)
            size = os.path.getsize(aside)
            return self.add(Source(source.path, lambda: open(aside, "rb"), size, source.expected_sha256))
        finally:
            os.unlink(aside)


def finish_parts(paths: list[Path], manifest: bytes, readme: str, stamp: tuple[str, bytes] | None) -> None:
    """Append the manifest, its time stamp and the README to every part."""
    for path in paths:
        with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(MANIFEST, manifest)
            if stamp is not None:
                archive.writestr(*stamp)
            archive.writestr(README, readme)
