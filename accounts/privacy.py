"""Quick exit and discreet mode: where the quick-exit button leads, and the PIN that keeps case
pages shut on a phone that stays signed in.

The PIN is kept only as a password hash. A session is "open" for PIN_IDLE_MINUTES after the
PIN (or the password, at sign-in) was last given, renewed by every page it opens; the quick
exit shuts it at once. PIN_TRIES_PER_HOUR wrong PINs sign that phone out: the password is
then the way back in, and a password sign-in always opens the session.
"""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.hashers import check_password, make_password

from accounts.models import Privacy
from accounts.throttle import count_of, counted_over, forget

# Where an open session keeps the time the PIN was last given or a page was last opened.
OPENED_AT = "pin_opened_at"
# Where a session keeps the statement link a relative opened (cases/statement_link_views.py), so
# that the page's address holds no token; the quick exit forgets it.
STATEMENT_LINK = "statement_link"
PIN_DIGITS = (4, 8)


def privacy_of(user) -> Privacy:
    """Return the user's privacy settings; an unsaved default row when they never chose any."""
    cached = getattr(user, "_privacy_cache", None)
    if cached is None:
        cached = Privacy.objects.filter(user=user).first() or Privacy(user=user)
        user._privacy_cache = cached
    return cached


def exit_url(user) -> str:
    """The neutral page the quick exit opens for this user (anonymous: the default one)."""
    page = privacy_of(user).exit_page if user.is_authenticated else Privacy.ExitPage.WEATHER
    return settings.QUICK_EXIT_URLS[page]


def privacy_save(*, user, exit_page: str, discreet: bool) -> Privacy:
    row = privacy_of(user)
    row.exit_page, row.discreet = exit_page, discreet
    row.save()
    return row


def pin_set(*, request, pin: str) -> None:
    """Set (or with an empty `pin`, remove) the PIN; the session that set it stays open."""
    row = privacy_of(request.user)
    row.pin_hash = make_password(pin) if pin else ""
    row.save()
    pin_open(request)


def has_pin(user) -> bool:
    return user.is_authenticated and bool(privacy_of(user).pin_hash)


def pin_open(request) -> None:
    """Mark this session as open to case pages (after the PIN or the password was given)."""
    request.session[OPENED_AT] = int(time.time())


def pin_shut(request) -> None:
    request.session.pop(OPENED_AT, None)


def pin_needed(request) -> bool:
    """True when the user has a PIN and this session was not opened with it recently."""
    if not has_pin(request.user):
        return False
    opened = request.session.get(OPENED_AT)
    return opened is None or time.time() - opened > settings.PIN_IDLE_MINUTES * 60


def pin_try(request, pin: str) -> str:
    """Check a typed PIN: return "ok" (the session is open), "wrong", or "signed-out" once
    PIN_TRIES_PER_HOUR wrong PINs were typed this hour (the session ends; the password opens it again)."""
    user, limit = request.user, settings.PIN_TRIES_PER_HOUR
    if count_of("pin", str(user.pk)) < limit and check_password(pin, privacy_of(user).pin_hash):
        pin_open(request)
        return "ok"
    if count_of("pin", str(user.pk)) >= limit or counted_over("pin", str(user.pk), limit - 1):
        logout(request)
        return "signed-out"
    return "wrong"


def pin_signed_in_with_password(request, user) -> None:
    """A sign-in with the password opens the session and forgets the wrong PINs typed before."""
    forget("pin", str(user.pk))
    pin_open(request)


def quick_exit(request) -> None:
    """What the quick-exit button does on the server: shut the PIN-protected session, or, without
    a PIN, sign out, so the back button cannot bring a case page back. A relative's statement link
    opened on this phone is forgotten too: "back" finds the link closed until it is opened again."""
    request.session.pop(STATEMENT_LINK, None)
    if has_pin(request.user):
        pin_shut(request)
    elif request.user.is_authenticated:
        logout(request)
