"""A real RFC 3161 time-stamping authority for tests: OpenSSL's `ts -reply`
behind a tiny HTTP server on localhost, with a throwaway CA."""

import hashlib
import http.server
import subprocess
import tempfile
import threading
from pathlib import Path

TSA_CONF = """
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir = {dir}
serial = $dir/serial
signer_cert = $dir/tsa.pem
signer_key = $dir/tsa.key
certs = $dir/tsa.pem
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256
accuracy = secs:1
ordering = no
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
[ tsa_ext ]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature
extendedKeyUsage = critical,timeStamping
"""


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_tsa_pki(folder: Path) -> None:
    """Write ca.pem, tsa.pem, tsa.key, serial and tsa.cnf into `folder`."""
    (folder / "tsa.cnf").write_text(TSA_CONF.format(dir=folder))
    (folder / "serial").write_text("01\n")
    _openssl(
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=HarassGuard Test Root",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        cwd=folder,
    )
    _openssl(
        "req",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-subj",
        "/CN=HarassGuard Test TSA",
        "-keyout",
        "tsa.key",
        "-out",
        "tsa.csr",
        cwd=folder,
    )
    _openssl(
        "x509",
        "-req",
        "-in",
        "tsa.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "tsa.cnf",
        "-extensions",
        "tsa_ext",
        "-out",
        "tsa.pem",
        cwd=folder,
    )


class LocalTsa:
    """Start with `with LocalTsa() as tsa:`; tsa.url answers time-stamp queries."""

    def __enter__(self) -> "LocalTsa":
        self._tmp = tempfile.TemporaryDirectory()
        self.dir = Path(self._tmp.name)
        make_tsa_pki(self.dir)
        self.ca_file, self.tsa_cert = self.dir / "ca.pem", self.dir / "tsa.pem"
        self.requests = 0
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/tsr"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._tmp.cleanup()

    def reply(self, query: bytes) -> bytes:
        self.requests += 1
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / "q.tsq").write_bytes(query)
            subprocess.run(
                [
                    "openssl",
                    "ts",
                    "-reply",
                    "-config",
                    str(self.dir / "tsa.cnf"),
                    "-queryfile",
                    "q.tsq",
                    "-out",
                    "r.tsr",
                ],
                cwd=tmp,
                check=True,
                capture_output=True,
            )
            return (Path(tmp) / "r.tsr").read_bytes()

    def _handler(self):
        tsa = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                query = self.rfile.read(int(self.headers["Content-Length"]))
                body = tsa.reply(query)
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        return Handler


def openssl_verify(tsr: bytes, sha256_hex: str, tsa: LocalTsa) -> subprocess.CompletedProcess:
    """Run `openssl ts -verify` on a reply for a digest; return the finished process."""
    with tempfile.NamedTemporaryFile(suffix=".tsr") as fh:
        fh.write(tsr)
        fh.flush()
        return subprocess.run(
            [
                "openssl",
                "ts",
                "-verify",
                "-digest",
                sha256_hex,
                "-in",
                fh.name,
                "-CAfile",
                str(tsa.ca_file),
                "-untrusted",
                str(tsa.tsa_cert),
            ],
            capture_output=True,
            text=True,
        )


def forge_reply(
    sha256_hex: str, nonce: int, key_pem: bytes, cert_pem: bytes, gen_time=None, with_signer: bool = True
) -> bytes:
    """Build a granted TimeStampResp by hand, signed with any key and certificate (or with no
    signer at all): what a network attacker or a mistyped TSA_URL could send back."""
    from datetime import UTC, datetime

    from asn1crypto import algos, cms, core, tsp, x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    cert = x509.Certificate.load(_der(cert_pem))
    info = tsp.TSTInfo(
        {
            "version": 1,
            "policy": "1.2.3.4.1",
            "serial_number": 99,
            "nonce": nonce,
            "gen_time": gen_time or datetime.now(UTC),
            "message_imprint": {"hash_algorithm": {"algorithm": "sha256"}, "hashed_message": bytes.fromhex(sha256_hex)},
        }
    )
    content = info.dump()
    signed_attrs = cms.CMSAttributes(
        [
            {"type": "content_type", "values": ["tst_info"]},
            {"type": "message_digest", "values": [hashlib.sha256(content).digest()]},
            {
                "type": "signing_certificate_v2",
                "values": [{"certs": [{"cert_hash": hashlib.sha256(cert.dump()).digest()}]}],
            },
        ]
    )
    key = serialization.load_pem_private_key(key_pem, password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    signature = key.sign(signed_attrs.dump(), ec.ECDSA(hashes.SHA256()))
    signer = {
        "version": "v1",
        "sid": {"issuer_and_serial_number": {"issuer": cert.issuer, "serial_number": cert.serial_number}},
        "digest_algorithm": {"algorithm": "sha256"},
        "signed_attrs": signed_attrs,
        "signature_algorithm": {"algorithm": "sha256_ecdsa"},
        "signature": signature,
    }
    signed = cms.SignedData(
        {
            "version": "v3",
            "digest_algorithms": [algos.DigestAlgorithm({"algorithm": "sha256"})],
            "encap_content_info": {"content_type": "tst_info", "content": core.ParsableOctetString(content)},
            "certificates": [cert],
            "signer_infos": [signer] if with_signer else [],
        }
    )
    return tsp.TimeStampResp(
        {
            "status": {"status": "granted"},
            "time_stamp_token": {"content_type": "signed_data", "content": signed},
        }
    ).dump()


def _der(pem: bytes) -> bytes:
    from asn1crypto import pem as asn1_pem

    return asn1_pem.unarmor(pem)[2] if asn1_pem.detect(pem) else pem


def make_signer(folder: Path, ca_dir: Path, name: str, extensions: str) -> tuple[bytes, bytes]:
    """Issue a certificate from the CA in `ca_dir` with the given openssl extensions; return (key, cert) PEM."""
    (folder / f"{name}.ext").write_text(f"[ ext ]\n{extensions}\n")
    _openssl(
        "req",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-subj",
        f"/CN={name}",
        "-keyout",
        f"{name}.key",
        "-out",
        f"{name}.csr",
        cwd=folder,
    )
    _openssl(
        "x509",
        "-req",
        "-in",
        f"{name}.csr",
        "-CA",
        str(ca_dir / "ca.pem"),
        "-CAkey",
        str(ca_dir / "ca.key"),
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        f"{name}.ext",
        "-extensions",
        "ext",
        "-out",
        f"{name}.pem",
        cwd=folder,
    )
    return (folder / f"{name}.key").read_bytes(), (folder / f"{name}.pem").read_bytes()
