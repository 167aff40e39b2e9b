"""Taking evidence in: validation, write-once storage, the item and its custody record."""

import hashlib

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import TemporaryUploadedFile, UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from evidence import queue
from evidence.custody import Actor, custody_record
from evidence.intake import filetypes, handler
from evidence.models import EvidenceItem
from evidence.storage import originals


class IntakeError(Exception):
    """An upload that cannot become evidence; `code` is stable, `message` is for people."""

    def __init__(self, code: str, message: str, status: int = 400):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


def upload_problem_error(problem: str | None) -> IntakeError | None:
    """Return the IntakeError for a problem the upload handler recorded, if any."""
    return upload_problem(problem) if problem else None


def upload_problem(problem: str) -> IntakeError:
    """The IntakeError for one of the upload handler's problems (handler.TOO_LARGE, ...)."""
    if problem == handler.TOO_LARGE:
        limit = handler.max_upload_bytes() // (1024 * 1024)
        return IntakeError("file_too_large", _("The file is larger than %(mb)d MB.") % {"mb": limit}, 413)
    if problem == handler.UNSAFE_NAME:
        return IntakeError(
            "unsafe_filename",
            _(
                "The file name contains characters that are not allowed (path parts, control or direction characters). Rename the file and try again."
            ),
        )
    if problem == handler.INTERRUPTED:
        return IntakeError(
            "upload_incomplete", _("The upload was cut off before the whole file arrived. Please try again.")
        )
    raise ValueError(f"unknown upload problem {problem!r}")


def check_upload(upload: UploadedFile | None, kind: str) -> tuple[str, str]:
    """Return (sniffed MIME type, kind) of an upload fit for `kind` (empty: the kind its
    content shows); raise IntakeError otherwise."""
    if upload is None:
        raise IntakeError("file_missing", _("Choose a file to upload."))
    assert isinstance(upload, TemporaryUploadedFile), "FILE_UPLOAD_HANDLERS keeps every upload in a scratch file"
    return check_file(upload.temporary_file_path(), upload.size or 0, kind)


def check_file(path: str, size: int, kind: str) -> tuple[str, str]:
    """As check_upload, for the file at `path`."""
    if size == 0:
        raise IntakeError("empty_file", _("The file is empty."))
    mime = filetypes.sniff_mime(path)
    if not kind and mime.startswith("video/") and filetypes.has_video_stream(path):
        kind = "screen_recording"
    kind = kind or filetypes.kind_for(mime)
    if kind == "screen_recording" and filetypes.accepts(kind, mime) and not filetypes.has_video_stream(path):
        raise IntakeError("not_a_video", _("This file has no picture: a screen recording must be a video."), 415)
    if not filetypes.accepts(kind, mime):
        raise IntakeError(
            "unsupported_type",
            _("This file type (%(mime)s) cannot be used as this kind of evidence.") % {"mime": mime},
            415,
        )
    return mime, kind


def evidence_create(
    *,
    case,
    actor: Actor,
    content,
    sha256: str,
    size: int,
    mime: str,
    fields: dict,
    transfer: dict | None = None,
    check_quota: bool = True,
):
    """Store an original and create its item; return (item, created).

    `transfer` adds facts about how the bytes arrived to the custody record.
    The case owner's quota is checked first (IntakeError `quota_exceeded`) unless
    `check_quota` is off (an upload in pieces had its room checked when it began).

    The same bytes already in the case return the existing item with
    created=False. Storage happens before the transaction (slow I/O stays out
    of it); if the database write fails, an original written just now and used
    by no other item is removed again.
    """
    existing = EvidenceItem.objects.filter(case=case, sha256=sha256).first()
    if existing:
        return existing, False
    if check_quota:
        from evidence.intake.quotas import quota_check

        quota_check(case.owner, add_bytes=size)
    stored_name, written = originals.store_original(content, sha256)
    try:
        with transaction.atomic():
            item = EvidenceItem.objects.create(
                case=case,
                stored_name=stored_name,
                size=size,
                mime=mime,
                sha256=sha256,
                uploaded_by=actor.user,
                **fields,
            )
            custody_record(
                case=case,
                item=item,
                action="received",
                actor=actor,
                sha256=sha256,
                size=size,
                mime=mime,
                original_filename=item.original_filename,
                **(transfer or {}),
            )
            queue.enqueue_item(item.pk)
    except IntegrityError:
        # Another request stored the same bytes in this case a moment ago.
        return EvidenceItem.objects.get(case=case, sha256=sha256), False
    except Exception:
        if written and not EvidenceItem.objects.filter(sha256=sha256).exists():
            originals.evidence_storage().delete(stored_name)
        raise
    return item, True


def evidence_create_from_upload(
    *, case, actor: Actor, upload: TemporaryUploadedFile, kind: str, fields: dict, transfer: dict | None = None
):
    """Validate a streamed upload and take it in; return (item, created) or raise IntakeError.
    An empty `kind` is decided from the file's content."""
    mime, kind = check_upload(upload, kind)
    fields = {**fields, "kind": kind, "original_filename": upload.name}
    return evidence_create(
        case=case,
        actor=actor,
        content=upload,
        sha256=handler.sha256_of(upload),
        size=upload.size or 0,
        mime=mime,
        fields=fields,
        transfer=transfer,
    )


def statement_text(*, author_name: str, relation: str, contact: str, text: str) -> str:
    """Return the text original of a typed statement: who wrote it, then what they wrote."""
    return f"陈述人 Author: {author_name}\n与当事人关系 Relation: {relation}\n联系方式 Contact: {contact}\n\n{text}\n"


def evidence_create_statement(
    *,
    case,
    actor: Actor,
    author_name: str,
    relation: str,
    contact: str,
    text: str,
    fields: dict,
    transfer: dict | None = None,
):
    """Store a typed statement as a UTF-8 text original; return (item, created)."""
    if not text.strip():
        raise IntakeError("empty_statement", _("Write the statement before sending it."))
    data = statement_text(author_name=author_name, relation=relation, contact=contact, text=text).encode()
    sha256 = hashlib.sha256(data).hexdigest()
    fields = {
        **fields,
        "kind": EvidenceItem.Kind.STATEMENT,
        "original_filename": f"statement-{sha256[:8]}.txt",
        "author_name": author_name,
        "author_relation": relation,
        "author_contact": contact,
    }
    return evidence_create(
        case=case,
        actor=actor,
        content=ContentFile(data),
        sha256=sha256,
        size=len(data),
        mime="text/plain",
        fields=fields,
        transfer=transfer,
    )
