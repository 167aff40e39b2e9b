"""Intake benchmark: a large upload through gunicorn, against `cp` + `sha256sum`.

Uploads a file of --size-mb megabytes over real HTTP to a gunicorn server on
SQLite, and reports the time and the server worker's memory growth. The
reference, measured in the same run on the same file, is a plain copy plus
`sha256sum`: hashing while streaming should add no second pass (target:
intake within 1.5x of the reference) and memory should stay flat (target:
under 100 MB above idle, whatever the size).

    .venv/bin/python bench/intake.py [--size-mb 200]
"""

import argparse
import hashlib
import http.client
import json
import os
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PY = sys.executable
CHUNK = 1024 * 1024


def wav_header(data_bytes: int, rate: int = 8000) -> bytes:
    """A PCM WAV header, so the file sniffs as the long call recording it stands for."""
    fmt = struct.pack("<HHIIHH", 1, 1, rate, rate * 2, 2, 16)
    return (
        b"RIFF"
        + struct.pack("<I", 36 + data_bytes)
        + b"WAVEfmt "
        + struct.pack("<I", 16)
        + fmt
        + b"data"
        + struct.pack("<I", data_bytes)
    )


def make_file(path: Path, size_mb: int) -> str:
    """Write a WAV of about `size_mb` MB of noise; return its SHA-256."""
    digest = hashlib.sha256()
    header = wav_header(size_mb * CHUNK)
    with open(path, "wb") as fh:
        digest.update(header)
        fh.write(header)
        for _ in range(size_mb):
            block = os.urandom(CHUNK)
            digest.update(block)
            fh.write(block)
    return digest.hexdigest()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class PeakSampler(threading.Thread):
    """Samples a process's resident memory until stopped; keeps the peak."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0, True

    def run(self) -> None:
        while self.running:
            self.peak = max(self.peak, rss_kb(self.pid))
            time.sleep(0.02)


def setup_site(env: dict) -> list[str]:
    """Migrate a fresh SQLite database, create a user and a case; return 'token case_id'."""
    subprocess.run([PY, "manage.py", "migrate", "-v", "0"], cwd=REPO, env=env, check=True)
    code = (
        "from django.contrib.auth.models import User; from accounts.models import ApiToken; "
        "from cases.models import Case; u = User.objects.create_user('bench', password='x'); "
        "c = Case.objects.create(owner=u, title='bench'); print(ApiToken.issue(u)[1], c.id)"
    )
    out = subprocess.run(
        [PY, "manage.py", "shell", "-c", code], cwd=REPO, env=env, check=True, capture_output=True, text=True
    )
    return out.stdout.strip().split()[-2:]


def upload(port: int, token: str, case_id: str, path: Path) -> dict:
    """Stream `path` as a multipart upload; return the JSON answer."""
    boundary = "----bench-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\ncall_recording\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="long-call.wav"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    size = len(head) + path.stat().st_size + len(tail)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    conn.putrequest("POST", f"/api/v1/cases/{case_id}/evidence")
    conn.putheader("Authorization", f"Bearer {token}")
    conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
    conn.putheader("Content-Length", str(size))
    conn.endheaders()
    conn.send(head)
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            conn.send(block)
    conn.send(tail)
    response = conn.getresponse()
    body = json.loads(response.read())
    if response.status != 201:
        raise SystemExit(f"upload failed: {response.status} {body}")
    return body


def warm_up(port: int, token: str, case_id: str, tmp: Path) -> None:
    """One small upload first, so imports and first-request set-up are not timed."""
    small = tmp / "small.wav"
    make_file(small, 1)
    upload(port, token, case_id, small)


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def worker_pid(master: int) -> int:
    for _ in range(100):
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.1)
    raise SystemExit("gunicorn started no worker")


def wait_listening(port: int) -> None:
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mb", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=REPO / "var" if (REPO / "var").is_dir() else None) as tmp_name:
        tmp = Path(tmp_name)
        media = tmp / "media"
        env = {
            **os.environ,
            "DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
            "MEDIA_ROOT": str(media),
            "MAX_UPLOAD_MB": str(args.size_mb + 10),
            "BROKER_DIR": str(tmp / "broker"),
            "REDIS_URL": "",
            "LOG_LEVEL": "WARNING",
        }
        for sub in ("broker/queue", "broker/control"):
            (tmp / sub).mkdir(parents=True)
        token, case_id = setup_site(env)
        source = tmp / "big.bin"
        expected = make_file(source, args.size_mb)

        # Reference: a plain copy, then sha256sum, of the same file on the same disk.
        t_copy = timed(["cp", str(source), str(tmp / "copy.bin")])
        t_hash = timed(["sha256sum", str(source)])
        os.remove(tmp / "copy.bin")

        port = free_port()
        server = subprocess.Popen(
            [PY, "-m", "gunicorn", "harassguard.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1", "--timeout", "600"],
            cwd=REPO,
            env=env,
        )
        try:
            wait_listening(port)
            pid = worker_pid(server.pid)
            warm_up(port, token, case_id, tmp)
            idle = rss_kb(pid)
            sampler = PeakSampler(pid)
            sampler.start()
            start = time.perf_counter()
            body = upload(port, token, case_id, source)
            t_intake = time.perf_counter() - start
            sampler.running = False
            sampler.join()
        finally:
            server.terminate()
            server.wait(timeout=30)
        assert body["sha256"] == expected, "server hash differs from the file's"
        reference = t_copy + t_hash
        growth_mb = (sampler.peak - idle) / 1024
        print(f"file size                 {args.size_mb} MB")
        print(f"reference cp + sha256sum  {reference:.2f} s  (cp {t_copy:.2f} s, sha256sum {t_hash:.2f} s)")
        print(f"intake over HTTP          {t_intake:.2f} s")
        print(f"ratio intake / reference  {t_intake / reference:.2f}  (target <= 1.5)")
        print(
            f"server memory             idle {idle / 1024:.0f} MB, peak {sampler.peak / 1024:.0f} MB, "
            f"growth {growth_mb:.0f} MB (target < 100 MB)"
        )


if __name__ == "__main__":
    main()
