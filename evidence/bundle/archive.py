"""The bundle's ZIP: the PDF, every original byte for byte, the time stamps,
a manifest and a README; and checking a ZIP against its manifest."""

import json
import zipfile
from pathlib import Path

from evidence.models import Timestamp
from evidence.storage.originals import evidence_storage
from harassguard.lib.hashing import stream_sha256

README = """如何核验 / How to verify

1. bundle.pdf 的 SHA-256 值记载于 manifest.json 的 "pdf_sha256"。
   The SHA-256 of bundle.pdf is "pdf_sha256" in manifest.json.
2. originals/ 中每个文件是证据原件，逐字节未改动；其 SHA-256 值见 manifest.json 及 PDF 证据目录。
   Each file in originals/ is an original, byte for byte; compare `sha256sum originals/*` with
   manifest.json and the index in the PDF.
3. timestamps/ 中的 .tsr 为 RFC 3161 时间戳，可离线核验：
   The .tsr files are RFC 3161 time stamps:
   openssl ts -verify -digest <sha256> -in timestamps/NN.tsr -CAfile <TSA root certificate>
   .json 文件为服务器签名回执（非独立时间戳机构，证明力较弱）。
   .json files are receipts signed by the server only (weaker than an authority's time stamp).
4. 也可用 `python manage.py verify_bundle bundle.zip`，或在网站 /verify/ 页面上传文件，并填写 PDF 封面上的核验码。
   Or upload a file on the site's /verify/ page with the verification code on the PDF's cover.
"""


def safe_name(name: str) -> str:
    """A file name fit for a ZIP entry: no folders, no control characters."""
    return "".join(ch for ch in name.replace("/", "_").replace("\\", "_") if ch.isprintable()) or "file"


def stamp_entry(number: int, stamp: Timestamp | None) -> tuple[str, bytes] | None:
    if stamp is None:
        return None
    ext = "tsr" if stamp.kind == Timestamp.Kind.RFC3161 else "json"
    return f"timestamps/{number:02d}.{ext}", bytes(stamp.token)


def _copy_original(archive: zipfile.ZipFile, arcname: str, stored_name: str) -> str:
    with evidence_storage().open(stored_name, "rb") as src, archive.open(arcname, "w", force_zip64=True) as dst:
        return stream_sha256(src, copy_to=dst)


def write_zip(path: Path, pdf: bytes, manifest: dict, exhibits: list) -> dict:
    """Write the bundle ZIP to `path`, originals streamed in chunks; return the manifest written.

    Every original is re-hashed while copied: a mismatch with its recorded
    hash stops the bundle rather than shipping a changed file.
    """
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bundle.pdf", pdf)
        for exhibit, entry in zip(exhibits, manifest["items"], strict=True):
            if _copy_original(archive, entry["file"], exhibit.item.stored_name) != exhibit.item.sha256:
                raise ValueError(f"original of exhibit {exhibit.number} no longer matches its hash")
            stamp = stamp_entry(exhibit.number, exhibit.stamp)
            if stamp:
                archive.writestr(*stamp)
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
        archive.writestr("README.txt", README)
    return manifest


def verify_zip(path: str) -> list[str]:
    """Return the problems found in a bundle ZIP (empty when every hash matches its manifest)."""
    problems = []
    with zipfile.ZipFile(path) as archive:
        try:
            manifest = json.loads(archive.read("manifest.json"))
        except KeyError:
            return ["manifest.json is missing"]
        names = set(archive.namelist())
        checks = [("bundle.pdf", manifest.get("pdf_sha256"))] + [(i["file"], i["sha256"]) for i in manifest["items"]]
        for name, expected in checks:
            if name not in names:
                problems.append(f"{name}: missing")
                continue
            with archive.open(name) as fh:
                actual = stream_sha256(fh)
            if actual != expected:
                problems.append(f"{name}: SHA-256 {actual} does not match the manifest's {expected}")
    return problems
