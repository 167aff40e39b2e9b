"""A relative's spoken statement, recorded in the statement-link page and sent in pieces like any
upload (the same tus core as evidence/intake/api.py). The link's token in the URL is the only
credential, as on the page itself: no account, no session, nothing of the case in the answers."""

from uuid import UUID

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from ninja import Router, Status

from accounts.throttle import rate_limited
from cases.statement_links import LinkInvalid, link_upload_begin, link_upload_finish, link_upload_get
from evidence.api import ErrorOut
from evidence.intake import services
from evidence.intake.api import PIECE_BODY as _PIECE_BODY
from evidence.intake.api import (
    UploadIn,
    UploadOut,
    announced_device_facts,
    piece_response,
    tus_headers,
    upload_out,
)
from harassguard.lib.errors import ApiError, Text

router = Router(tags=["statement links"], auth=None)


class LinkUploadIn(UploadIn):
    # The witness's own name, as on the written form; the name the owner gave the link otherwise.
    name: Text = ""


def _piece_url(token: str, upload_id) -> str:
    return reverse("api:link_upload_piece", args=[token, upload_id])


def _gone() -> ApiError:
    return ApiError(404, "This link no longer works.", "link_closed")


@router.post(
    "/statement-links/{token}/uploads",
    response={201: UploadOut, 400: ErrorOut, 404: ErrorOut, 413: ErrorOut, 429: ErrorOut},
)
def link_upload_begin_api(request, token: str, payload: LinkUploadIn):
    """Announce a spoken statement recorded through a statement link (always kind `spoken_statement`);
    limited per address like the link's page (STATEMENT_LINK_PER_HOUR)."""
    if rate_limited(request, "statement-link", settings.STATEMENT_LINK_PER_HOUR):
        raise ApiError(429, "Too many requests; try again later.", "rate_limited")
    try:
        upload = link_upload_begin(
            raw=token,
            name=payload.name[:100],
            filename=payload.filename,
            size=payload.size,
            client_sha256=payload.sha256,
            device_facts=announced_device_facts(payload),
        )
    except LinkInvalid:
        raise _gone() from None
    except services.IntakeError as exc:
        raise ApiError(exc.status, exc.message, exc.code) from None
    return Status(201, upload_out(upload, _piece_url(token, upload.id)))


@router.api_operation(
    ["GET", "HEAD"], "/statement-links/{token}/uploads/{upload_id}", response={200: UploadOut, 404: ErrorOut}
)
def link_upload_status(request, token: str, upload_id: UUID, response: HttpResponse):
    """Where a relative's recording stands (as GET /uploads/{id})."""
    try:
        upload = link_upload_get(token, upload_id)
    except LinkInvalid:
        raise _gone() from None
    tus_headers(response, upload)
    return upload_out(upload, _piece_url(token, upload.id))


@router.patch(
    "/statement-links/{token}/uploads/{upload_id}",
    url_name="link_upload_piece",
    response={
        200: UploadOut,
        201: UploadOut,
        400: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        411: ErrorOut,
        413: ErrorOut,
        415: ErrorOut,
    },
    openapi_extra=_PIECE_BODY,
)
def link_upload_piece(request, token: str, upload_id: UUID, response: HttpResponse):
    """Send a piece of a relative's recording; the piece that completes it makes the item and closes the link (201)."""
    try:
        upload = link_upload_get(token, upload_id)

        def finish(upload, actor):
            return link_upload_finish(upload, actor, token)

        return piece_response(request, upload, response, finish, _piece_url(token, upload.id))
    except LinkInvalid:
        raise _gone() from None
