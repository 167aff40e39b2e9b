"""Redacted copies over the API: start a redaction for a reader, change its marks, make the copy."""

from datetime import datetime
from typing import Annotated
from uuid import UUID

from django.utils.translation import gettext
from ninja import Field, Router, Schema
from ninja.responses import Status

from cases.access import Need, get_item_for_user, get_redacted_copy_for_user, get_redaction_for_user
from evidence.api import ErrorOut
from evidence.custody import actor_from_request
from evidence.redaction.files import copy_response
from evidence.redaction.services import (
    RedactionError,
    redaction_make,
    redaction_resuggest,
    redaction_start,
    redaction_update,
)
from harassguard.lib.errors import ApiError

router = Router(tags=["redaction"])
Reader = Annotated[str, Field(max_length=20, description="a complaint channel: platform, black_cat, police, …")]


class MarkOut(Schema):
    id: str
    kind: str = Field(description="third_party_number, own_number, name, id_number, face, box, span or text")
    source: str = Field(description="auto (suggested) or hand")
    on: bool
    label: str = Field(description="the value masked (138****5678), never in full")
    box: list[int] | None = Field(None, description="[x0, y0, x1, y1] in the image's pixels")
    segment: int | None = None
    start: int | None = None
    end: int | None = None


class CopyOut(Schema):
    id: UUID
    item: UUID
    reader: str
    status: str = Field(description="pending (a worker is making it), ready or failed")
    error: str
    original_sha256: str
    sha256: str = Field(description="empty until ready")
    mime: str
    hidden: dict[str, int] = Field(description="kind of thing hidden → how many (never the values)")
    created: datetime
    url: str


class RedactionOut(Schema):
    id: UUID
    item: UUID
    reader: str
    status: str = Field(
        description="suggesting (a worker is looking for what to hide: poll until it is ready), ready or failed"
    )
    error: str = Field(description="why the suggestions failed, in plain words; empty otherwise")
    marks: list[MarkOut] = Field(description="the site's marks are replaced all at once when suggesting is done")
    copies: list[CopyOut]


class RedactionIn(Schema):
    # Checked after the access check, so that a stranger gets 404 whatever they send.
    reader: Reader = ""


class SpanIn(Schema):
    segment: int | None = None
    start: int
    end: int


class RedactionPatch(Schema):
    on: dict[Annotated[str, Field(max_length=20)], bool] = {}
    remove: list[Annotated[str, Field(max_length=20)]] = []
    boxes: list[Annotated[list[int], Field(min_length=4, max_length=4)]] = []
    spans: list[SpanIn] = []
    texts: list[Annotated[str, Field(min_length=1, max_length=200)]] = []
    suggest_again: bool = Field(False, description="replace the site's marks with fresh suggestions (hand marks stay)")


def copy_out(copy) -> dict:
    return {
        "id": copy.id,
        "item": copy.item_id,
        "reader": copy.reader,
        "status": copy.status,
        "error": gettext(copy.error) if copy.error else "",
        "original_sha256": copy.original_sha256,
        "sha256": copy.sha256,
        "mime": copy.mime,
        "hidden": copy.hidden,
        "created": copy.created,
        "url": f"/api/v1/redacted-copies/{copy.id}/file",
    }


def redaction_out(redaction) -> dict:
    marks = [{k: v for k, v in m.items() if k != "value"} for m in redaction.marks]
    return {
        "id": redaction.id,
        "item": redaction.item_id,
        "reader": redaction.reader,
        "status": redaction.status,
        "error": gettext(redaction.error) if redaction.error else "",
        "marks": marks,
        "copies": [copy_out(c) for c in redaction.copies.all()],
    }


def _failed(exc: RedactionError) -> ApiError:
    return ApiError(400, exc.message, "invalid")


@router.post("/evidence/{item_id}/redactions", response={201: RedactionOut, 400: ErrorOut, 404: ErrorOut})
def start_redaction(request, item_id: UUID, body: RedactionIn):
    """The item's redaction for a reader (made once; later calls return it). The first time its
    `status` is "suggesting" while a worker looks for what to hide; poll `GET /api/v1/redactions/{id}`
    until it is "ready" (the suggested marks are in) or "failed" (`error` says why)."""
    item = get_item_for_user(request.user, item_id, need=Need.BUILD)
    try:
        redaction = redaction_start(item=item, reader=body.reader, actor=actor_from_request(request))
    except RedactionError as exc:
        raise _failed(exc) from None
    return Status(201, redaction_out(redaction))


@router.get("/redactions/{redaction_id}", response={200: RedactionOut, 404: ErrorOut})
def get_redaction(request, redaction_id: UUID):
    return redaction_out(get_redaction_for_user(request.user, redaction_id))


@router.patch("/redactions/{redaction_id}", response={200: RedactionOut, 400: ErrorOut, 404: ErrorOut})
def patch_redaction(request, redaction_id: UUID, body: RedactionPatch):
    """Turn marks on or off, remove marks, add boxes (images), spans of a sentence or words to hide (text);
    `suggest_again` sends the redaction back to a worker (`status` "suggesting"). Marks cannot be changed
    while suggesting, nor a copy made (400)."""
    redaction = get_redaction_for_user(request.user, redaction_id)
    try:
        redaction_update(
            redaction=redaction,
            on=body.on,
            remove=body.remove,
            boxes=body.boxes,
            spans=[s.dict() for s in body.spans],
            texts=body.texts,
        )
        if body.suggest_again:
            redaction_resuggest(redaction=redaction)
    except RedactionError as exc:
        raise _failed(exc) from None
    return redaction_out(redaction)


@router.post("/redactions/{redaction_id}/copies", response={202: CopyOut, 400: ErrorOut, 404: ErrorOut})
def make_copy(request, redaction_id: UUID):
    """Ask for a new redacted copy from the marks that are on; a worker makes it (`status` pending →
    ready), and records it in the item's custody. Poll `GET /api/v1/redacted-copies/{id}`."""
    redaction = get_redaction_for_user(request.user, redaction_id)
    try:
        copy = redaction_make(redaction=redaction, actor=actor_from_request(request))
    except RedactionError as exc:
        raise _failed(exc) from None
    return Status(202, copy_out(copy))


@router.get("/redacted-copies/{copy_id}", response={200: CopyOut, 404: ErrorOut})
def get_copy(request, copy_id: UUID):
    return copy_out(get_redacted_copy_for_user(request.user, copy_id))


COPY_FILE = {
    "responses": {
        "200": {
            "description": "The redacted copy",
            "content": {
                "image/png": {"schema": {"type": "string", "format": "binary"}},
                "application/pdf": {"schema": {"type": "string", "format": "binary"}},
            },
        }
    }
}


@router.get(
    "/redacted-copies/{copy_id}/file", response={200: None, 404: ErrorOut, 409: ErrorOut}, openapi_extra=COPY_FILE
)
def copy_file(request, copy_id: UUID):
    """The redacted copy's file (PNG for images, PDF for text), as an attachment; 409 until it is ready."""
    copy = get_redacted_copy_for_user(request.user, copy_id)
    if copy.status != copy.Status.READY:
        raise ApiError(409, gettext("The copy is not ready."), "not_ready")
    return copy_response(copy, actor_from_request(request))
