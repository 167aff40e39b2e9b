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
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from asn1crypto import tsp
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


class TsaUnavailable(Exception):
    """The authority could not be reached or timed out: worth retrying."""


class TsaRefused(Exception):
    """The authority answered, but not with a valid time stamp of our digest."""


@dataclass(frozen=True)
class Stamp:
    kind: str  # "rfc3161" or "server_receipt"
    token: bytes
    gen_time: datetime
    authority: str


def rfc3161_request(sha256_hex: str, nonce: int) -> bytes:
    """Return the DER TimeStampReq for a SHA-256 digest, asking for the TSA's certificate."""
    return tsp.TimeStampReq({
        "version": 1,
        "message_imprint": {"hash_algorithm": {"algorithm": "sha256"}, "hashed_message": bytes.fromhex(sha256_hex)},
        "nonce": nonce,
        "cert_req": True,
    }).dump()


def rfc3161_check_reply(reply: bytes, sha256_hex: str, nonce: int) -> datetime:
    """Return the genTime of a TSA reply; raise TsaRefused unless it stamps our digest and nonce."""
    try:
        response = tsp.TimeStampResp.load(reply)
        status = response["status"]["status"].native
        if status not in ("granted", "granted_with_mods"):
            raise TsaRefused(f"the authority answered {status}")
        info = response["time_stamp_token"]["content"]["encap_content_info"]["content"].parsed
        imprint = info["message_imprint"]["hashed_message"].native
        if imprint != bytes.fromhex(sha256_hex) or info["nonce"].native != nonce:
            raise TsaRefused("the time stamp is for another digest")
        return info["gen_time"].native
    except (ValueError, TypeError, KeyError) as exc:
        raise TsaRefused(f"unreadable reply: {exc}") from exc


def rfc3161_stamp(sha256_hex: str, url: str, ca_file: str = "", timeout: float = 30) -> Stamp:
    """Ask the TSA at `url` to stamp the digest; return the Stamp (token = the whole DER reply)."""
    nonce = secrets.randbits(63)
    request = urllib.request.Request(url, data=rfc3161_request(sha256_hex, nonce),
                                     headers={"Content-Type": "application/timestamp-query"})
    context = ssl.create_default_context(cafile=ca_file or None)
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=context) as response:
            reply = response.read()
    except urllib.error.HTTPError as exc:
        if exc.code >= 500:
            raise TsaUnavailable(f"HTTP {exc.code}") from exc
        raise TsaRefused(f"HTTP {exc.code}") from exc
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        raise TsaUnavailable(str(exc)) from exc
    return Stamp("rfc3161", reply, rfc3161_check_reply(reply, sha256_hex, nonce), url)


def load_or_create_key(path: Path) -> Ed25519PrivateKey:
    """Return the server's receipt-signing key, creating it (mode 0600) on first use."""
    if path.exists():
        return serialization.load_pem_private_key(path.read_bytes(), password=None)
    key = Ed25519PrivateKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    return key


def key_fingerprint(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "ed25519:" + hashlib.sha256(raw).hexdigest()[:32]


def server_receipt(sha256_hex: str, item_id: str, now: datetime, key: Ed25519PrivateKey) -> Stamp:
    """Return a receipt (JSON with an Ed25519 signature over its claims) signed by this server."""
    claims = {"sha256": sha256_hex, "item": item_id, "time": now.isoformat(),
              "key": key_fingerprint(key.public_key()),
              "note": "Server-signed receipt, not an independent time-stamping authority."}
    payload = json.dumps(claims, sort_keys=True, separators=(",", ":")).encode()
    document = {"claims": claims, "signature": base64.b64encode(key.sign(payload)).decode()}
    return Stamp("server_receipt", json.dumps(document, sort_keys=True).encode(), now, claims["key"])


def server_receipt_verify(token: bytes, public: Ed25519PublicKey) -> dict:
    """Return the claims of a receipt signed by `public`; raise InvalidSignature otherwise."""
    document = json.loads(token)
    payload = json.dumps(document["claims"], sort_keys=True, separators=(",", ":")).encode()
    public.verify(base64.b64decode(document["signature"]), payload)
    return document["claims"]
