import hashlib
from datetime import UTC, datetime

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from evidence.processing import timestamps
from tests.tsa_server import LocalTsa, forge_reply, make_signer, openssl_verify

DIGEST = hashlib.sha256(b"a call recording").hexdigest()
OTHER = hashlib.sha256(b"something else").hexdigest()


@pytest.fixture(scope="module")
def tsa():
    with LocalTsa() as server:
        yield server


def test_a_real_tsa_token_verifies_with_openssl(tsa):
    stamp = timestamps.rfc3161_stamp(DIGEST, tsa.url, str(tsa.ca_file))
    assert stamp.kind == "rfc3161" and stamp.authority == tsa.url
    assert abs((stamp.gen_time - datetime.now(UTC)).total_seconds()) < 60
    ok = openssl_verify(stamp.token, DIGEST, tsa)
    assert ok.returncode == 0, ok.stderr
    assert "Verification: OK" in ok.stdout
    assert openssl_verify(stamp.token, OTHER, tsa).returncode != 0


def roots(tsa):
    return timestamps.tsa_roots(str(tsa.ca_file))


def test_a_reply_for_another_digest_or_nonce_is_refused(tsa):
    reply = tsa.reply(timestamps.rfc3161_request(OTHER, nonce=7))
    assert timestamps.rfc3161_verify(reply, OTHER, roots(tsa), nonce=7)
    with pytest.raises(timestamps.TsaInvalid, match="messages"):
        timestamps.rfc3161_verify(reply, DIGEST, roots(tsa), nonce=7)
    with pytest.raises(timestamps.TsaInvalid, match="Nonce"):
        timestamps.rfc3161_verify(reply, OTHER, roots(tsa), nonce=8)
    with pytest.raises(timestamps.TsaInvalid):
        timestamps.rfc3161_verify(b"not DER", DIGEST, roots(tsa), nonce=7)


def test_a_reply_is_checked_against_the_configured_ca_not_just_read(tsa):
    reply = tsa.reply(timestamps.rfc3161_request(DIGEST, nonce=7))
    with LocalTsa() as stranger, pytest.raises(timestamps.TsaInvalid, match="certificate"):
        timestamps.rfc3161_verify(reply, DIGEST, timestamps.tsa_roots(str(stranger.ca_file)), nonce=7)
    # With no TSA_CA_FILE the system's store is used, and a private CA is not in it.
    with pytest.raises(timestamps.TsaInvalid):
        timestamps.rfc3161_verify(reply, DIGEST, timestamps.tsa_roots(""), nonce=7)


def test_a_changed_byte_in_a_signed_reply_breaks_it(tsa):
    reply = tsa.reply(timestamps.rfc3161_request(DIGEST, nonce=7))
    info = reply.index(bytes.fromhex(DIGEST))
    # Move the genTime a year back inside the signed TSTInfo ("2026..." becomes "2025...").
    year = reply.index(str(datetime.now(UTC).year).encode(), info)
    forged = reply[:year] + str(datetime.now(UTC).year - 1).encode() + reply[year + 4 :]
    with pytest.raises(timestamps.TsaInvalid):
        timestamps.rfc3161_verify(forged, DIGEST, roots(tsa), nonce=7)


def test_forged_replies_are_refused(tsa, tmp_path):
    key, cert = make_signer(tmp_path, tsa.dir, "forger", "extendedKeyUsage = critical,timeStamping")
    genuine_chain = forge_reply(DIGEST, 7, key, cert)
    assert timestamps.rfc3161_verify(genuine_chain, DIGEST, roots(tsa), nonce=7)  # the forger itself is sound
    # The review's repro: a reply with no signer at all, dated 2020.
    unsigned = forge_reply(DIGEST, 7, key, cert, gen_time=datetime(2020, 1, 1, tzinfo=UTC), with_signer=False)
    with pytest.raises(timestamps.TsaInvalid):
        timestamps.rfc3161_verify(unsigned, DIGEST, roots(tsa), nonce=7)
    # A certificate from the trusted CA that was not issued for time-stamping.
    key2, cert2 = make_signer(tmp_path, tsa.dir, "web", "extendedKeyUsage = critical,serverAuth")
    with pytest.raises(timestamps.TsaInvalid, match="purpose|timeStamping"):
        timestamps.rfc3161_verify(forge_reply(DIGEST, 7, key2, cert2), DIGEST, roots(tsa), nonce=7)
    # A self-made certificate with the right usage but no chain to the trusted CA.
    with LocalTsa() as stranger:
        foreign = forge_reply(DIGEST, 7, (stranger.dir / "tsa.key").read_bytes(), stranger.tsa_cert.read_bytes())
        with pytest.raises(timestamps.TsaInvalid, match="certificate"):
            timestamps.rfc3161_verify(foreign, DIGEST, roots(tsa), nonce=7)


def test_a_tsa_sending_forged_replies_gives_no_stamp(tsa, monkeypatch):
    monkeypatch.setattr(
        tsa,
        "reply",
        lambda query: forge_reply(DIGEST, 1, (tsa.dir / "ca.key").read_bytes(), (tsa.dir / "ca.pem").read_bytes()),
    )
    with pytest.raises(timestamps.TsaInvalid):
        timestamps.rfc3161_stamp(DIGEST, tsa.url, str(tsa.ca_file))


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
