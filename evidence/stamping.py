"""Stamping a digest with this site's configured authority, and checking a stored stamp again.

One place decides between an RFC 3161 authority (TSA_URL, verified against
TSA_CA_FILE or the system's store) and the server's own signed receipt, for
originals and for custody chain heads alike.
"""

from cryptography.exceptions import InvalidSignature
from django.conf import settings
from django.utils import timezone

from evidence.processing import timestamps

RFC3161 = "rfc3161"
SERVER_RECEIPT = "server_receipt"


def stamp_digest(sha256_hex: str, subject: str) -> timestamps.Stamp:
    """Return a time stamp of the digest; `subject` names what it is of in a server receipt.

    Raises TsaUnavailable (worth retrying), TsaInvalid (a reply that is no time stamp) or TsaRefused.
    """
    if not settings.TSA_URL:
        key = timestamps.load_or_create_key(settings.SIGNING_KEY_FILE)
        return timestamps.server_receipt(sha256_hex, subject, timezone.now(), key)
    return timestamps.rfc3161_stamp(sha256_hex, settings.TSA_URL, settings.TSA_CA_FILE)


def stamp_problem(kind: str, token: bytes, sha256_hex: str) -> str | None:
    """Return why a stored stamp does not prove `sha256_hex` (in plain words), or None when it does."""
    if kind == RFC3161:
        try:
            timestamps.rfc3161_verify(bytes(token), sha256_hex, timestamps.tsa_roots(settings.TSA_CA_FILE))
        except timestamps.TsaRefused as exc:
            return f"the RFC 3161 token does not verify: {exc}"
        return None
    if kind == SERVER_RECEIPT:
        return _receipt_problem(bytes(token), sha256_hex)
    return f"unknown kind of time stamp {kind!r}"


def _receipt_problem(token: bytes, sha256_hex: str) -> str | None:
    if not settings.SIGNING_KEY_FILE.exists():
        return "the server's signing key is missing, so its receipt cannot be checked"
    public = timestamps.load_or_create_key(settings.SIGNING_KEY_FILE).public_key()
    try:
        claims = timestamps.server_receipt_verify(token, public)
    except (InvalidSignature, ValueError, KeyError, TypeError) as exc:
        return f"the server receipt's signature does not verify ({type(exc).__name__})"
    if claims.get("sha256") != sha256_hex:
        return "the server receipt is for another digest"
    return None
