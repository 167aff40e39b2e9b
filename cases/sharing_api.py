"""Who can see a case, over the API: members, invitation links, statement links for relatives.

As on the sharing and statement-link pages, only the case's owner may list or change them
(members get 403, strangers 404). A new link's secret is given once, in the answer that makes it;
every change is a custody event, written by the same services the pages use."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from cases.access import Need, get_case_for_user
from cases.models import Invitation, StatementLink
from cases.sharing import invitation_create, invitation_revoke, membership_revoke
from cases.statement_links import link_create, link_revoke
from evidence.custody import actor_from_request
from harassguard.lib.errors import ApiError, Text, error_responses

router = Router(tags=["sharing"])


class MemberOut(Schema):
    username: str
    role: str  # lawyer (reads everything, makes bundles and letters) | viewer (reads)
    since: datetime


@router.get("/cases/{case_id}/members", response=list[MemberOut])
def list_members(request, case_id: UUID):
    """Who the case is shared with now (the owner is not listed)."""
    case = get_case_for_user(request.user, case_id, need=Need.OWN)
    rows = case.memberships.filter(revoked_at=None).select_related("user").order_by("created")
    return [{"username": m.user.get_username(), "role": m.role, "since": m.created} for m in rows]


@router.delete("/cases/{case_id}/members/{username}", response={204: None, **error_responses(404)})
def revoke_member(request, case_id: UUID, username: Text):
    """End a member's access; it takes effect on their next request. 404 when they are not a member."""
    case = get_case_for_user(request.user, case_id, need=Need.OWN)
    if not membership_revoke(case=case, actor=actor_from_request(request), username=username):
        raise ApiError(404, _("Not found."), "not_found")
    return Status(204, None)


# Defaults rather than required fields, here and below: the access check comes first, so a
# stranger learns nothing from a 400.
class InvitationIn(Schema):
    role: Literal["", "lawyer", "viewer"] = ""
    note: Text = Field(default="", max_length=200, description="For whom: a name or e-mail, for your own records")


class InvitationOut(Schema):
    id: UUID
    role: str
    note: str
    created: datetime
    expires_at: datetime
    status: str  # open | accepted | revoked | expired
    accepted_by: str | None


class InvitationCreated(InvitationOut):
    # The link to send, shown only in this answer: only its hash is kept.
    url: str


def invitation_out(invitation: Invitation) -> dict:
    return {
        "id": invitation.pk,
        "role": invitation.role,
        "note": invitation.note,
        "created": invitation.created,
        "expires_at": invitation.expires_at,
        "status": _link_status(invitation.accepted_at, invitation.revoked_at, invitation.expires_at),
        "accepted_by": invitation.accepted_by.get_username() if invitation.accepted_by else None,
    }


def _link_status(used_at, revoked_at, expires_at) -> str:
    if used_at:
        return "accepted"
    if revoked_at:
        return "revoked"
    return "expired" if expires_at <= timezone.now() else "open"


@router.get("/cases/{case_id}/invitations", response=list[InvitationOut])
def list_invitations(request, case_id: UUID):
    """Every invitation made for the case, newest first, with what became of it."""
    case = get_case_for_user(request.user, case_id, need=Need.OWN)
    return [invitation_out(i) for i in case.invitations.select_related("accepted_by").order_by("-created")]


@router.post("/cases/{case_id}/invitations", response={201: InvitationCreated})
def create_invitation(request, case_id: UUID, payload: InvitationIn):
    """Make a one-time invitation link for a lawyer or a viewer; it works once, for 14 days
    (cases.sharing.INVITATION_DAYS)."""
    case = get_case_for_user(request.user, case_id, need=Need.OWN)
    if not payload.role:
        raise ApiError(400, _("Choose the role: lawyer or viewer."), "invalid")
    invitation, raw = invitation_create(
        case=case, actor=actor_from_request(request), role=payload.role, note=payload.note.strip()
    )
    url = request.build_absolute_uri(reverse("invitation", args=[raw]))
    return Status(201, {**invitation_out(invitation), "url": url})


@router.delete("/cases/{case_id}/invitations/{invitation_id}", response={204: None, **error_responses(404)})
def revoke_invitation(request, case_id: UUID, invitation_id: UUID):
    """Cancel an invitation not used yet; 404 when there is no open one by that id."""
    case = get_case_for_user(request.user, case_id, need=Need.OWN)
    if not invitation_revoke(case=case, actor=actor_from_request(request), invitation_id=invitation_id):
        raise ApiError(404, _("Not found."), "not_found")
    return Status(204, None)


class StatementLinkIn(Schema):
    name: Text = Field(default="", max_length=100, description="The relative's or colleague's name")
    relation: Text = Field(default="", max_length=100, description="Their relation to you")


class StatementLinkOut(Schema):
    id: UUID
    name: str
    relation: str
    created: datetime
    expires_at: datetime
    used_at: datetime | None
    status: str  # open | used | revoked | expired


class StatementLinkCreated(StatementLinkOut):
    # The link to send, shown only in this answer: only its hash is kept.
    url: str


def link_out(link: StatementLink) -> dict:
    status = _link_status(link.used_at, link.revoked_at, link.expires_at)
    return {
        "id": link.pk,
        "name": link.name,
        "relation": link.relation,
        "created": link.created,
        "expires_at": link.expires_at,
        "used_at": link.used_at,
        "status": "used" if status == "accepted" else status,
    }


@router.get("/cases/{case_id}/statement-links", response=list[StatementLinkOut])
def list_statement_links(request, case_id: UUID):
    """The links made for harassed relatives and colleagues, newest first, and which were used."""
    case = get_case_for_user(request.user, case_id, need=Need.OWN)
    return [link_out(link) for link in case.statement_links.order_by("-created")]


@router.post("/cases/{case_id}/statement-links", response={201: StatementLinkCreated})
def create_statement_link(request, case_id: UUID, payload: StatementLinkIn):
    """Make a one-time link where a relative writes what happened and attaches their own files, without an account."""
    case = get_case_for_user(request.user, case_id, need=Need.OWN)
    name, relation = payload.name.strip(), payload.relation.strip()
    if not name or not relation:
        raise ApiError(400, _("Give their name and their relation to you."), "invalid")
    link, raw = link_create(case=case, actor=actor_from_request(request), name=name, relation=relation)
    url = request.build_absolute_uri(reverse("relative-statement", args=[raw]))
    return Status(201, {**link_out(link), "url": url})


@router.delete("/cases/{case_id}/statement-links/{link_id}", response={204: None, **error_responses(404)})
def revoke_statement_link(request, case_id: UUID, link_id: UUID):
    """Cancel a link not used yet; 404 when there is no open one by that id."""
    case = get_case_for_user(request.user, case_id, need=Need.OWN)
    link = case.statement_links.filter(pk=link_id, used_at=None, revoked_at=None).first()
    if link is None:
        raise ApiError(404, _("Not found."), "not_found")
    link_revoke(case=case, actor=actor_from_request(request), link_id=link.pk)
    return Status(204, None)
