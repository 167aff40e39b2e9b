"""Notes and the custody record over the API, with the pages' rules.

Every member reads the notes; the owner and lawyers add them (as on the case and item pages),
each a custody event. The case's whole record ("who did what") is the owner's; an item's record
is shown to every member, its IP addresses to the owner only, as on the item page."""

from datetime import datetime
from uuid import UUID

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from cases.access import OWNER, Need, get_case_for_user, get_item_for_user, role_of
from evidence.curation import note_add
from evidence.custody import actor_from_request
from evidence.models import Note
from evidence.templatetags.evidence_format import custody_action
from harassguard.lib.errors import ApiError, Text

router = Router(tags=["notes and custody"])
NOTE_CHARS = 5000


class NoteIn(Schema):
    # A default rather than a required field: the access check comes first, so a stranger learns nothing from a 400.
    text: Text = Field(default="", max_length=NOTE_CHARS)


class NoteOut(Schema):
    id: UUID
    item: UUID | None  # null for a note on the case itself
    author: str
    text: str
    created: datetime


def note_out(note: Note) -> dict:
    return {
        "id": note.pk,
        "item": note.item_id,
        "author": note.author.get_username(),
        "text": note.text,
        "created": note.created,
    }


def _note_text(payload: NoteIn) -> str:
    text = payload.text.strip()
    if not text:
        raise ApiError(400, _("Write the note first."), "invalid")
    return text


@router.get("/cases/{case_id}/notes", response=list[NoteOut])
def list_case_notes(request, case_id: UUID):
    """The case's notes, oldest first: those on the case itself and those on its items."""
    case = get_case_for_user(request.user, case_id)
    return [note_out(n) for n in case.notes.select_related("author").order_by("created")]


@router.post("/cases/{case_id}/notes", response={201: NoteOut})
def add_case_note(request, case_id: UUID, payload: NoteIn):
    """Add a plain-text note to the case (owner or lawyer)."""
    case = get_case_for_user(request.user, case_id, need=Need.BUILD)
    return Status(201, note_out(note_add(case=case, actor=actor_from_request(request), text=_note_text(payload))))


@router.get("/evidence/{item_id}/notes", response=list[NoteOut])
def list_item_notes(request, item_id: UUID):
    """The item's notes, oldest first."""
    item = get_item_for_user(request.user, item_id)
    return [note_out(n) for n in item.notes.select_related("author").order_by("created")]


@router.post("/evidence/{item_id}/notes", response={201: NoteOut})
def add_item_note(request, item_id: UUID, payload: NoteIn):
    """Add a plain-text note to the item (owner or lawyer)."""
    item = get_item_for_user(request.user, item_id, need=Need.BUILD)
    note = note_add(case=item.case, item=item, actor=actor_from_request(request), text=_note_text(payload))
    return Status(201, note_out(note))


class CustodyOut(Schema):
    at: datetime
    action: str  # a stable code: item_viewed, original_downloaded, note_added, ...
    label: str  # the action in the caller's language
    actor: str | None  # null: the system (a worker)
    item: UUID | None
    ip: str | None  # the owner's view only
    hash: str  # this event's place in the case's hash chain


def custody_out(event, show_ip: bool) -> dict:
    return {
        "at": event.at,
        "action": event.action,
        "label": custody_action(event.action),
        "actor": event.actor.get_username() if event.actor else None,
        "item": event.item_id,
        "ip": event.ip if show_ip else None,
        "hash": event.hash,
    }


@router.get("/cases/{case_id}/custody", response=list[CustodyOut])
def case_custody(request, case_id: UUID, limit: int = Query(500, ge=1, le=500)):
    """Who looked at and did what, newest first (the owner's "who did what" page)."""
    case = get_case_for_user(request.user, case_id, need=Need.OWN)
    events = case.custody_events.select_related("actor").order_by("-id")[:limit]
    return [custody_out(e, show_ip=True) for e in events]


@router.get("/evidence/{item_id}/custody", response=list[CustodyOut])
def item_custody(request, item_id: UUID):
    """The item's custody record, oldest first: received, processed, viewed, downloaded."""
    item = get_item_for_user(request.user, item_id)
    owner = role_of(request.user, item.case) == OWNER
    return [custody_out(e, show_ip=owner) for e in item.custody_events.select_related("actor").order_by("id")]
