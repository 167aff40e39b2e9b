"""The API of uploads in pieces (see evidence/intake/resumable.py): begin, send pieces, ask where it stands.

Besides its JSON answers the upload's URL speaks the core of the tus 1.0 protocol: HEAD says
where the upload stands in `Upload-Offset` and `Upload-Length`, and every piece's answer carries
the new `Upload-Offset`. So the upload page sends files with tus-js-client (a kept library with
retries and resumption built in), while announcing each file here first (POST, with the phone's
SHA-256 and the item's details) keeps what tus's own creation step has no place for."""

from datetime import datetime
from uuid import UUID

from django.http import HttpResponse
from django.urls import reverse
from ninja import Router, Schema, Status

from cases.access import Need, get_case_for_user, get_upload_for_user
from evidence import device_facts as device
from evidence.api import ErrorOut, EvidenceOut, evidence_out
from evidence.custody import actor_from_request
from evidence.intake import resumable, services
from evidence.models import ChunkedUpload
from harassguard.lib.errors import ApiError, Text

router = Router(tags=["uploads"])


class UploadIn(Schema):
    # Defaults rather than required fields: the case's access is checked before the
    # announcement is, so a stranger learns nothing from a 400.
    filename: Text = ""
    size: int = 0
    kind: Text = ""
    sha256: Text = ""
    occurred_at: datetime | None = None
    counterparty_number: Text = ""
    description: Text = ""
    capture_note: Text = ""
    # What the phone says about the file, kept as device-reported (see evidence/device_facts.py).
    file_last_modified: datetime | None = None
    device_clock_picked: datetime | None = None
    device_clock_sent: datetime | None = None
    device_utc_offset_minutes: int | None = None
    device_time_zone: Text = ""


DEVICE_FIELDS = {
    "file_last_modified",
    "device_clock_picked",
    "device_clock_sent",
    "device_utc_offset_minutes",
    "device_time_zone",
}


def announced_device_facts(payload: UploadIn) -> dict:
    return device.device_facts(
        file_last_modified=payload.file_last_modified,
        picked_at=payload.device_clock_picked,
        sent_at=payload.device_clock_sent,
        utc_offset_minutes=payload.device_utc_offset_minutes,
        time_zone=payload.device_time_zone,
    )


def announced_details(payload: UploadIn) -> dict:
    details = payload.dict(exclude={"filename", "size", "sha256", *DEVICE_FIELDS})
    return {k: v.isoformat() if isinstance(v, datetime) else (v or "") for k, v in details.items()}


class UploadOut(Schema):
    id: UUID
    filename: str
    size: int
    offset: int
    chunk_bytes: int
    url: str
    complete: bool
    evidence: EvidenceOut | None = None


def upload_out(upload: ChunkedUpload, url: str = "") -> dict:
    """The upload as the API shows it; `url` is where its pieces go (the owner's upload URL by default)."""
    return {
        "id": upload.id,
        "filename": upload.filename,
        "size": upload.size,
        "offset": upload.offset,
        "chunk_bytes": resumable.CHUNK_BYTES,
        "url": url or reverse("api:upload_piece", args=[upload.id]),
        "complete": upload.item_id is not None,
        "evidence": evidence_out(upload.item) if upload.item else None,
    }


def _api_error(exc: services.IntakeError) -> ApiError:
    return ApiError(exc.status, exc.message, exc.code)


@router.post("/cases/{case_id}/uploads", response={201: UploadOut, 400: ErrorOut, 413: ErrorOut, 429: ErrorOut})
def upload_begin(request, case_id: UUID, payload: UploadIn):
    """Announce a file to send in pieces. `sha256`, if given, is what the sender's device computed:
    the file is refused unless the server's hash of the bytes received matches it. `file_last_modified`
    and the `device_*` fields (the phone's clock when the file was picked and when it is announced, its
    UTC offset and time-zone name) are kept on the item as device-reported facts."""
    case = get_case_for_user(request.user, case_id, need=Need.OWN)
    try:
        upload = resumable.upload_begin(
            case=case,
            user=request.user,
            filename=payload.filename,
            size=payload.size,
            client_sha256=payload.sha256,
            details=announced_details(payload),
            device_facts=announced_device_facts(payload),
        )
    except services.IntakeError as exc:
        raise _api_error(exc) from None
    return Status(201, upload_out(upload))


TUS_VERSION = "1.0.0"


def _header(description: str, kind: str = "integer") -> dict:
    schema = {"type": "integer", "minimum": 0} if kind == "integer" else {"type": "string", "enum": [TUS_VERSION]}
    return {"description": description, "schema": schema}


# What a tus 1.0 client reads from every answer about an upload.
TUS_HEADERS = {
    "Upload-Offset": _header("Bytes received so far: send the next piece from here"),
    "Upload-Length": _header("The file's size, as announced"),
    "Tus-Resumable": _header("The tus protocol version", "version"),
}
STATUS_HEADERS = {"responses": {200: {"headers": TUS_HEADERS}}}


def tus_headers(response: HttpResponse, upload: ChunkedUpload) -> None:
    """What a tus client reads: where the upload stands, its length, never from a cache."""
    response["Tus-Resumable"] = TUS_VERSION
    response["Upload-Offset"] = str(upload.offset)
    response["Upload-Length"] = str(upload.size)
    response["Cache-Control"] = "no-store"


@router.api_operation(["GET", "HEAD"], "/uploads/{upload_id}", response=UploadOut, openapi_extra=STATUS_HEADERS)
def upload_status(request, upload_id: UUID, response: HttpResponse):
    """Where an upload stands: send the next piece from `offset` (also in the `Upload-Offset` header)."""
    upload = get_upload_for_user(request.user, upload_id)
    tus_headers(response, upload)
    return upload_out(upload)


PIECE_BODY = {
    "parameters": [
        {
            "in": "header",
            "name": "Upload-Offset",
            "required": True,
            "description": "Where this piece starts in the file: the upload's offset as last answered",
            "schema": {"type": "integer", "minimum": 0},
        },
        {
            "in": "header",
            "name": "Tus-Resumable",
            "required": False,
            "description": "Sent by tus clients; the API speaks tus 1.0.0",
            "schema": {"type": "string", "enum": [TUS_VERSION]},
        },
    ],
    "requestBody": {
        "required": True,
        "description": "The piece's raw bytes (at most chunk_bytes; Content-Length required, no chunked encoding)",
        "content": {"application/offset+octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    },
    "responses": {200: {"headers": TUS_HEADERS}, 201: {"headers": TUS_HEADERS}},
}


@router.patch(
    "/uploads/{upload_id}",
    url_name="upload_piece",
    response={
        200: UploadOut,
        201: UploadOut,
        400: ErrorOut,
        409: ErrorOut,
        410: ErrorOut,
        411: ErrorOut,
        413: ErrorOut,
        415: ErrorOut,
    },
    openapi_extra=PIECE_BODY,
)
def upload_piece(request, upload_id: UUID, response: HttpResponse):
    """Send the piece that starts at byte `Upload-Offset`. The piece that completes the file
    (or an empty piece at the end, to finish again after a lost reply) makes the evidence item: 201."""
    upload = get_upload_for_user(request.user, upload_id)
    return piece_response(request, upload, response, resumable.upload_finish)


def piece_response(request, upload: ChunkedUpload, response: HttpResponse, finish, url: str = ""):
    """Write the request's piece to `upload`; when it is complete, `finish(upload, actor)` takes it in.
    Shared with the statement-link uploads, which finish differently and answer with their own `url`."""
    offset = _header_int(request, "HTTP_UPLOAD_OFFSET")
    # No Content-Length is an empty body, unless the body came in a chunked encoding of unknown length.
    length = _header_int(request, "CONTENT_LENGTH") if request.META.get("CONTENT_LENGTH") else 0
    if offset is None:
        raise ApiError(400, "Upload-Offset: a whole number of bytes is required.", "invalid")
    if length is None or "HTTP_TRANSFER_ENCODING" in request.META:
        raise ApiError(411, "Content-Length is required.", "length_required")
    try:
        if upload.item_id is None:
            upload = resumable.upload_append(upload, offset=offset, stream=request, length=length)
        tus_headers(response, upload)
        if upload.offset < upload.size or upload.item_id:
            return Status(200, upload_out(upload, url))
        finish(upload, actor_from_request(request))
    except resumable.OffsetMismatch as exc:
        raise ApiError(exc.status, f"{exc.message} (offset {exc.offset})", exc.code) from None
    except services.IntakeError as exc:
        raise _api_error(exc) from None
    return Status(201, upload_out(upload, url))


def _header_int(request, name: str) -> int | None:
    value = request.META.get(name, "")
    return int(value) if value.isdigit() and len(value) < 19 else None
