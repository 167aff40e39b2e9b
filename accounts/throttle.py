"""Sign-in throttling and rate limits, counted in the database so every web process shares them.

Wrong passwords are counted per user name *and* IP address together: after SIGNIN_FAILURE_LIMIT
of them (within a day) each further try from that address waits a minute, then 2, 4, ... up to an hour, while
the owner signing in from anywhere else is not affected. An address that gets
SIGNIN_IP_FAILURE_LIMIT wrong passwords in an hour, for any names, waits an hour. Addresses come
from `client_ip`, so behind a proxy they are the clients', not the proxy's.
"""

import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.dispatch import receiver
from django.utils import timezone

from accounts.models import Throttle
from harassguard.lib.client_ip import client_ip

HOUR = timedelta(hours=1)
FIRST_DELAY = timedelta(minutes=1)


def _key(*parts: str) -> str:
    """An HMAC of the parts: the table never holds user names or addresses in clear."""
    message = "\x00".join(parts).encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _pair_key(request, username: str) -> str:
    return _key("signin", (username or "").strip().lower(), client_ip(request) or "")


def _ip_key(request, scope: str) -> str:
    return _key(scope, client_ip(request) or "")


def hit(key: str, window: timedelta) -> Throttle:
    """Count one attempt under `key`; a count begun more than `window` ago starts again. Return the row."""
    now = timezone.now()
    for _attempt in range(2):
        try:
            with transaction.atomic():
                row = Throttle.objects.select_for_update().filter(key=key).first()
                if row is None:
                    return Throttle.objects.create(key=key, count=1, started=now, last=now)
                if row.started < now - window:
                    row.count, row.started = 0, now
                row.count, row.last = row.count + 1, now
                row.save()
                return row
        except IntegrityError:  # another request created the row first: count again on it
            continue
    raise RuntimeError("could not count an attempt")


def _current(key: str, window: timedelta) -> Throttle | None:
    row = Throttle.objects.filter(key=key).first()
    return row if row and row.started >= timezone.now() - window else None


def rate_limited(request, scope: str, per_hour: int) -> bool:
    """Count this request under (scope, client IP); True when it is over `per_hour`."""
    return hit(_ip_key(request, scope), HOUR).count > per_hour


def counted_over(scope: str, value: str, per_hour: int) -> bool:
    """Count one attempt under (scope, value), e.g. an account or an e-mail address, from any
    address; True when it is over `per_hour`."""
    return hit(_key(scope, str(value)), HOUR).count > per_hour


def count_of(scope: str, value: str) -> int:
    """Attempts counted under (scope, value) in the last hour, without counting one more."""
    row = _current(_key(scope, str(value)), HOUR)
    return row.count if row else 0


def forget(scope: str, value: str) -> None:
    """Start the count under (scope, value) again (e.g. wrong PINs, after the password was given)."""
    Throttle.objects.filter(key=_key(scope, str(value))).delete()


def _pair_wait(row: Throttle | None) -> timedelta:
    if row is None or row.count < settings.SIGNIN_FAILURE_LIMIT:
        return timedelta(0)
    delay = min(FIRST_DELAY * 2 ** (row.count - settings.SIGNIN_FAILURE_LIMIT), HOUR)
    return row.last + delay - timezone.now()


def signin_wait(request, username: str) -> int:
    """Seconds this client must wait before trying `username` again (0: it may try now)."""
    waits = [_pair_wait(_current(_pair_key(request, username), 24 * HOUR)), timedelta(0)]
    by_ip = _current(_ip_key(request, "signin-ip"), HOUR)
    if by_ip and by_ip.count >= settings.SIGNIN_IP_FAILURE_LIMIT:
        waits.append(by_ip.started + HOUR - timezone.now())
    return max(0, int(max(waits).total_seconds() + 0.999))


def signin_failed(request, username: str) -> None:
    """Count a wrong password for (username, IP) and for the IP."""
    hit(_pair_key(request, username), 24 * HOUR)
    hit(_ip_key(request, "signin-ip"), HOUR)


def throttles_forget_old() -> int:
    """Delete counters untouched for a day (longer than any window); return how many."""
    deleted, _ = Throttle.objects.filter(last__lt=timezone.now() - 24 * HOUR).delete()
    return deleted


def signin_succeeded(request, username: str) -> None:
    """The right password: forget this client's wrong ones for the name."""
    Throttle.objects.filter(key=_pair_key(request, username)).delete()


class ThrottleBackend:
    """First authentication backend: refuses a throttled try before any password is checked.

    Django then reports the refusal as a failed sign-in; `SignInThrottleMiddleware` turns
    it into 429, and a refused try is not counted again (the delay does not keep growing
    while a person waits it out)."""

    def authenticate(self, request, username=None, **kwargs):
        if request is None:
            return None
        wait = signin_wait(request, username or "")
        if wait:
            request.signin_wait = wait
            raise PermissionDenied("sign-in throttled")
        return None

    # No get_user: sessions are never bound to this backend (Django's force_login and login
    # pick the first backend that has one).


@receiver(user_login_failed)
def _count_failure(sender, credentials, request=None, **kwargs) -> None:
    if request is not None and not getattr(request, "signin_wait", 0):
        signin_failed(request, credentials.get("username", ""))
