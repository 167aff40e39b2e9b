"""Sharing a case: one-time invitation links, accepting them, revoking access."""

import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import hash_token
from cases.models import Case, Invitation, Membership
from evidence.custody import Actor, custody_record

INVITATION_DAYS = 14


class InvitationInvalid(Exception):
    """The link was used, revoked, expired, or never existed."""


def invitation_create(*, case: Case, actor: Actor, role: str, note: str = "") -> tuple[Invitation, str]:
    """Create a one-time invitation; return it and the raw token for the link (shown once)."""
    raw = secrets.token_urlsafe(24)
    with transaction.atomic():
        invitation = Invitation.objects.create(
            case=case,
            role=role,
            note=note,
            token_hash=hash_token(raw),
            expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
        )
        custody_record(case=case, action="invitation_created", actor=actor, role=role, invitation=str(invitation.pk))
    return invitation, raw


def invitation_find(raw: str) -> Invitation:
    """Return the open invitation for a link's token; raise InvitationInvalid otherwise."""
    invitation = Invitation.objects.select_related("case").filter(token_hash=hash_token(raw)).first()
    if invitation is None or invitation.accepted_at or invitation.revoked_at or invitation.expires_at <= timezone.now():
        raise InvitationInvalid(raw)
    return invitation


def invitation_accept(*, raw: str, actor: Actor) -> Membership:
    """Give the signed-in user the invitation's role; the link then stops working."""
    with transaction.atomic():
        invitation = invitation_find(raw)
        Invitation.objects.select_for_update().filter(pk=invitation.pk)
        if invitation.case.owner_id == actor.user.pk:
            raise InvitationInvalid(raw)
        Membership.objects.filter(case=invitation.case, user=actor.user, revoked_at=None).update(
            revoked_at=timezone.now()
        )
        membership = Membership.objects.create(case=invitation.case, user=actor.user, role=invitation.role)
        updated = Invitation.objects.filter(pk=invitation.pk, accepted_at=None).update(
            accepted_by=actor.user, accepted_at=timezone.now()
        )
        if not updated:
            raise InvitationInvalid(raw)
        custody_record(
            case=invitation.case,
            action="invitation_accepted",
            actor=actor,
            role=invitation.role,
            invitation=str(invitation.pk),
        )
    return membership


def membership_revoke(*, case: Case, actor: Actor, username: str) -> bool:
    """End a member's access (it takes effect on their next request); return whether there was one."""
    with transaction.atomic():
        count = Membership.objects.filter(case=case, user__username=username, revoked_at=None).update(
            revoked_at=timezone.now()
        )
        if count:
            custody_record(case=case, action="access_revoked", actor=actor, username=username)
    return bool(count)


def invitation_revoke(*, case: Case, actor: Actor, invitation_id) -> bool:
    """Cancel an invitation that has not been used yet."""
    with transaction.atomic():
        count = Invitation.objects.filter(case=case, pk=invitation_id, accepted_at=None, revoked_at=None).update(
            revoked_at=timezone.now()
        )
        if count:
            custody_record(case=case, action="invitation_revoked", actor=actor, invitation=str(invitation_id))
    return bool(count)
