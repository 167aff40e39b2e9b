"""Trusted time stamps of an original's SHA-256.

With a time-stamping authority configured (TSA_URL), an RFC 3161 request is
sent and the whole reply (a .tsr file, verifiable offline with
`openssl ts -verify`) is kept. Without one, the server signs its own receipt
with an Ed25519 key; that only shows what this server claimed and when, which
is weaker than an independent authority, and is labelled so.
"""

import base64
import hashlib
import json
import os
import secrets
import ssl
import urllib.error
import urllib.request
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from asn1crypto import tsp
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from rfc3161_client import VerificationError, VerifierBuilder, decode_timestamp_response
from rfc3161_client.verify import SHA256_OID


class TsaUnavailable(Exception):
    """The authority could not be reached or timed out: worth retrying."""


class TsaRefused(Exception):
    """The authority answered, but refused to stamp (an error status, HTTP 4xx)."""


class TsaInvalid(TsaRefused):
    """A reply that is not a valid time stamp of our digest: a bad signature, an untrusted or
    unfit signer, another digest or nonce. It may come from a tampering network: worth retrying."""


@dataclass(frozen=True)
class Stamp:
    kind: str  # "rfc3161" or "server_receipt"
    token: bytes
    gen_time: datetime
    authority: str


def rfc3161_request(sha256_hex: str, nonce: int) -> bytes:
    """Return the DER TimeStampReq for a SHA-256 digest, asking for the TSA's certificate."""
    return tsp.TimeStampReq(
        {
            "version": 1,
            "message_imprint": {"hash_algorithm": {"algorithm": "sha256"}, "hashed_message": bytes.fromhex(sha256_hex)},
            "nonce": nonce,
            "cert_req": True,
        }
    ).dump()


def tsa_roots(ca_file: str = "") -> list[x509.Certificate]:
    """Return the certificates a TSA's chain must end in: those of `ca_file`, else the system's store."""
    paths = ssl.get_default_verify_paths()
    path = ca_file or paths.cafile or paths.openssl_cafile
    try:
        with warnings.catch_warnings():
            # Some system stores hold old roots with non-positive serial numbers.
            warnings.simplefilter("ignore")
            return x509.load_pem_x509_certificates(Path(path).read_bytes())
    except (OSError, ValueError) as exc:
        raise TsaRefused(f"no trusted certificates could be read from {path}: {exc}") from exc


def rfc3161_verify(reply: bytes, sha256_hex: str, roots: list[x509.Certificate], nonce: int | None = None) -> datetime:
    """Return the genTime of a TSA reply; raise TsaInvalid unless it is a time stamp of our digest.

    Checked: the status, the CMS signature, the signer's chain up to one of `roots` at genTime,
    the signer's critical timeStamping extended key usage, the message imprint and (when given)
    the nonce.
    """
    try:
        status = tsp.TimeStampResp.load(reply)["status"]["status"].native
    except (ValueError, TypeError, KeyError) as exc:
        raise TsaInvalid(f"unreadable reply: {exc}") from exc
    if status != "granted":
        raise TsaRefused(f"the authority answered {status}")
    try:
        response = decode_timestamp_response(reply)
    except (ValueError, TypeError) as exc:
        raise TsaInvalid(f"unreadable reply: {exc}") from exc
    builder = VerifierBuilder(roots=list(roots), nonce=nonce)
    try:
        if response.tst_info.message_imprint.hash_algorithm != x509.ObjectIdentifier(SHA256_OID):
            raise TsaInvalid("the time stamp is not of a SHA-256 digest")
        builder.build().verify(response, bytes.fromhex(sha256_hex))
    except VerificationError as exc:
        raise TsaInvalid(str(exc)) from exc
    return response.tst_info.gen_time.astimezone(UTC)


def rfc3161_stamp(sha256_hex: str, url: str, ca_file: str = "", timeout: float = 30) -> Stamp:
    """Ask the TSA at `url` to stamp the digest; return the Stamp (token = the whole DER reply)."""
    nonce = secrets.randbits(63)
    reply = post_query(rfc3161_request(sha256_hex, nonce), url, ca_file, timeout)
    return Stamp("rfc3161", reply, rfc3161_verify(reply, sha256_hex, tsa_roots(ca_file), nonce), url)


def post_query(query: bytes, url: str, ca_file: str = "", timeout: float = 30) -> bytes:
    """Send a DER TimeStampReq to the TSA at `url`; return its reply unchecked.

    Raises TsaUnavailable (unreachable, HTTP 5xx) or TsaRefused (HTTP 4xx)."""
    request = urllib.request.Request(url, data=query, headers={"Content-Type": "application/timestamp-query"})
    context = ssl.create_default_context(cafile=ca_file or None)
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=context) as response:
            return response.read()
    except urllib.error.HTTPError as exc:
        if exc.code >= 500:
            raise TsaUnavailable(f"HTTP {exc.code}") from exc
        raise TsaRefused(f"HTTP {exc.code}") from exc
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        raise TsaUnavailable(str(exc)) from exc


def load_or_create_key(path: Path) -> Ed25519PrivateKey:
    """Return the server's receipt-signing key, creating it (mode 0600) on first use."""
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{path} does not hold an Ed25519 key")
        return key
    key = Ed25519PrivateKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    return key


def key_fingerprint(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "ed25519:" + hashlib.sha256(raw).hexdigest()[:32]


def server_receipt(sha256_hex: str, item_id: str, now: datetime, key: Ed25519PrivateKey) -> Stamp:
    """Return a receipt (JSON with an Ed25519 signature over its claims) signed by this server."""
    claims = {
        "sha256": sha256_hex,
        "item": item_id,
        "time": now.isoformat(),
        "key": key_fingerprint(key.public_key()),
        "note": "Server-signed receipt, not an independent time-stamping authority.",
    }
    payload = json.dumps(claims, sort_keys=True, separators=(",", ":")).encode()
    document = {"claims": claims, "signature": base64.b64encode(key.sign(payload)).decode()}
    return Stamp("server_receipt", json.dumps(document, sort_keys=True).encode(), now, claims["key"])


def server_receipt_verify(token: bytes, public: Ed25519PublicKey) -> dict:
    """Return the claims of a receipt signed by `public`; raise InvalidSignature otherwise."""
    document = json.loads(token)
    payload = json.dumps(document["claims"], sort_keys=True, separators=(",", ":")).encode()
    public.verify(base64.b64decode(document["signature"]), payload)
    return document["claims"]
