"""Calls per day and per hour of day, as data and as small SVG charts
(plain SVG, so the same chart works on the page and in the PDF)."""

from collections import Counter
from datetime import datetime, time
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from cases.analysis.engine import Event, in_quiet_hours
from cases.analysis.rules import RuleSet

WIDTH, HEIGHT, PAD = 640, 200, 28


def calls_per_day(events: list[Event], tz: ZoneInfo) -> list[tuple[str, int]]:
    counts = Counter(e.at.astimezone(tz).date().isoformat() for e in events if e.kind == "call" and e.at)
    return sorted(counts.items())


def calls_per_hour(events: list[Event], tz: ZoneInfo) -> list[int]:
    counts = Counter(e.at.astimezone(tz).hour for e in events if e.kind in ("call", "message") and e.at)
    return [counts.get(h, 0) for h in range(24)]


def _bars(values: list[int], labels: list[str], title: str, shaded=lambda i: False, limit: int | None = None) -> str:
    top = max([*values, limit or 0, 1])
    step = (WIDTH - 2 * PAD) / max(len(values), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}" class="chart"><title>{escape(title)}</title>'
    ]
    for i, value in enumerate(values):
        x = PAD + i * step
        if shaded(i):
            parts.append(f'<rect x="{x:.1f}" y="{PAD}" width="{step:.1f}" height="{HEIGHT - 2 * PAD}" fill="#eceff4"/>')
        h = (HEIGHT - 2 * PAD) * value / top
        parts.append(
            f'<rect x="{x + 1:.1f}" y="{HEIGHT - PAD - h:.1f}" width="{max(step - 2, 1):.1f}" '
            f'height="{h:.1f}" fill="#0b5cad"><title>{escape(labels[i])}: {value}</title></rect>'
        )
    if limit is not None:
        y = HEIGHT - PAD - (HEIGHT - 2 * PAD) * limit / top
        parts.append(
            f'<line x1="{PAD}" x2="{WIDTH - PAD}" y1="{y:.1f}" y2="{y:.1f}" stroke="#b3261e" '
            f'stroke-dasharray="4 3"/><text x="{WIDTH - PAD}" y="{y - 4:.1f}" font-size="11" '
            f'text-anchor="end" fill="#b3261e">{limit}</text>'
        )
    ticks = range(0, len(values), max(1, len(values) // 8))
    parts += [
        f'<text x="{PAD + i * step:.1f}" y="{HEIGHT - 8}" font-size="11">{escape(labels[i])}</text>' for i in ticks
    ]
    parts.append(f'<text x="{PAD}" y="16" font-size="12">{escape(title)} (max {top})</text></svg>')
    return "".join(parts)


def charts(events: list[Event], rule_set: RuleSet, titles: tuple[str, str]) -> dict:
    """Return {"per_day": [...], "per_hour": [...], "day_svg": str, "hour_svg": str}."""
    tz = ZoneInfo(rule_set.timezone)
    per_day = calls_per_day(events, tz)
    per_hour = calls_per_hour(events, tz)
    daily = next((r.params["max_per_day"] for r in rule_set.rules if r.type == "calls_per_day"), None)
    quiet = next((r for r in rule_set.rules if r.type == "quiet_hours"), None)
    in_quiet = (lambda h: in_quiet_hours(_at_hour(h), quiet)) if quiet else (lambda h: False)
    return {
        "per_day": per_day,
        "per_hour": per_hour,
        "day_svg": _bars([c for _, c in per_day], [d[5:] for d, _ in per_day], titles[0], limit=daily),
        "hour_svg": _bars(per_hour, [f"{h:02d}" for h in range(24)], titles[1], shaded=in_quiet),
    }


def _at_hour(hour: int) -> datetime:
    """The middle of an hour-of-day bar, to ask whether that hour is quiet time."""
    return datetime.combine(datetime(2000, 1, 1).date(), time(hour, 30))
