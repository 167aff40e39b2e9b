"""`make run`'s embedded default (SQLite, web server and worker side by side) under
concurrent writes from both: no request fails with "database is locked"."""

import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.slow

SETUP = """
from django.contrib.auth import get_user_model
from accounts.models import ApiToken
from cases.models import Case
user = get_user_model().objects.create_user(username="alice", password="correct horse 42")
case = Case.objects.create(owner=user, title="t", platform="p", description="d")
print(case.pk, ApiToken.issue(user)[1])
"""

STATUS = """
from evidence.models import EvidenceItem, ProcessingJob
print(EvidenceItem.objects.exclude(status="ready").count(), ProcessingJob.objects.filter(status="failed").count(),
      ProcessingJob.objects.exclude(status__in=["done", "skipped"]).count())
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(tmp: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    return {
        **env,
        "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
        "BROKER_DIR": str(tmp / "broker"),
        "MEDIA_ROOT": str(tmp / "media"),
        "SIGNING_KEY_FILE": str(tmp / "key.pem"),
        "DEBUG": "1",
        "PYTHONUNBUFFERED": "1",
    }


def _manage(env: dict, *args: str) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO_ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=180,
    ).stdout


def _call_log(n: int) -> bytes:
    rows = "".join(f"1381234{n:04d},2024-03-0{1 + i % 9} 0{i % 10}:1{i % 6}:00,呼入\n" for i in range(400))
    return ("号码,时间,类型\n" + rows).encode()


def _sign_in(url: str) -> dict:
    session = requests.Session()
    session.get(f"{url}/accounts/login/", timeout=10)
    r = session.post(
        f"{url}/accounts/login/",
        timeout=30,
        headers={"Referer": f"{url}/accounts/login/"},
        data={"username": "alice", "password": "correct horse 42", "csrfmiddlewaretoken": session.cookies["csrftoken"]},
    )
    assert r.ok and "/accounts/login/" not in r.url
    return session.cookies.get_dict()


@pytest.fixture
def embedded_site(tmp_path):
    """`make run`'s two processes on a fresh SQLite database; yields (url, case id, token, env)."""
    tmp_path = tmp_path / "site"
    env = _env(tmp_path)
    for folder in ("broker/queue", "broker/control", "media/tmp"):
        (tmp_path / folder).mkdir(parents=True)
    _manage(env, "migrate", "--no-input", "-v", "0")
    case_id, token = _manage(env, "shell", "-c", SETUP).splitlines()[-1].split()
    port = _free_port()
    logs = [open(tmp_path / name, "w") for name in ("web.log", "worker.log")]
    procs = [
        subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=REPO_ROOT,
            env=env,
            stdout=logs[0],
            stderr=subprocess.STDOUT,
        ),
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "harassguard",
                "worker",
                "-Q",
                "default,heavy",
                "--concurrency",
                "1",
                "--loglevel",
                "INFO",
            ],
            cwd=REPO_ROOT,
            env=env,
            stdout=logs[1],
            stderr=subprocess.STDOUT,
        ),
    ]
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                requests.get(url + "/accounts/login/", timeout=2)
                break
            except requests.ConnectionError:
                time.sleep(0.2)
        yield url, case_id, token, env, tmp_path
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for log in logs:
            log.close()


def test_web_and_worker_write_sqlite_at_once_without_locked_errors(embedded_site):
    url, case_id, token, env, tmp = embedded_site
    auth = {"Authorization": f"Bearer {token}"}

    def upload(n: int) -> int:
        files = {"file": (f"calls{n}.csv", _call_log(n), "text/csv")}
        return requests.post(
            f"{url}/api/v1/cases/{case_id}/evidence", headers=auth, files=files, data={"kind": "call_log"}, timeout=60
        ).status_code

    cookies = _sign_in(url)

    def view(n: int) -> int:
        # Every view of the case page is a custody event: a write on the web's side too.
        return requests.get(f"{url}/cases/{case_id}/", cookies=cookies, timeout=60).status_code

    with ThreadPoolExecutor(8) as pool:
        uploads = pool.map(upload, range(10))
        reads = pool.map(view, range(120))
        codes = list(uploads) + list(reads)
    errors = [c for c in codes if c >= 500]
    assert not errors, f"{len(errors)} of {len(codes)} requests failed; see {tmp / 'web.log'}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        not_ready, failed, open_jobs = map(int, _manage(env, "shell", "-c", STATUS).splitlines()[-1].split())
        if failed or not open_jobs:
            break
        time.sleep(1)
    assert failed == 0 and not_ready == 0, (
        f"{failed} jobs failed, {not_ready} items not ready; see {tmp / 'worker.log'}"
    )
    assert "database is locked" not in (tmp / "worker.log").read_text()
    assert "database is locked" not in (tmp / "web.log").read_text()
    # select_for_update does nothing on SQLite: immediate transactions are what keep two writers
    # from linking their events to the same predecessor.
    assert "every chain intact" in _manage(env, "verify_custody")
