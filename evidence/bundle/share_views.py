"""The read-only link to one bundle (no account), and making and revoking it on the bundle page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.lockout import lockout_response
from accounts.throttle import rate_limited
from cases.access import ALLOWED, Need, get_bundle_for_user, role_of
from evidence import pdf_signing
from evidence.bundle import content as bundle_content
from evidence.bundle.downloads import bundle_file_response
from evidence.bundle.shares import ShareRefused, share_create, share_for_token, share_opened, share_revoke, share_url
from evidence.custody import Actor, actor_from_request
from evidence.models import Bundle, BundleShare
from evidence.storage.originals import evidence_storage

NEW_SHARE = "new_bundle_share"  # session key: the one time a new link's address is shown


def _anonymous(request) -> Actor:
    """Whoever opens a link is recorded by address and browser, never as a signed-in member."""
    actor = actor_from_request(request)
    return Actor(user=None, ip=actor.ip, user_agent=actor.user_agent)


def _private(response):
    # The address is a secret: no cache keeps the page, no Referer carries it on, no search engine lists it.
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _share_or_404(request, token: str):
    """The open link for `token`; 404 for unknown, expired and revoked alike (after counting the try)."""
    if rate_limited(request, "bundle_share", settings.BUNDLE_SHARE_PER_HOUR):
        return None, _private(lockout_response(request, 3600, signin=False))
    share = share_for_token(token)
    if share is None:
        raise Http404("no such link")
    return share, None


@require_GET
def shared_bundle(request, token):
    share, refused = _share_or_404(request, token)
    if refused is not None:
        return refused
    assert share is not None
    share_opened(share=share, actor=_anonymous(request))
    bundle = share.bundle
    context = {
        "share": share,
        "token": token,
        "bundle": bundle,
        "exhibits": _exhibits(bundle),
        "signature": _signature(bundle),
        "site_url": settings.SITE_URL.rstrip("/"),
    }
    return _private(render(request, "bundle/shared.html", context))


def _exhibits(bundle: Bundle) -> list[dict]:
    rows = []
    for entry in bundle.entries.select_related("item__timestamp").order_by("position"):
        item = entry.item
        stamp = getattr(item, "timestamp", None)
        rows.append(
            {
                "label": entry.label,
                "kind": bundle_content.KIND_ZH.get(item.kind, item.kind),
                "filename": item.original_filename,
                "sha256": item.sha256,
                "received": item.received_at,
                "stamp": stamp,
            }
        )
    return rows


def _signature(bundle: Bundle):
    """The stored PDF's signature, checked now: what the reader on the other side will see."""
    with evidence_storage().open(bundle.pdf_name, "rb") as fh:
        return pdf_signing.signature_report(fh.read())


@require_GET
def shared_bundle_download(request, token, which):
    share, refused = _share_or_404(request, token)
    if refused is not None:
        return refused
    assert share is not None
    response = bundle_file_response(share.bundle, which, _anonymous(request), share=str(share.pk))
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
@require_POST
def bundle_share_new(request, bundle_id):
    bundle = get_bundle_for_user(request.user, bundle_id, need=Need.BUILD)
    try:
        days = int(request.POST.get("days") or settings.BUNDLE_SHARE_DAYS)
        share, token = share_create(
            bundle=bundle, actor=actor_from_request(request), label=request.POST.get("label", ""), days=days
        )
    except ValueError:
        messages.error(request, _("Give the number of days as a whole number."))
    except ShareRefused as exc:
        messages.error(request, str(exc))
    else:
        request.session[NEW_SHARE] = {"id": str(share.pk), "url": share_url(token)}
    return redirect("bundle-detail", bundle_id=bundle.pk)


@login_required
@require_POST
def bundle_share_revoke(request, bundle_id, share_id):
    bundle = get_bundle_for_user(request.user, bundle_id, need=Need.BUILD)
    share = get_object_or_404(BundleShare, pk=share_id, bundle=bundle)
    share_revoke(share=share, actor=actor_from_request(request))
    return redirect("bundle-detail", bundle_id=bundle.pk)


def shares_context(request, bundle: Bundle) -> dict:
    """The bundle page's links part: the links (for those who may make them) and, once, a new link's address."""
    if role_of(request.user, bundle.case) not in ALLOWED[Need.BUILD]:
        return {"can_share": False}
    new = request.session.pop(NEW_SHARE, None)
    return {
        "can_share": bundle.status == Bundle.Status.READY,
        "shares": list(bundle.shares.all()),
        "new_share": new,
        "share_days": settings.BUNDLE_SHARE_DAYS,
    }
