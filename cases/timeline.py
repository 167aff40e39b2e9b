"""The timeline page's rows: the case's merged events by local day, each with where it was seen,
whether its sources agree, and a link that opens each source at its place."""

from collections import defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.urls import reverse

from cases.analysis.engine import MERGE_TOLERANCE, Event, in_quiet_hours
from cases.analysis.rules import RuleSet


def source_url(source: dict) -> str:
    """The item page at the source's place: the row of a call log or picture, the second of a
    recording, the line of a screenshot."""
    if not source.get("evidence"):
        return ""
    url = reverse("item-detail", args=[source["evidence"]])
    if "row" in source:
        return f"{url}#call-{source['row']}"
    if source.get("line") is not None and source.get("source") == "screen_recording":
        return f"{url}#line-{source['line']}"
    if "second" in source:
        return f"{url}#t-{int(source['second'])}"
    if "line" in source:
        return f"{url}#line-{source['line']}"
    return url


def _agrees(event: Event, source: dict) -> bool:
    """A source agrees when its own time and direction, where it has them, match the event's."""
    if source.get("at") and event.at:
        seen = datetime.fromisoformat(source["at"])
        if abs(seen - event.at) > MERGE_TOLERANCE + timedelta(seconds=event.duration or 0):
            return False
    return not (source.get("direction") and event.direction and source["direction"] != event.direction)


def timeline_days(events: list[Event], rule_set: RuleSet) -> list[dict]:
    """[{"day", "events": [{"event", "local", "night", "collector", "sources": [...], "agree"}]}], newest day first."""
    tz = ZoneInfo(rule_set.timezone)
    quiet = next((r for r in rule_set.rules if r.type == "quiet_hours"), None)
    days: dict = defaultdict(list)
    for event in events:
        local = event.at.astimezone(tz) if event.at else None
        sources = [{**s, "url": source_url(s), "agrees": _agrees(event, s)} for s in event.sources]
        days[local.date() if local else None].append(
            {
                "event": event,
                "local": local,
                "night": bool(local and quiet and in_quiet_hours(local, quiet)),
                # Marked only for a number the owner confirmed as a collector's (cases/numbers.py).
                "collector": event.role == "collector" and event.direction != "outgoing",
                "sources": sources,
                "agree": sum(s["agrees"] for s in sources),
            }
        )
    ordered = sorted((d for d in days if d is not None), reverse=True) + ([None] if None in days else [])
    return [
        {"day": day, "events": days[day], "calls": sum(e["event"].kind == "call" for e in days[day])} for day in ordered
    ]
