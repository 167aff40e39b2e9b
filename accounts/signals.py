from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from accounts.models import SignIn


@receiver(user_logged_in)
def record_sign_in(sender, request, user, **kwargs) -> None:
    """Remember each sign-in with its session, for the user's own list of sessions."""
    if request is None or not hasattr(request, "session"):
        return
    if not request.session.session_key:
        request.session.save()
    SignIn.objects.create(user=user, session_key=request.session.session_key,
                          ip=request.META.get("REMOTE_ADDR") or None,
                          user_agent=request.META.get("HTTP_USER_AGENT", "")[:400])
