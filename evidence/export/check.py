"""Checking a case's full copy from its parts alone, offline: every file the manifest lists is
there (joined from its pieces) with its size and SHA-256, nothing else is, every part carries the
same manifest, the manifest's own time stamp verifies, and the custody log is one unbroken chain
whose time-stamped heads are in it.

No database: the server's public key comes from the copy itself (its fingerprint is reported so
it can be compared with the one the site publishes), RFC 3161 tokens are checked against the
roots given. Each problem is one line in plain words; an empty list means the copy is whole.
"""

import base64
import hashlib
import hmac
import json
import zipfile
from contextlib import ExitStack
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from evidence.custody_anchors import head_digest
from evidence.export.archive import FIXED, MANIFEST, STAMP
from evidence.processing import timestamps
from harassguard.lib.hashing import READ_BYTES

GENESIS = "0" * 64


class Unreadable(Exception):
    """Not an export at all: not a ZIP, or no readable manifest."""


@dataclass
class Report:
    manifest: dict
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class _Parts:
    archives: list[zipfile.ZipFile]
    where: dict[str, zipfile.ZipFile]  # entry name → the part holding it


def export_report(paths: list[str], *, roots=None, custody_key: bytes | None = None) -> Report:
    """Check the parts of one export; raise Unreadable when they hold no manifest."""
    with ExitStack() as stack:
        try:
            archives = [stack.enter_context(zipfile.ZipFile(p)) for p in paths]
            raws = [a.read(MANIFEST) for a in archives]
            manifest = json.loads(raws[0])
        except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
            raise Unreadable(str(exc)) from exc
        report = Report(manifest)
        report.problems += [
            f"part {paths[n]} carries a different manifest" for n, raw in enumerate(raws) if raw != raws[0]
        ]
        parts = _index(archives, report)
        _files(parts, manifest, report)
        key = _public_key(parts, manifest, report)
        _stamp(parts, raws[0], key, roots, report)
        _custody(parts, manifest, key, roots, custody_key, report)
    return report


def _index(archives: list[zipfile.ZipFile], report: Report) -> _Parts:
    where: dict[str, zipfile.ZipFile] = {}
    for archive in archives:
        for name in archive.namelist():
            if name in FIXED:
                continue
            if name in where:
                report.problems.append(f"extra file: {name} is in more than one part")
            where[name] = archive
    return _Parts(archives, where)


def _files(parts: _Parts, manifest: dict, report: Report) -> None:
    listed = {p["name"] for f in manifest.get("files", []) for p in f.get("pieces", [])}
    report.problems += [f"extra file: {name} is not in the manifest" for name in sorted(set(parts.where) - listed)]
    if len(parts.archives) != manifest.get("parts"):
        report.notes.append(f"{len(parts.archives)} part(s) given; the copy has {manifest.get('parts')}")
    for entry in manifest.get("files", []):
        missing = [p for p in entry["pieces"] if p["name"] not in parts.where]
        if missing:
            where = ", ".join(f"{p['name']} (part {p['part']})" for p in missing)
            report.problems.append(f"missing file: {entry['path']}: {where} not found in the parts given")
            continue
        size, sha256 = _joined(parts, entry["pieces"])
        if size != entry["size"] or sha256 != entry["sha256"]:
            report.problems.append(
                f"changed file: {entry['path']} has SHA-256 {sha256} ({size} bytes), "
                f"the manifest says {entry['sha256']} ({entry['size']} bytes)"
            )


def _joined(parts: _Parts, pieces: list[dict]) -> tuple[int, str]:
    """Size and SHA-256 of a file's pieces read one after the other."""
    digest, size = hashlib.sha256(), 0
    for piece in pieces:
        with parts.where[piece["name"]].open(piece["name"]) as fh:
            while chunk := fh.read(READ_BYTES):
                digest.update(chunk)
                size += len(chunk)
    return size, digest.hexdigest()


def read_file(parts: _Parts, manifest: dict, path: str) -> bytes | None:
    """A small listed file's bytes (joined from its pieces), or None when it is not there."""
    entry = next((f for f in manifest.get("files", []) if f["path"] == path), None)
    if entry is None or any(p["name"] not in parts.where for p in entry["pieces"]):
        return None
    return b"".join(parts.where[p["name"]].read(p["name"]) for p in entry["pieces"])


def _public_key(parts: _Parts, manifest: dict, report: Report) -> Ed25519PublicKey | None:
    name = manifest.get("signing_key")
    pem = read_file(parts, manifest, name) if name else None
    if pem is None:
        return None
    try:
        key = serialization.load_pem_public_key(pem)
    except ValueError:
        report.problems.append(f"{name} is not a public key")
        return None
    if not isinstance(key, Ed25519PublicKey):
        report.problems.append(f"{name} is not an Ed25519 key")
        return None
    report.notes.append(
        f"server receipts checked against the key in the copy, {timestamps.key_fingerprint(key)}: "
        "compare it with the fingerprint the site publishes"
    )
    return key


def stamp_problem(kind: str, token: bytes, digest: str, key: Ed25519PublicKey | None, roots) -> str | None:
    """Why a time stamp does not prove `digest`, or None when it does (or cannot be checked here)."""
    if kind == "rfc3161":
        try:
            timestamps.rfc3161_verify(token, digest, roots if roots is not None else timestamps.tsa_roots(""))
        except timestamps.TsaRefused as exc:
            return f"the RFC 3161 token does not verify: {exc}"
        return None
    if key is None:
        return "a server receipt, but the copy holds no server key to check it with"
    try:
        claims = timestamps.server_receipt_verify(token, key)
    except (InvalidSignature, ValueError, KeyError, TypeError) as exc:
        return f"the server receipt's signature does not verify ({type(exc).__name__})"
    return None if claims.get("sha256") == digest else "the server receipt is for another digest"


def _stamp(parts: _Parts, raw: bytes, key, roots, report: Report) -> None:
    for ext, kind in (("tsr", "rfc3161"), ("json", "server_receipt")):
        name = f"{STAMP}.{ext}"
        holders = [a for a in parts.archives if name in a.namelist()]
        if holders:
            digest = hashlib.sha256(raw).hexdigest()
            if reason := stamp_problem(kind, holders[0].read(name), digest, key, roots):
                report.problems.append(f"manifest.json's time stamp: {reason} (the manifest was edited)")
            return
    report.notes.append("manifest.json carries no time stamp (the time-stamping service was unreachable)")


def _custody(parts: _Parts, manifest: dict, key, roots, custody_key: bytes | None, report: Report) -> None:
    custody = manifest.get("custody") or {}
    raw_events = read_file(parts, manifest, custody.get("events_file", ""))
    raw_anchors = read_file(parts, manifest, custody.get("anchors_file", ""))
    if raw_events is None or raw_anchors is None:
        return  # already reported as a missing file
    events, anchors = json.loads(raw_events), json.loads(raw_anchors)
    report.problems += chain_problems(events, custody_key)
    if custody_key is None:
        report.notes.append("custody chain: links checked; its HMACs need the site's custody key (--custody-key)")
    for anchor in anchors:
        report.problems += _anchor_problems(parts, manifest, events, anchor, key, roots)
    own = custody.get("anchor")
    if own and not any(a["head"] == own["head"] and a["events"] == own["events"] for a in anchors):
        report.problems.append("custody: the copy's own time-stamped chain head is not among its anchors")


def chain_problems(events: list[dict], key: bytes | None) -> list[str]:
    """Breaks in the exported chain: a link to anything but the event before, or a wrong HMAC."""
    prev = GENESIS
    for n, event in enumerate(events, start=1):
        fields = {k: v for k, v in event.items() if k not in ("id", "hash")}
        if event.get("prev") != prev:
            return [f"custody: event no. {n} ({event.get('action')}) does not link to the one before it"]
        if key is not None:
            canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
            if not hmac.compare_digest(hmac.new(key, canonical, hashlib.sha256).hexdigest(), event.get("hash", "")):
                return [f"custody: event no. {n} ({event.get('action')}) does not match its HMAC"]
        prev = event.get("hash", "")
    return []


def _anchor_problems(parts: _Parts, manifest: dict, events: list[dict], anchor: dict, key, roots) -> list[str]:
    at = anchor.get("events", 0)
    problems = []
    if not 1 <= at <= len(events) or events[at - 1].get("hash") != anchor.get("head"):
        problems.append(f"custody: the chain head stamped at {anchor.get('time')} is not event no. {at} of the log")
    case = events[0].get("case") if events else ""
    if anchor.get("digest") != head_digest(case, at, anchor.get("head", "")):
        problems.append(f"custody: the digest stamped at {anchor.get('time')} does not match its chain head")
    token = read_file(parts, manifest, anchor.get("file", ""))
    if token is not None and (reason := stamp_problem(anchor["kind"], token, anchor["digest"], key, roots)):
        problems.append(f"custody: time stamp {anchor.get('file')}: {reason}")
    return problems


def decode_key(value: str) -> bytes:
    """The custody key as given on the command line (base64 of 32 bytes)."""
    key = base64.b64decode(value, validate=True)
    if len(key) != 32:
        raise ValueError("the custody key is 32 bytes, base64-encoded")
    return key
