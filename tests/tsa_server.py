"""A real RFC 3161 time-stamping authority for tests: OpenSSL's `ts -reply`
behind a tiny HTTP server on localhost, with a throwaway CA."""

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
    _openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
             "-subj", "/CN=HarassGuard Test Root", "-keyout", "ca.key", "-out", "ca.pem", cwd=folder)
    _openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
             "-subj", "/CN=HarassGuard Test TSA", "-keyout", "tsa.key", "-out", "tsa.csr", cwd=folder)
    _openssl("x509", "-req", "-in", "tsa.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
             "-days", "2", "-extfile", "tsa.cnf", "-extensions", "tsa_ext", "-out", "tsa.pem", cwd=folder)


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
            subprocess.run(["openssl", "ts", "-reply", "-config", str(self.dir / "tsa.cnf"), "-queryfile", "q.tsq",
                            "-out", "r.tsr"], cwd=tmp, check=True, capture_output=True)
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
        return subprocess.run(["openssl", "ts", "-verify", "-digest", sha256_hex, "-in", fh.name,
                               "-CAfile", str(tsa.ca_file), "-untrusted", str(tsa.tsa_cert)],
                              capture_output=True, text=True)
