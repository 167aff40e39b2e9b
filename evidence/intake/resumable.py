"""Uploads in pieces that resume after a dropped connection (a small tus-like protocol).

The client announces the file (name, size, evidence details and, if its device
computed it, the SHA-256), then sends pieces, each saying at which byte it
starts. A piece is first read to a scratch file, so a slow phone connection
never holds a database lock; it is then written under the row's lock if it
starts exactly where the file so far ends. When the last byte is in, the whole
file is hashed and taken in like any other upload. An upload left unfinished
is deleted after UPLOAD_RESUME_HOURS and never becomes evidence.
"""

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from cryptography.exceptions import InvalidTag
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from evidence import encryption
from evidence.custody import Actor
from evidence.forms import EvidenceDetailsForm
from evidence.intake import handler, quotas, sealed_parts, services
from evidence.models import ChunkedUpload, EvidenceItem
from evidence.storage.integrity import file_sha256
from harassguard.lib.hashing import SHA256_HEX

# The piece size offered to clients: one piece finishes in seconds even on a slow phone connection.
CHUNK_BYTES = 1024 * 1024
MAX_CHUNK_BYTES = 8 * 1024 * 1024
READ_BYTES = 64 * 1024


class OffsetMismatch(services.IntakeError):
    """A piece that does not start where the file so far ends; `offset` says where it must."""

    def __init__(self, offset: int):
        super().__init__(
            "offset_mismatch",
            _("This piece does not start where the upload stands; resume from the offset given."),
            409,
        )
        self.offset = offset


def parts_folder() -> Path:
    """Where unfinished uploads wait: on the media volume, so they survive a restart (unlike
    SCRATCH_DIR, which may be a tmpfs), sealed when EVIDENCE_ENCRYPTION_KEY is set."""
    return Path(settings.MEDIA_ROOT) / "tmp" / "resumable"


def part_path(upload: ChunkedUpload) -> Path:
    return parts_folder() / f"{upload.pk}.part"


def _part_key() -> bytes | None:
    return encryption.load_key(settings.EVIDENCE_ENCRYPTION_KEY) if settings.EVIDENCE_ENCRYPTION_KEY else None


def _sealed_part_key() -> bytes:
    """The key of a .part file that was sealed: without it the bytes received cannot be read."""
    key = _part_key()
    if key is None:
        raise ImproperlyConfigured("EVIDENCE_ENCRYPTION_KEY was removed while uploads sealed with it were open")
    return key


def upload_begin(
    *, case, user, filename: str, size: int, client_sha256: str, details: dict, device_facts: dict | None = None
) -> ChunkedUpload:
    """Check what the client announces and open an empty upload; raise IntakeError if it cannot be taken."""
    if not handler.is_safe_filename(filename):
        raise services.upload_problem(handler.UNSAFE_NAME)
    if size <= 0:
        raise services.IntakeError("empty_file", _("The file is empty."))
    if size > handler.max_upload_bytes():
        raise services.upload_problem(handler.TOO_LARGE)
    client_sha256 = client_sha256.strip().lower()
    if client_sha256 and not SHA256_HEX.match(client_sha256):
        raise services.IntakeError("invalid", _("sha256 must be 64 hexadecimal characters."))
    _details_form(details)
    quotas.open_uploads_check(case.owner)
    quotas.quota_check(case.owner, add_bytes=size)
    upload = ChunkedUpload.objects.create(
        case=case,
        created_by=user,
        filename=filename,
        size=size,
        client_sha256=client_sha256,
        fields=details,
        device_facts=device_facts or {},
    )
    path = part_path(upload)
    path.parent.mkdir(parents=True, exist_ok=True)
    if _part_key():
        sealed_parts.create(path)
    else:
        path.touch()
    return upload


def _details_form(details: dict) -> EvidenceDetailsForm:
    form = EvidenceDetailsForm(details)
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        raise services.IntakeError("invalid_kind" if field == "kind" else "invalid", f"{field}: {errors[0]}")
    return form


def upload_append(upload: ChunkedUpload, *, offset: int, stream, length: int) -> ChunkedUpload:
    """Write the piece of `length` bytes read from `stream` at `offset`; return the upload as it now stands."""
    if upload.item_id:
        raise services.IntakeError("upload_finished", _("This upload is already complete."), 409)
    if offset != upload.offset:
        raise OffsetMismatch(upload.offset)
    if length > MAX_CHUNK_BYTES:
        raise services.IntakeError(
            "chunk_too_large", _("A piece may be at most %(mb)d MB.") % {"mb": MAX_CHUNK_BYTES // 2**20}, 413
        )
    if offset + length > upload.size:
        raise services.IntakeError("beyond_end", _("This piece goes past the size announced for the file."))
    path = part_path(upload)
    if not path.exists():
        # The scratch file went (a scratch folder on tmpfs after a restart): what came so far is
        # lost, so the upload ends here and the page starts the file again from its first byte.
        upload_discard(upload)
        raise services.IntakeError(
            "upload_lost",
            _("The part of this file received so far was lost on the server. Please send the file again."),
            410,
        )
    with tempfile.NamedTemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR, suffix=".piece") as piece:
        _receive(stream, piece, length)
        with transaction.atomic():
            upload = ChunkedUpload.objects.select_for_update().get(pk=upload.pk)
            if upload.offset != offset:
                raise OffsetMismatch(upload.offset)
            if sealed_parts.is_sealed(path):
                sealed_parts.append(path, piece.read(), offset, _sealed_part_key(), upload.pk)
            else:
                _write_at(path, piece, offset)
            upload.offset = offset + length
            upload.save(update_fields=["offset", "updated"])
    return upload


def _receive(stream, piece, length: int) -> None:
    remaining = length
    while remaining:
        data = stream.read(min(READ_BYTES, remaining))
        if not data:
            # The connection dropped mid-piece: nothing of it is kept, the client resends it.
            raise services.upload_problem(handler.INTERRUPTED)
        piece.write(data)
        remaining -= len(data)
    piece.flush()
    piece.seek(0)


def _write_at(path: Path, piece, offset: int) -> None:
    """Write the piece at `offset` and cut anything after it: bytes a crashed earlier
    request wrote past the recorded offset are never counted."""
    with open(path, "r+b") as fh:
        fh.seek(offset)
        shutil.copyfileobj(piece, fh, READ_BYTES)
        fh.truncate()
        fh.flush()
        os.fsync(fh.fileno())


def upload_finish(upload: ChunkedUpload, actor: Actor):
    """Hash the complete file and take it in as evidence; return (item, created).

    A file whose hash differs from the one the client's device computed, or
    that cannot be this kind of evidence, is discarded with its upload.
    """
    with _plain(upload) as path:
        return _take_in(upload, actor, path)


@contextmanager
def _plain(upload: ChunkedUpload) -> Iterator[Path]:
    """Yield a path holding the upload's bytes: the .part itself, or a copy opened from the sealed
    one into the scratch folder for the few seconds the checks and the storing take."""
    path = part_path(upload)
    if not sealed_parts.is_sealed(path):
        yield path
        return
    with tempfile.NamedTemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR, suffix=".whole") as plain:
        try:
            for data in sealed_parts.read_plain(path, _sealed_part_key(), upload.pk):
                plain.write(data)
        except InvalidTag as exc:
            upload_discard(upload)
            raise services.IntakeError(
                "upload_damaged",
                _(
                    "The pieces kept for this upload were changed on the server. Nothing was kept; "
                    "please upload the file again."
                ),
                409,
            ) from exc
        plain.flush()
        yield Path(plain.name)


def _take_in(upload: ChunkedUpload, actor: Actor, path: Path):
    # Read once more at the end: a hash state cannot be kept between the requests that brought the pieces.
    sha256 = file_sha256(path)
    try:
        if upload.client_sha256 and sha256 != upload.client_sha256:
            raise services.IntakeError(
                "hash_mismatch",
                _(
                    "The file that arrived (SHA-256 %(server)s) is not the file your device fingerprinted (%(client)s). "
                    "Nothing was kept; please upload it again."
                )
                % {"server": sha256, "client": upload.client_sha256},
            )
        form = _details_form(upload.fields)
        mime, kind = services.check_file(str(path), upload.size, form.cleaned_data["kind"])
    except services.IntakeError:
        upload_discard(upload)
        raise
    fields = {
        **form.item_fields(),
        **upload_item_fields(upload),
        "kind": kind,
        "original_filename": upload.filename,
        "device_facts": upload.device_facts,
    }
    transfer = {"transfer": "resumable", "client_sha256_matched": bool(upload.client_sha256)}
    if upload.device_facts:
        transfer["device_reported"] = upload.device_facts
    with open(path, "rb") as fh:
        item, created = services.evidence_create(
            case=upload.case,
            actor=actor,
            content=File(fh, name=upload.filename),
            sha256=sha256,
            size=upload.size,
            mime=mime,
            fields=fields,
            transfer=transfer,
            check_quota=False,
        )
    upload.item = item
    upload.save(update_fields=["item", "updated"])
    part_path(upload).unlink(missing_ok=True)
    return item, created


def upload_item_fields(upload: ChunkedUpload) -> dict:
    """Who speaks in a spoken statement recorded in the page: a relative through a statement link
    (their words are a witness's, 证人证言), else the victim (当事人陈述); {} for any other file."""
    if upload.fields.get("kind") != EvidenceItem.Kind.SPOKEN_STATEMENT:
        return {}
    link = upload.fields.get("statement_link")
    if link:
        return {
            "author_name": upload.fields.get("author_name", ""),
            "author_relation": upload.fields.get("author_relation", ""),
            "metadata": {"statement_link": link, "recorded_in_page": True},
        }
    return {"author_name": upload.case.victim_name, "author_relation": "本人", "metadata": {"recorded_in_page": True}}


def upload_discard(upload: ChunkedUpload) -> None:
    part_path(upload).unlink(missing_ok=True)
    upload.delete()


def uploads_clean_abandoned(*, now=None) -> int:
    """Delete uploads untouched for UPLOAD_RESUME_HOURS, their pieces, and stray piece files; return how many."""
    cutoff = (now or timezone.now()) - timedelta(hours=settings.UPLOAD_RESUME_HOURS)
    stale = list(ChunkedUpload.objects.filter(updated__lt=cutoff))
    for upload in stale:
        upload_discard(upload)
    folder = parts_folder()
    live = {str(pk) for pk in ChunkedUpload.objects.values_list("pk", flat=True)}
    for path in folder.glob("*.p*") if folder.exists() else []:
        if path.stem not in live and path.stat().st_mtime < cutoff.timestamp():
            path.unlink(missing_ok=True)
    return len(stale)
