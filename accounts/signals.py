from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from accounts.models import SignIn
from accounts.privacy import pin_signed_in_with_password
from accounts.throttle import signin_succeeded
from harassguard.lib.client_ip import client_ip


@receiver(user_logged_in)
def record_sign_in(sender, request, user, **kwargs) -> None:
    """Remember each sign-in with its session, for the user's own list of sessions."""
    if request is None or not hasattr(request, "session"):
        return
    signin_succeeded(request, user.get_username())
    pin_signed_in_with_password(request, user)
    if not request.session.session_key:
        request.session.save()
    SignIn.objects.create(
        user=user,
        session_key=request.session.session_key,
        ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:400],
    )
