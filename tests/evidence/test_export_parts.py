"""Cutting a copy into parts: whatever the sizes, no part is over the limit, each is a ZIP, and
every file joined from its pieces is the file (the writer alone, without the site)."""

import io
import json
import os
import random
import zipfile

import pytest

from evidence.export.archive import PartTooSmall, PartWriter, Source, finish_parts, manifest_bound


def opener(data: bytes):
    return lambda: io.BytesIO(data)


def write(tmp_path, sizes: list[int], limit: int | None):
    rng = random.Random(len(sizes))
    files = {f"items/{n:03d}/original/f{n}.bin": os.urandom(size) for n, size in enumerate(sizes)}
    tail = manifest_bound(list(files), 500) + 4096
    writer = PartWriter(tmp_path, limit, tail, tmp_path)
    written = []
    for path, data in files.items():
        # Some sizes are known beforehand (originals), some are not (derived files in sealed storage).
        size = len(data) if rng.random() < 0.7 else None
        written.append(writer.add(Source(path, opener(data), size)))
    writer.close_part()
    manifest = json.dumps({"files": [w.__dict__ for w in written]}).encode()
    finish_parts(writer.paths, manifest, "README", None)
    return files, written, writer.paths


@pytest.mark.parametrize("seed", range(4))
def test_no_part_is_over_the_limit_and_every_file_joins_back(tmp_path, seed):
    rng = random.Random(seed)
    limit = 256 * 1024
    sizes = [rng.choice([0, 1, 1000, 100_000, 180_000, 250_000, 700_000]) for _ in range(12)]
    files, written, paths = write(tmp_path, sizes, limit)
    archives = [zipfile.ZipFile(p) for p in paths]
    for path, archive in zip(paths, archives, strict=True):
        assert path.stat().st_size <= limit and archive.testzip() is None
        assert "manifest.json" in archive.namelist()
    for w in written:
        joined = b"".join(archives[p["part"] - 1].read(p["name"]) for p in w.pieces)
        assert joined == files[w.path] and w.size == len(joined)


def test_without_a_limit_there_is_one_part_and_no_file_is_cut(tmp_path):
    files, written, paths = write(tmp_path, [3_000_000, 10, 0], None)
    assert len(paths) == 1 and all(len(w.pieces) == 1 and w.pieces[0]["name"] == w.path for w in written)


def test_a_part_too_small_for_the_manifest_is_refused(tmp_path):
    with pytest.raises(PartTooSmall):
        PartWriter(tmp_path, 100_000, 90_000, tmp_path)
