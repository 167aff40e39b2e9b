"""Recording custody events: who did what to which evidence, when and from where."""

from dataclasses import dataclass

from django.http import HttpRequest

from evidence.models import CustodyEvent


@dataclass(frozen=True)
class Actor:
    """The person (or worker, user=None) acting, with where the request came from."""

    user: object | None
    ip: str | None = None
    user_agent: str = ""


WORKER = Actor(user=None, user_agent="harassguard-worker")


def actor_from_request(request: HttpRequest) -> Actor:
    """Return the Actor for a request: its user, client IP and user agent."""
    user = request.user if request.user.is_authenticated else None
    ip = request.META.get("REMOTE_ADDR") or None
    return Actor(user=user, ip=ip, user_agent=request.META.get("HTTP_USER_AGENT", "")[:400])


def custody_record(*, case, action: str, actor: Actor, item=None, **detail) -> CustodyEvent:
    """Append a custody event and return it."""
    return CustodyEvent.objects.create(
        case=case,
        item=item,
        action=action,
        actor=actor.user,
        ip=actor.ip,
        user_agent=actor.user_agent,
        detail=detail,
    )
