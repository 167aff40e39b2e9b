"""Checking a case's custody record as a whole: the keyed chain, its time-stamped heads, and
every item against the event that recorded its receipt. Each problem is named in plain words."""

import hmac

from evidence import stamping
from evidence.custody import GENESIS, custody_key, event_hash
from evidence.custody_anchors import head_digest
from evidence.models import CustodyAnchor, CustodyEvent, EvidenceItem
from evidence.storage.originals import original_name

RECEIVED_FIELDS = ("sha256", "size", "mime", "original_filename")


def custody_problems(case) -> list[str]:
    """Return what is wrong with the case's custody record; empty when it all checks out."""
    hashes, problems = _chain(case)
    anchors = list(CustodyAnchor.objects.filter(case=case).order_by("id"))
    items = list(EvidenceItem.objects.filter(case=case).order_by("received_at"))
    if not hashes and (anchors or items):
        problems.append(
            "deleted chain: the case has no custody events at all, yet it has "
            f"{len(items)} item(s) and {len(anchors)} time-stamped chain head(s)"
        )
    problems += [p for anchor in anchors for p in _anchor_problems(anchor, hashes)]
    problems += _item_problems(case, items)
    return problems


def _chain(case) -> tuple[list[str], list[str]]:
    """Return the chain's hashes in order, and its first break (if any) as a problem."""
    prev, key = GENESIS, custody_key()
    hashes: list[str] = []
    for event in CustodyEvent.objects.filter(case=case).order_by("id").iterator():
        if event.prev_hash != prev:
            return hashes, [
                f"link broken: first bad event #{event.pk} ({event.action} at {event.at.isoformat()}): "
                "the event before it was deleted or changed"
            ]
        if not hmac.compare_digest(event_hash(event, key), event.hash):
            return hashes, [
                f"rewritten: first bad event #{event.pk} ({event.action} at {event.at.isoformat()}): "
                "its fields do not match its HMAC"
            ]
        hashes.append(event.hash)
        prev = event.hash
    return hashes, []


def _anchor_problems(anchor: CustodyAnchor, hashes: list[str]) -> list[str]:
    when = anchor.gen_time.isoformat()
    problems = []
    if anchor.digest != head_digest(anchor.case_id, anchor.events, anchor.head):
        problems.append(f"anchor #{anchor.pk} ({when}): its record does not match what was time-stamped")
    elif (reason := stamping.stamp_problem(anchor.kind, anchor.token, anchor.digest)) is not None:
        problems.append(f"anchor #{anchor.pk} ({when}): {reason}")
    if len(hashes) < anchor.events:
        problems.append(
            f"cut tail: the chain has {len(hashes)} event(s), but {anchor.events} were time-stamped at {when}"
        )
    elif not hmac.compare_digest(hashes[anchor.events - 1], anchor.head):
        problems.append(f"rewritten chain: event no. {anchor.events} differs from the head time-stamped at {when}")
    return problems


def _item_problems(case, items: list[EvidenceItem]) -> list[str]:
    received: dict = {}
    for item_id, detail in CustodyEvent.objects.filter(case=case, action="received").values_list("item_id", "detail"):
        received.setdefault(item_id, detail)
    problems = []
    for item in items:
        detail = received.get(item.pk)
        if detail is None:
            problems.append(f"item {item.pk} ({item.original_filename}) has no 'received' custody event")
            continue
        differ = [f for f in RECEIVED_FIELDS if detail.get(f) != getattr(item, f)]
        if item.stored_name != original_name(item.sha256):
            differ.append("stored_name")
        if differ:
            problems.append(f"item {item.pk} differs from its 'received' event in: {', '.join(differ)}")
    return problems
