import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def hash_token(raw: str) -> str:
    """Return the SHA-256 hex digest under which a token is stored."""
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only its hash is stored, so a database
    leak does not hand out working tokens."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("prefix"), max_length=8)
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)
    expires = models.DateTimeField(null=True)
    # Issued after the second factor was given: counts as a verified sign-in for lawyers.
    otp_verified = models.BooleanField(default=False)

    @classmethod
    def issue(cls, user, *, otp_verified: bool = False) -> tuple["ApiToken", str]:
        """Create a token for `user`, valid API_TOKEN_DAYS; return the row and the raw token, shown once."""
        raw = secrets.token_urlsafe(32)
        expires = timezone.now() + timedelta(days=settings.API_TOKEN_DAYS)
        token = cls.objects.create(
            user=user, key_hash=hash_token(raw), prefix=raw[:8], expires=expires, otp_verified=otp_verified
        )
        return token, raw


class SignIn(models.Model):
    """A successful sign-in, so users can see where their account is used."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sign_ins")
    session_key = models.CharField(max_length=40, db_index=True)
    at = models.DateTimeField(auto_now_add=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=400, blank=True)

    class Meta:
        ordering = ["-at"]


class RecoveryCode(models.Model):
    """A one-time code that stands in for the authenticator app (a lost phone). Only its hash is kept."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)


class Throttle(models.Model):
    """A counter of attempts under one key (an HMAC of what is counted: an IP address, a user
    name with an IP address), for the sign-in throttle and the rate limits."""

    key = models.CharField(max_length=64, unique=True)
    count = models.PositiveIntegerField(default=0)
    started = models.DateTimeField()
    last = models.DateTimeField()


class Privacy(models.Model):
    """How discreet the site is for one account on a shared phone: where the quick-exit button
    leads, a neutral tab and e-mails, and an optional PIN before case pages open (only its hash)."""

    class ExitPage(models.TextChoices):
        WEATHER = "weather", _("a weather page")
        NEWS = "news", _("a news page")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="privacy")
    exit_page = models.CharField(_("Quick exit opens"), max_length=10, choices=ExitPage, default=ExitPage.WEATHER)
    discreet = models.BooleanField(_("Discreet mode"), default=False)
    pin_hash = models.CharField(max_length=128, blank=True)
    changed = models.DateTimeField(auto_now=True)
