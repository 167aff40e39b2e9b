"""Read-only links to one bundle for someone without an account: the police station or the court
clerk the owner or the lawyer hands it to.

The token is 256 random bits, shown once and stored only as its SHA-256; the URL names neither the
case nor the bundle. A link that is expired, revoked or unknown is simply not found. Every open
and every download through a link is a custody event of the case.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from evidence.custody import Actor, custody_record
from evidence.models import Bundle, BundleShare

TOKEN_BYTES = 32


class ShareRefused(Exception):
    """The link cannot be made (the bundle is not ready, or the duration is out of range)."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def share_url(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("bundle-share", args=[token])


def share_create(*, bundle: Bundle, actor: Actor, label: str = "", days: int | None = None) -> tuple[BundleShare, str]:
    """Make a link to the ready bundle, valid `days` (default and most: BUNDLE_SHARE_DAYS); return
    it and its token, which is never stored and cannot be shown again."""
    if bundle.status != Bundle.Status.READY:
        raise ShareRefused(_("Only a finished bundle can be shared."))
    days = settings.BUNDLE_SHARE_DAYS if days is None else days
    if not 1 <= days <= settings.BUNDLE_SHARE_DAYS:
        raise ShareRefused(_("A link lasts from 1 to %(days)s days.") % {"days": settings.BUNDLE_SHARE_DAYS})
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with transaction.atomic():
        share = BundleShare.objects.create(
            bundle=bundle,
            token_sha256=token_hash(token),
            label=label.strip()[:100],
            created_by=actor.user,
            expires_at=timezone.now() + timedelta(days=days),
        )
        custody_record(
            case=bundle.case,
            action="bundle_share_created",
            actor=actor,
            bundle=str(bundle.pk),
            share=str(share.pk),
            label=share.label,
            expires_at=share.expires_at.isoformat(),
        )
    return share, token


def share_revoke(*, share: BundleShare, actor: Actor) -> BundleShare:
    """Revoke the link for good (a second revoke changes nothing)."""
    with transaction.atomic():
        updated = BundleShare.objects.filter(pk=share.pk, revoked_at=None).update(revoked_at=timezone.now())
        if updated:
            custody_record(
                case=share.bundle.case,
                action="bundle_share_revoked",
                actor=actor,
                bundle=str(share.bundle_id),
                share=str(share.pk),
            )
    share.refresh_from_db()
    return share


def share_is_open(share: BundleShare) -> bool:
    return share.revoked_at is None and share.expires_at > timezone.now()


def share_for_token(token: str) -> BundleShare | None:
    """The open link with this token, or None for an unknown, expired or revoked one."""
    if not token or len(token) > 100:
        return None
    share = BundleShare.objects.select_related("bundle__case").filter(token_sha256=token_hash(token)).first()
    if share is None or not share_is_open(share) or share.bundle.status != Bundle.Status.READY:
        return None
    return share


def share_opened(*, share: BundleShare, actor: Actor) -> None:
    """Record one opening of the link's page."""
    BundleShare.objects.filter(pk=share.pk).update(opens=F("opens") + 1, last_opened=timezone.now())
    custody_record(
        case=share.bundle.case,
        action="bundle_share_opened",
        actor=actor,
        bundle=str(share.bundle_id),
        share=str(share.pk),
        label=share.label,
    )
