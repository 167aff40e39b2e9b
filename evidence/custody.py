"""Recording custody events: who did what to which evidence, when and from where.

The events of a case form a hash chain: each stores the previous event's hash
and a hash over its own fields and that link. Changing or deleting a row
breaks the chain at that point, which `manage.py verify_custody` reports.
"""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

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


def event_hash(event: CustodyEvent) -> str:
    """Return the SHA-256 over an event's fields and its link to the previous event."""
    fields = {
        "prev": event.prev_hash, "case": str(event.case_id), "item": str(event.item_id or ""),
        "action": event.action, "actor": event.actor_id, "at": event.at.isoformat(),
        "ip": event.ip or "", "user_agent": event.user_agent, "detail": event.detail,
    }
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


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
            case=case, item=item, action=action, actor=actor.user, at=timezone.now(),
            ip=actor.ip, user_agent=actor.user_agent, detail=json.loads(json.dumps(detail, default=str)),
            prev_hash=last or GENESIS,
        )
        event.hash = event_hash(event)
        event.save()
    return event


def chain_first_break(case) -> CustodyEvent | None:
    """Return the first event of the case whose link or hash does not check out, else None."""
    prev = GENESIS
    for event in CustodyEvent.objects.filter(case=case).order_by("id").iterator():
        if event.prev_hash != prev or event_hash(event) != event.hash:
            return event
        prev = event.hash
    return None
