"""Checking a bundle ZIP as a whole: its files against its manifest, the manifest against what
this site recorded when it made the bundle, every time stamp, and the custody chain head.

Each problem found is named in plain words; an empty list means the bundle is what was made.
"""

import hashlib
import hmac
import json
import zipfile

from evidence import pdf_signing, stamping
from evidence.custody import chain_first_break
from evidence.custody_anchors import head_digest
from evidence.models import Bundle, CustodyEvent, Timestamp
from evidence.storage.integrity import file_sha256
from harassguard.lib.hashing import stream_sha256

FIXED_FILES = {"bundle.pdf", "manifest.json", "README.txt"}


class Unreadable(Exception):
    """Not a bundle ZIP at all (not a ZIP, or no readable manifest)."""


def bundle_problems(zip_path: str) -> tuple[dict, list[str]]:
    """Return the bundle's manifest and every problem found; raise Unreadable when there is no manifest."""
    try:
        with zipfile.ZipFile(zip_path) as archive:
            raw = archive.read("manifest.json")
            manifest = json.loads(raw)
            problems = _files(archive, manifest)
            problems += _tokens(archive, manifest)
            problems += _pdf_signature(archive, manifest)
            stamps = {name: archive.read(name) for name in archive.namelist() if name.startswith("timestamps/")}
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise Unreadable(str(exc)) from exc
    bundle = Bundle.objects.select_related("custody_anchor").filter(pk=manifest.get("bundle")).first()
    if bundle is None:
        return manifest, [*problems, "records: this site has no record of the bundle"]
    problems += _records(bundle, manifest, raw, file_sha256(zip_path))
    problems += _exhibits(bundle, manifest, stamps)
    problems += _custody(bundle, manifest)
    return manifest, problems


def _listed(manifest: dict) -> list[tuple[str, str | None]]:
    """(file, expected SHA-256 or None) for every file the manifest names."""
    files = [(manifest.get("pdf", "bundle.pdf"), manifest.get("pdf_sha256"))]
    for entry in manifest.get("items", []):
        files.append((entry["file"], entry["sha256"]))
        if entry.get("timestamp"):
            files.append((entry["timestamp"]["file"], None))
    if (custody := manifest.get("custody")) and custody.get("timestamp"):
        files.append((custody["timestamp"]["file"], None))
    return files


def _files(archive: zipfile.ZipFile, manifest: dict) -> list[str]:
    listed, names, problems = _listed(manifest), set(archive.namelist()), []
    known = FIXED_FILES | {name for name, _ in listed}
    problems += [f"extra file: {name} is not in the manifest" for name in sorted(names - known)]
    for name, expected in listed:
        if name not in names:
            problems.append(f"missing file: {name}")
        elif expected is not None and (actual := _sha256(archive, name)) != expected:
            problems.append(f"changed file: {name} has SHA-256 {actual}, the manifest says {expected}")
    return problems


def _sha256(archive: zipfile.ZipFile, name: str) -> str:
    with archive.open(name) as fh:
        return stream_sha256(fh)


def _tokens(archive: zipfile.ZipFile, manifest: dict) -> list[str]:
    """Verify every time stamp in the ZIP against the digest it claims to stamp."""
    names, problems = set(archive.namelist()), []
    for entry in manifest.get("items", []):
        stamp = entry.get("timestamp")
        if (
            stamp
            and stamp["file"] in names
            and (reason := stamping.stamp_problem(stamp["kind"], archive.read(stamp["file"]), entry["sha256"]))
        ):
            problems.append(f"time stamp of exhibit {entry['exhibit']}: {reason}")
    custody = manifest.get("custody") or {}
    stamp = custody.get("timestamp")
    if (
        stamp
        and stamp["file"] in names
        and (reason := stamping.stamp_problem(stamp["kind"], archive.read(stamp["file"]), custody.get("digest", "")))
    ):
        problems.append(f"time stamp of the custody head: {reason}")
    return problems


def _pdf_signature(archive: zipfile.ZipFile, manifest: dict) -> list[str]:
    """The PDF's own signature: intact, by the site's certificate, its time stamps verified."""
    name = manifest.get("pdf", "bundle.pdf")
    if name not in archive.namelist():
        return []  # already named as a missing file
    report = pdf_signing.signature_report(archive.read(name))
    return [f"pdf signature: {problem}" for problem in report.problems]


def _records(bundle: Bundle, manifest: dict, raw: bytes, zip_sha256: str) -> list[str]:
    problems = []
    if not bundle.manifest_sha256:
        problems.append(
            "manifest: the bundle was made before the site recorded manifests' hashes, so its "
            "manifest cannot be checked against a record"
        )
    elif not hmac.compare_digest(hashlib.sha256(raw).hexdigest(), bundle.manifest_sha256):
        problems.append("manifest: its SHA-256 differs from the site's record (it was edited)")
    if bundle.pdf_sha256 != manifest.get("pdf_sha256"):
        problems.append("manifest: the PDF's hash differs from the site's record")
    if zip_sha256 != bundle.zip_sha256:
        problems.append(
            f"zip: SHA-256 {zip_sha256} differs from the site's record {bundle.zip_sha256} "
            "(its files were changed, added or removed)"
        )
    return problems


def _exhibits(bundle: Bundle, manifest: dict, stamps: dict[str, bytes]) -> list[str]:
    """Compare the manifest's exhibits one to one with the bundle's recorded entries."""
    listed = {e.get("exhibit"): e for e in manifest.get("items", [])}
    recorded = {e.position: e for e in bundle.entries.select_related("item__timestamp")}
    problems = [
        f"missing exhibit: no. {n} ({e.item.original_filename}) of the bundle is not in the manifest"
        for n, e in sorted(recorded.items())
        if n not in listed
    ]
    problems += [
        f"extra exhibit: no. {n} ({e.get('original_filename')}) in the manifest is not part of the bundle"
        for n, e in sorted(listed.items(), key=lambda kv: str(kv[0]))
        if n not in recorded
    ]
    for n in sorted(set(listed) & set(recorded)):
        entry, item = listed[n], recorded[n].item
        if entry.get("id") != str(item.pk):
            problems.append(
                f"swapped exhibit: no. {n} in the manifest is item {entry.get('id')}, "
                f"the bundle had item {item.pk} there"
            )
        elif entry.get("sha256") != item.sha256:
            problems.append(f"exhibit {n}: its hash differs from the site's record")
        elif not _same_stamp(entry.get("timestamp"), item, stamps):
            problems.append(f"exhibit {n}: its time stamp differs from the site's record")
    return problems


def _same_stamp(listed: dict | None, item, stamps: dict[str, bytes]) -> bool:
    """Whether the exhibit's time stamp in the ZIP is the very token the site stored for the item."""
    stamp = Timestamp.objects.filter(item=item).first()
    if listed is None or stamp is None:
        return listed is None and stamp is None
    return listed.get("kind") == stamp.kind and stamps.get(listed.get("file", "")) == bytes(stamp.token)


def _custody(bundle: Bundle, manifest: dict) -> list[str]:
    """The custody head the bundle carries: as recorded, as stamped, and still in the case's chain."""
    custody, anchor = manifest.get("custody"), bundle.custody_anchor
    if not custody or anchor is None:
        return ["custody: the bundle carries no time-stamped custody chain head"]
    problems = []
    if (custody.get("events"), custody.get("head"), custody.get("digest")) != (
        anchor.events,
        anchor.head,
        anchor.digest,
    ):
        problems.append("custody: the manifest's chain head differs from the site's record")
    if custody.get("digest") != head_digest(bundle.case_id, custody.get("events"), custody.get("head")):
        problems.append("custody: the stamped digest does not match the chain head it claims")
    head = CustodyEvent.objects.filter(case=bundle.case_id).order_by("id").values_list("hash", flat=True)
    at = head[anchor.events - 1 : anchor.events]
    if not at:
        problems.append(
            f"custody: the case's chain was cut: it no longer has the {anchor.events} events "
            "it had when the bundle was made"
        )
    elif at[0] != anchor.head:
        problems.append(
            f"custody: the case's chain was rewritten: event no. {anchor.events} is not the head "
            "the bundle was made with"
        )
    if (broken := chain_first_break(bundle.case)) is not None:
        problems.append(
            f"custody: the case's chain was rewritten: event #{broken.pk} ({broken.action}) does not "
            "match its HMAC or link"
        )
    return problems
