from django import template

register = template.Library()


@register.filter
def clock(seconds) -> str:
    """Format seconds into a recording as mm:ss (h:mm:ss past an hour)."""
    total = int(float(seconds or 0))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"
