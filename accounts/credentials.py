"""When a credential changes: who stays signed in, which tokens die, and the recovery codes.

A victim who changes her password because an abuser knew it, or turns on two-factor sign-in,
must be sure nobody else stays in: every other session ends and every API token is revoked.
"""

import secrets

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import ApiToken, RecoveryCode
from accounts.sessions import sign_out_others

RECOVERY_CODES = 10


def revoke_tokens(user) -> int:
    """Delete all the user's API tokens; return how many there were."""
    deleted, _ = ApiToken.objects.filter(user=user).delete()
    return deleted


def sign_out_everywhere_else(user, keep_session_key: str | None) -> int:
    """End every other session of `user` and revoke all their API tokens; return the sessions ended."""
    revoke_tokens(user)
    return sign_out_others(user, keep_session_key or "")


def _new_code() -> str:
    # 10 characters of an alphabet without look-alikes (no 0/O, 1/l): about 50 bits, read aloud easily.
    alphabet = "23456789abcdefghjkmnpqrstuvwxyz"
    raw = "".join(secrets.choice(alphabet) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def _normal(code: str) -> str:
    return "".join(c for c in (code or "").lower() if c.isalnum())


def recovery_codes_issue(user) -> list[str]:
    """Replace the user's recovery codes with new ones; return them (shown once, kept only hashed)."""
    codes = [_new_code() for _ in range(RECOVERY_CODES)]
    with transaction.atomic():
        RecoveryCode.objects.filter(user=user).delete()
        RecoveryCode.objects.bulk_create(RecoveryCode(user=user, code_hash=make_password(_normal(c))) for c in codes)
    return codes


def recovery_code_use(user, code: str) -> bool:
    """Spend one unused recovery code matching `code`; True when one was spent."""
    typed = _normal(code)
    if len(typed) != 10:
        return False
    for row in RecoveryCode.objects.filter(user=user, used_at=None):
        if check_password(typed, row.code_hash):
            # Spent at most once, even by two requests at the same moment.
            return RecoveryCode.objects.filter(pk=row.pk, used_at=None).update(used_at=timezone.now()) == 1
    return False


def recovery_codes_left(user) -> int:
    """How many unused recovery codes the user has."""
    return RecoveryCode.objects.filter(user=user, used_at=None).count()
