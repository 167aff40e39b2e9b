import hashlib
from datetime import UTC, datetime

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from evidence.processing import timestamps
from tests.tsa_server import LocalTsa, openssl_verify

DIGEST = hashlib.sha256(b"a call recording").hexdigest()
OTHER = hashlib.sha256(b"something else").hexdigest()


@pytest.fixture(scope="module")
def tsa():
    with LocalTsa() as server:
        yield server


def test_a_real_tsa_token_verifies_with_openssl(tsa):
    stamp = timestamps.rfc3161_stamp(DIGEST, tsa.url)
    assert stamp.kind == "rfc3161" and stamp.authority == tsa.url
    assert abs((stamp.gen_time - datetime.now(UTC)).total_seconds()) < 60
    ok = openssl_verify(stamp.token, DIGEST, tsa)
    assert ok.returncode == 0, ok.stderr
    assert "Verification: OK" in ok.stdout
    assert openssl_verify(stamp.token, OTHER, tsa).returncode != 0


def test_a_reply_for_another_digest_is_refused(tsa):
    reply = tsa.reply(timestamps.rfc3161_request(OTHER, nonce=7))
    with pytest.raises(timestamps.TsaRefused):
        timestamps.rfc3161_check_reply(reply, DIGEST, nonce=7)
    with pytest.raises(timestamps.TsaRefused):
        timestamps.rfc3161_check_reply(b"not DER", DIGEST, nonce=7)


def test_an_unreachable_tsa_is_a_transient_failure():
    with pytest.raises(timestamps.TsaUnavailable):
        timestamps.rfc3161_stamp(DIGEST, "http://127.0.0.1:9/tsr", timeout=2)


def test_a_server_receipt_verifies_and_detects_changes(tmp_path):
    key = timestamps.load_or_create_key(tmp_path / "keys" / "receipt.pem")
    assert oct((tmp_path / "keys" / "receipt.pem").stat().st_mode & 0o777) == oct(0o600)
    again = timestamps.load_or_create_key(tmp_path / "keys" / "receipt.pem")
    assert timestamps.key_fingerprint(again.public_key()) == timestamps.key_fingerprint(key.public_key())
    stamp = timestamps.server_receipt(DIGEST, "item-1", datetime.now(UTC), key)
    claims = timestamps.server_receipt_verify(stamp.token, key.public_key())
    assert claims["sha256"] == DIGEST and "not an independent" in claims["note"]
    forged = stamp.token.replace(DIGEST.encode(), OTHER.encode())
    with pytest.raises(InvalidSignature):
        timestamps.server_receipt_verify(forged, key.public_key())
    with pytest.raises(InvalidSignature):
        timestamps.server_receipt_verify(stamp.token, Ed25519PrivateKey.generate().public_key())
