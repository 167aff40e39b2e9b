"""Recording custody events: who did what to which evidence, when and from where.

The events of a case form a keyed hash chain: each stores the previous event's
hash and an HMAC-SHA256, under a key kept outside the database (CUSTODY_KEY or
CUSTODY_KEY_FILE), over its own fields and that link. Changing or deleting a
row breaks the chain at that point, and someone with only the database cannot
recompute a rewritten chain. A cut tail is caught against the time-stamped
heads (evidence/custody_anchors.py); `manage.py verify_custody` reports both.
"""

import base64
import functools
import hashlib
import hmac
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from cases.models import Case
from evidence.models import CustodyEvent
from harassguard.lib.client_ip import client_ip

GENESIS = "0" * 64


@dataclass(frozen=True)
class Actor:
    """The person (or worker, user=None) acting, with where the request came from."""

    user: Any  # an instance of settings.AUTH_USER_MODEL; None for the worker
    ip: str | None = None
    user_agent: str = ""


WORKER = Actor(user=None, user_agent="harassguard-worker")


def actor_from_request(request: HttpRequest) -> Actor:
    """Return the Actor for a request: its user, client IP and user agent."""
    user = request.user if request.user.is_authenticated else None
    return Actor(user=user, ip=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", "")[:400])


def custody_key() -> bytes:
    """Return the chain's HMAC key: CUSTODY_KEY, else CUSTODY_KEY_FILE (created, mode 0600, on first use)."""
    return _load_key(settings.CUSTODY_KEY, str(settings.CUSTODY_KEY_FILE))


@functools.cache
def _load_key(value: str, path: str) -> bytes:
    if value:
        return _decode_key(value, "CUSTODY_KEY")
    file = Path(path)
    if not file.exists():
        _create_key_file(file)
    return _decode_key(file.read_text().strip(), "CUSTODY_KEY_FILE")


def _create_key_file(file: Path) -> None:
    """Write a new random key to `file` (mode 0600) all at once: written aside, then linked into
    place, so the web server and a worker starting together never read a half-written key."""
    file.parent.mkdir(parents=True, exist_ok=True)
    fd, aside = tempfile.mkstemp(dir=file.parent, prefix=".custody-key-")
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(base64.b64encode(os.urandom(32)).decode() + "\n")
        os.link(aside, file)
    except FileExistsError:
        pass  # another process made it a moment ago: use theirs
    finally:
        os.unlink(aside)


def _decode_key(value: str, name: str) -> bytes:
    try:
        key = base64.b64decode(value, validate=True)
    except ValueError:
        key = b""
    if len(key) != 32:
        raise ImproperlyConfigured(f"{name} must hold 32 random bytes, base64-encoded")
    return key


def event_canonical(event) -> bytes:
    """Return the bytes the chain signs for an event: its fields and its link to the previous event."""
    fields = {
        "prev": event.prev_hash,
        "case": str(event.case_id),
        "item": str(event.item_id or ""),
        "action": event.action,
        "actor": event.actor_id,
        "at": event.at.isoformat(),
        "ip": event.ip or "",
        "user_agent": event.user_agent,
        "detail": event.detail,
    }
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def event_hash(event: CustodyEvent, key: bytes | None = None) -> str:
    """Return the HMAC-SHA256 (under the custody key) over an event's fields and its link."""
    return hmac.new(key or custody_key(), event_canonical(event), hashlib.sha256).hexdigest()


# Merely looking at a page is recorded without waiting for PostgreSQL to flush it to disk: the
# case row stays locked for the insert only, not for a disk write, so readers of one case do
# not queue behind each other. A crash may lose the last fraction of a second of such records;
# the chain stays whole, since what is lost is its end.
LIGHT_ACTIONS = {"case_viewed", "item_viewed"}


def custody_record(*, case, action: str, actor: Actor, item=None, **detail) -> CustodyEvent:
    """Append a custody event to the case's chain and return it."""
    with transaction.atomic():
        if action in LIGHT_ACTIONS and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        # Lock the case so two events never claim the same predecessor.
        Case.objects.select_for_update().filter(pk=case.pk).first()
        last = CustodyEvent.objects.filter(case=case).order_by("-id").values_list("hash", flat=True).first()
        event = CustodyEvent(
            case=case,
            item=item,
            action=action,
            actor=actor.user,
            at=timezone.now(),
            ip=actor.ip,
            user_agent=actor.user_agent,
            detail=json.loads(json.dumps(detail, default=str)),
            prev_hash=last or GENESIS,
        )
        event.hash = event_hash(event)
        event.save()
    return event


def chain_first_break(case) -> CustodyEvent | None:
    """Return the first event of the case whose link or HMAC does not check out, else None."""
    prev, key = GENESIS, custody_key()
    for event in CustodyEvent.objects.filter(case=case).order_by("id").iterator():
        if event.prev_hash != prev or not hmac.compare_digest(event_hash(event, key), event.hash):
            return event
        prev = event.hash
    return None
