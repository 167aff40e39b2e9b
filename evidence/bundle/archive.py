"""The bundle's ZIP: the PDF, every original byte for byte, the time stamps,
a manifest and a README; and checking a ZIP against its manifest."""

import hashlib
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
4. timestamps/custody-head.* 为本案保管链链头（事件数和最后一条记录的 HMAC，见 manifest.json 的 "custody"）的时间戳：
   此后保管记录若被截断或改写，即可发现。
   timestamps/custody-head.* stamps the case's custody chain head ("custody" in manifest.json):
   a chain later cut short or rewritten no longer matches it.
5. 也可用 `python manage.py verify_bundle bundle.zip` 全面核验（证据清单、文件、时间戳、保管链），或在网站 /verify/ 页面上传文件，并填写 PDF 封面上的核验码。
   `python manage.py verify_bundle bundle.zip` checks it all (exhibits, files, time stamps, custody head);
   or upload a file on the site's /verify/ page with the verification code on the PDF's cover.
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


CUSTODY_STAMP = "timestamps/custody-head"


def custody_entry(anchor) -> tuple[str, bytes] | None:
    """The ZIP entry holding the time stamp of the custody chain head the bundle was made with."""
    if anchor is None:
        return None
    return f"{CUSTODY_STAMP}.{'tsr' if anchor.kind == Timestamp.Kind.RFC3161 else 'json'}", bytes(anchor.token)


def manifest_bytes(manifest: dict) -> bytes:
    return json.dumps(manifest, ensure_ascii=False, indent=2).encode()


def write_zip(path: Path, pdf: bytes, manifest: dict, exhibits: list, anchor=None) -> str:
    """Write the bundle ZIP to `path`, originals streamed in chunks; return the manifest's SHA-256.

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
        if (custody := custody_entry(anchor)) is not None:
            archive.writestr(*custody)
        archive.writestr("manifest.json", manifest_bytes(manifest))
        archive.writestr("README.txt", README)
    return hashlib.sha256(manifest_bytes(manifest)).hexdigest()
