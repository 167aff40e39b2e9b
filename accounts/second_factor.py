"""Two-factor sign-in with a TOTP app (django-otp): setting it up, and who must use it."""

import base64
import io

import segno
from django.conf import settings
from django_otp import devices_for_user, match_token
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex


def has_second_factor(user) -> bool:
    """True when the user has a confirmed TOTP device."""
    return user.is_authenticated and any(True for _ in devices_for_user(user, confirmed=True))


def is_verified(user) -> bool:
    """True when this request's sign-in passed the second factor."""
    return bool(getattr(user, "is_verified", lambda: False)())


def pending_device(user, *, fresh: bool = False) -> TOTPDevice:
    """The user's unconfirmed TOTP device for the set-up page, created on first use.

    With `fresh`, it gets a new secret: each visit to the set-up page shows a new one, so
    someone who once saw the page (on a shared phone) does not hold the future second factor."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        return TOTPDevice.objects.create(user=user, name="TOTP", confirmed=False)
    if fresh:
        device.key = random_hex(20)
        device.last_t = -1
        device.save()
    return device


def second_factor_reset(user) -> None:
    """Forget the user's authenticator app (a lost phone): set-up starts again with a new secret."""
    TOTPDevice.objects.filter(user=user).delete()


def qr_data_uri(device: TOTPDevice) -> str:
    """The device's otpauth:// address as a QR code (PNG data URI) for the phone's authenticator app."""
    buf = io.BytesIO()
    segno.make(device.config_url, error="m").save(buf, kind="png", scale=5, border=2)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def check_code(user, code: str):
    """Return the confirmed device that accepts `code`, or None.

    An empty code is no attempt: it must not count towards django-otp's throttling."""
    code = (code or "").strip()
    return match_token(user, code) if code else None


def lawyer_needs_second_factor(user) -> bool:
    """True when the setting requires lawyers to sign in with a second factor and this sign-in did not."""
    return settings.REQUIRE_2FA_FOR_LAWYERS and not is_verified(user)
