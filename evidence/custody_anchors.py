"""Time-stamping the head of a case's custody chain.

The HMAC chain shows a changed event, but not a chain cut short at its end or
replaced as a whole by someone holding the key. An anchor fixes, with a time
stamp from outside the database, how many events the chain had and the last
one's HMAC: a bundle's manifest carries the anchor made for it, and a case
whose custody changes is anchored at least every CUSTODY_ANCHOR_HOURS.
"""

import hashlib
import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import F, Max, OuterRef, Q, Subquery
from django.utils import timezone

from evidence import stamping
from evidence.models import CustodyAnchor, CustodyEvent
from evidence.processing import timestamps

log = logging.getLogger(__name__)


def head_statement(case_id, events: int, head: str) -> bytes:
    """Return the statement an anchor stamps: which case, how many events, the last one's HMAC."""
    return f"HarassGuard custody chain head\ncase {case_id}\nevents {events}\nhead {head}\n".encode()


def head_digest(case_id, events: int, head: str) -> str:
    return hashlib.sha256(head_statement(case_id, events, head)).hexdigest()


def custody_anchor(case, reason: str) -> CustodyAnchor | None:
    """Time-stamp the case's chain head as it is now and record it; None when the chain is empty.

    Raises TsaUnavailable, TsaInvalid or TsaRefused (evidence/timestamps.py) when no stamp is had.
    """
    last = CustodyEvent.objects.filter(case=case).order_by("-id").only("id", "hash").first()
    if last is None:
        return None
    # Counted up to the head, so events appended meanwhile do not shift it.
    events = CustodyEvent.objects.filter(case=case, id__lte=last.id).count()
    digest = head_digest(case.pk, events, last.hash)
    stamp = stamping.stamp_digest(digest, f"custody-head:{case.pk}")
    return CustodyAnchor.objects.create(
        case=case,
        last_event=last,
        events=events,
        head=last.hash,
        digest=digest,
        kind=stamp.kind,
        token=stamp.token,
        gen_time=stamp.gen_time,
        authority=stamp.authority,
        reason=reason,
    )


def cases_due(now=None):
    """Return the cases whose chain grew since their last anchor, and were not anchored in the
    last CUSTODY_ANCHOR_HOURS (or never)."""
    from cases.models import Case

    now = now or timezone.now()
    latest = CustodyAnchor.objects.filter(case=OuterRef("pk")).order_by("-id")
    cases = Case.objects.annotate(
        head=Max("custody_events__id"),
        anchored=Subquery(latest.values("last_event_id")[:1]),
        anchored_at=Subquery(latest.values("created")[:1]),
    )
    cutoff = now - timedelta(hours=settings.CUSTODY_ANCHOR_HOURS) + timedelta(minutes=5)
    return cases.filter(head__isnull=False).filter(
        Q(anchored__isnull=True) | Q(head__gt=F("anchored"), anchored_at__lt=cutoff)
    )


def anchor_due_heads() -> int:
    """Periodic: anchor every case that is due; return how many were anchored.

    A time-stamping authority that cannot be reached is logged and tried at the next run.
    """
    done = 0
    for case in cases_due():
        try:
            custody_anchor(case, "periodic")
        except timestamps.TsaRefused as exc:
            log.error("custody head of case %s not time-stamped: %s", case.pk, exc)
        except timestamps.TsaUnavailable as exc:
            log.warning("custody head of case %s not time-stamped yet: %s", case.pk, exc)
        else:
            done += 1
    return done
