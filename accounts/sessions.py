"""A user's sign-ins and live sessions, and signing out everywhere else."""

from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.models import SignIn


def active_sign_ins(user) -> list[SignIn]:
    """The sign-ins whose session is still alive, newest first."""
    live = set(Session.objects.filter(expire_date__gt=timezone.now()).values_list("session_key", flat=True))
    return [s for s in user.sign_ins.all()[:200] if s.session_key in live]


def sign_out_others(user, keep_session_key: str) -> int:
    """End every other live session of `user`; return how many were ended."""
    keys = {s.session_key for s in user.sign_ins.exclude(session_key=keep_session_key)}
    deleted, _ = Session.objects.filter(session_key__in=keys).delete()
    return deleted
