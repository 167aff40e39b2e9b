"""The owner's full copy of a case: asking for it, making it (on a worker), handing out its parts,
and deleting it when it expires."""

import hashlib
import json
import logging
import math
import tempfile
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from evidence import queue, stamping
from evidence.custody import WORKER, Actor, custody_record
from evidence.custody_anchors import custody_anchor
from evidence.export import archive, contents
from evidence.models import CaseExport, CustodyEvent
from evidence.processing import timestamps
from evidence.storage.integrity import file_sha256
from evidence.storage.originals import evidence_storage
from harassguard.lib.http import private_file

log = logging.getLogger(__name__)

README = """本案完整副本 / Your full copy of the case

中文
1. 每个部分（part）都是一个完整的 ZIP 文件，可以单独打开；每个部分都带有同一份 manifest.json，
   列出全部文件、其 SHA-256 值、大小以及所在的部分。
2. items/NNN/original/ 中是本网站收到的原始文件，逐字节一致；derived/ 为派生文件（缩略图、
   收听副本等），transcript.* 与 ocr.* 为机器转写和文字识别结果（以原件为准）。
3. custody/ 是保管记录（带 HMAC 链）及其链头时间戳；findings.json 为分析结论；bundle/ 为最近一次
   制作的证据包。
4. 过大的文件被切成 文件名.001、文件名.002…… 分放在不同部分；全部解压到同一文件夹后合并：
   Linux/macOS：cat 文件名.0* > 文件名    Windows：copy /b 文件名.001+文件名.002 文件名
5. 核验：python manage.py verify_export part1.zip part2.zip …（可离线运行，仅凭这些文件即可发现
   被改动、缺失或多出的文件）。manifest.stamp.* 是 manifest.json 的时间戳。

English
1. Every part is a whole ZIP file that opens on its own; each carries the same manifest.json,
   which lists every file with its SHA-256, its size and the part that holds it.
2. items/NNN/original/ holds each file exactly as the site received it, byte for byte; derived/
   holds files made from it (thumbnails, listening copies); transcript.* and ocr.* are machine
   output (the original is authoritative).
3. custody/ is the custody log (an HMAC chain) with the time stamps of its head; findings.json the
   analysis; bundle/ the last court bundle made.
4. A file too large for one part is cut into name.001, name.002… in several parts; unzip all parts
   into one folder, then join them: `cat name.0* > name` (Linux, macOS) or
   `copy /b name.001+name.002 name` (Windows).
5. To check it: `python manage.py verify_export part1.zip part2.zip …` (works offline, from the parts
   alone: it finds a changed, missing or extra file). manifest.stamp.* time-stamps manifest.json.
"""


class ExportRefused(Exception):
    """An export cannot be made (a closed case, a part size out of range)."""


MIN_PART_MB, MAX_PART_MB = 1, 4096


def export_create(*, case, actor: Actor, part_mb: int | None = None) -> CaseExport:
    """Record the owner's request for a full copy and queue its making."""
    if case.closed_at is not None:
        raise ExportRefused(_("This case was closed; its files were deleted."))
    if part_mb is not None and not MIN_PART_MB <= part_mb <= MAX_PART_MB:
        raise ExportRefused(_("Choose a part size from 1 to 4096 MB."))
    with transaction.atomic():
        export = CaseExport.objects.create(case=case, created_by=actor.user, part_mb=part_mb)
        custody_record(case=case, action="export_requested", actor=actor, export=str(export.pk), part_mb=part_mb)
        queue.enqueue_export(export.pk)
    return export


def _progress(export: CaseExport, progress: int) -> None:
    CaseExport.objects.filter(pk=export.pk).update(progress=progress)


def _anchor(case):
    """Time-stamp the chain head for the copy; a copy is still worth having without one."""
    try:
        return custody_anchor(case, "export")
    except (timestamps.TsaUnavailable, timestamps.TsaRefused):
        log.warning("export of case %s: the custody head could not be time-stamped", case.pk)
        return None


def export_build(export: CaseExport) -> CaseExport:
    """Write the copy's parts to storage and mark it ready. Idempotent."""
    if export.status == CaseExport.Status.READY:
        return export
    CaseExport.objects.filter(pk=export.pk).update(status=CaseExport.Status.BUILDING, progress=0)
    _delete_leftovers(export)  # parts stored by an earlier build whose worker died
    case = export.case
    anchor = _anchor(case)
    sources = contents.case_sources(case)
    limit = export.part_mb * 1024 * 1024 if export.part_mb else None
    known = sum(s.size or 0 for s in sources)
    max_parts = 2 * (len(sources) + (math.ceil(known / limit) if limit else 1))
    tail = archive.manifest_bound([s.path for s in sources], max_parts) + len(README.encode())
    tail += archive.STAMP_ROOM + 4 * archive.ENTRY_OVERHEAD
    with tempfile.TemporaryDirectory(dir=settings.FILE_UPLOAD_TEMP_DIR, prefix="export-") as tmp:
        try:
            writer = archive.PartWriter(Path(tmp), limit, tail, Path(settings.FILE_UPLOAD_TEMP_DIR))
        except archive.PartTooSmall:
            raise ExportRefused(_("The parts are too small for this case: choose a larger size.")) from None
        files = []
        for n, source in enumerate(sources):
            files.append(writer.add(source))
            _progress(export, 5 + 85 * (n + 1) // len(sources))
        writer.close_part()
        manifest = _manifest(export, files, len(writer.paths), limit, anchor)
        manifest_sha = hashlib.sha256(manifest).hexdigest()
        archive.finish_parts(writer.paths, manifest, README, _manifest_stamp(export, manifest_sha))
        parts = _store_parts(export, writer.paths)
    try:
        return _ready(export, parts, manifest_sha)
    except BaseException:
        _delete_stored([p["name"] for p in parts])
        raise


def _folder(export: CaseExport) -> str:
    return f"exports/{export.pk}"


def _delete_stored(names: list[str]) -> None:
    storage = evidence_storage()
    for name in names:
        try:
            storage.delete(name)
        except Exception:
            log.exception("a part of an unfinished export could not be deleted: %s", name)


def _delete_leftovers(export: CaseExport) -> None:
    """Delete whatever an unfinished build of this export left in its folder."""
    try:
        _dirs, files = evidence_storage().listdir(_folder(export))
    except (FileNotFoundError, NotImplementedError):
        return
    _delete_stored([f"{_folder(export)}/{name}" for name in files])


def _manifest(export: CaseExport, files: list[archive.Written], parts: int, limit, anchor) -> bytes:
    last = CustodyEvent.objects.filter(case=export.case).order_by("-id").values_list("hash", flat=True).first()
    manifest = {
        "format": "harassguard-case-export/1",
        "export": str(export.pk),
        "case": {"id": str(export.case_id), "title": export.case.title},
        "made_at": timezone.now().isoformat(),
        "parts": parts,
        "part_bytes": limit,
        "files": [{"path": f.path, "sha256": f.sha256, "size": f.size, "pieces": f.pieces} for f in files],
        "custody": {
            "events_file": contents.CUSTODY_EVENTS,
            "anchors_file": contents.CUSTODY_ANCHORS,
            "head": last,
            "anchor": {"events": anchor.events, "head": anchor.head, "digest": anchor.digest} if anchor else None,
        },
        "signing_key": contents.SIGNING_KEY if any(f.path == contents.SIGNING_KEY for f in files) else None,
    }
    return json.dumps(manifest, ensure_ascii=False, indent=1).encode()


def _manifest_stamp(export: CaseExport, manifest_sha: str) -> tuple[str, bytes] | None:
    try:
        stamp = stamping.stamp_digest(manifest_sha, f"export:{export.pk}")
    except (timestamps.TsaUnavailable, timestamps.TsaRefused):
        log.warning("export %s: its manifest could not be time-stamped", export.pk)
        return None
    return f"{archive.STAMP}.{'tsr' if stamp.kind == stamping.RFC3161 else 'json'}", stamp.token


def part_filename(export: CaseExport, number: int, count: int) -> str:
    """The download's name: no case title (it stays in the phone's download list)."""
    stem = f"harassguard-copy-{str(export.pk)[:8]}"
    return f"{stem}.zip" if count == 1 else f"{stem}-part{number}of{count}.zip"


def _store_parts(export: CaseExport, paths: list[Path]) -> list[dict]:
    """Store the parts; when one cannot be stored, delete those already stored and raise."""
    storage, parts, saved_names = evidence_storage(), [], []
    try:
        for number, path in enumerate(paths, start=1):
            name = f"{_folder(export)}/{part_filename(export, number, len(paths))}"
            with open(path, "rb") as fh:
                saved_names.append(storage.save(name, File(fh)))
            parts.append({"name": saved_names[-1], "sha256": file_sha256(path), "size": path.stat().st_size})
    except BaseException:
        _delete_stored(saved_names)
        raise
    return parts


def _ready(export: CaseExport, parts: list[dict], manifest_sha: str) -> CaseExport:
    now = timezone.now()
    with transaction.atomic():
        CaseExport.objects.filter(pk=export.pk).update(
            status=CaseExport.Status.READY,
            progress=100,
            parts=parts,
            manifest_sha256=manifest_sha,
            finished=now,
            expires_at=now + timedelta(hours=settings.EXPORT_HOURS),
            error="",
        )
        custody_record(
            case=export.case,
            action="export_built",
            actor=WORKER,
            export=str(export.pk),
            manifest_sha256=manifest_sha,
            parts=[{"sha256": p["sha256"], "size": p["size"]} for p in parts],
        )
    export.refresh_from_db()
    return export


def export_fail(export_id, error: str) -> None:
    CaseExport.objects.filter(pk=export_id).update(status=CaseExport.Status.FAILED, error=error)


def export_part_response(export: CaseExport, number: int, actor: Actor) -> FileResponse:
    """Stream part `number` (from 1) as a private attachment and record the download in custody."""
    part = export.parts[number - 1]
    response = FileResponse(
        evidence_storage().open(part["name"], "rb"),
        as_attachment=True,
        filename=part_filename(export, number, len(export.parts)),
        content_type="application/zip",
    )
    response["Content-Length"] = str(part["size"])
    private_file(response)
    custody_record(
        case=export.case,
        action="export_part_downloaded",
        actor=actor,
        export=str(export.pk),
        part=number,
        sha256=part["sha256"],
    )
    return response


def export_delete_files(export: CaseExport) -> None:
    """Delete the export's parts from storage (and anything left in its folder)."""
    storage = evidence_storage()
    for part in export.parts:
        if storage.exists(part["name"]):
            storage.delete(part["name"])


def exports_clean_expired(*, now=None) -> int:
    """Delete the parts of every expired export; return how many exports were cleaned."""
    now = now or timezone.now()
    expired = CaseExport.objects.filter(status=CaseExport.Status.READY, expires_at__lt=now)
    count = 0
    for export in expired:
        export_delete_files(export)
        CaseExport.objects.filter(pk=export.pk).update(status=CaseExport.Status.EXPIRED, parts=[])
        count += 1
    return count


def export_taken(export: CaseExport | None) -> bool:
    """Whether the copy is ready and every one of its parts was downloaded at least once."""
    if export is None or export.status != CaseExport.Status.READY:
        return False
    downloaded = CustodyEvent.objects.filter(
        case=export.case_id, action="export_part_downloaded", detail__export=str(export.pk)
    ).values_list("detail__part", flat=True)
    return set(range(1, len(export.parts) + 1)) <= set(downloaded)


def exports_requeue_stuck(*, older_than: timedelta, now=None) -> int:
    """Queue again copies still waiting or being made long after they were asked for (a lost
    message, a worker that died); return how many."""
    cutoff = (now or timezone.now()) - older_than
    stuck = CaseExport.objects.filter(
        status__in=[CaseExport.Status.PENDING, CaseExport.Status.BUILDING], created__lt=cutoff
    ).values_list("pk", flat=True)
    for export_id in stuck:
        queue.enqueue_export(export_id)
    return len(stuck)
