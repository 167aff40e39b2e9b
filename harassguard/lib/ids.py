"""Ids that arrive in forms: a malformed one is the sender's mistake (400), never a 500."""

import uuid

from django.core.exceptions import BadRequest


def form_uuid(value: str | None) -> uuid.UUID:
    """Return `value` read as a UUID; raise BadRequest (answered 400) when it is not one."""
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        raise BadRequest("malformed id") from None
