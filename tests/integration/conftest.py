"""A real Celery worker on the real Redis broker, against the real PostgreSQL test database."""

import os
import subprocess
import sys
import time

import pytest
from django.db import connection

from harassguard.celery import app as celery_app
from tests.conftest import REPO_ROOT


def _require_services() -> None:
    if not os.environ.get("REDIS_URL") or connection.vendor != "postgresql":
        pytest.fail("integration tests need PostgreSQL and Redis: run them with `make test`, which starts both")


def _database_url() -> str:
    s = connection.settings_dict
    host = s.get("HOST") or "127.0.0.1"
    port = s.get("PORT") or 5432
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{host}:{port}/{s['NAME']}"


def _wait_for_worker(proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the worker exited with {proc.returncode}")
        if celery_app.control.ping(timeout=0.5):
            return
    raise RuntimeError("the worker did not answer a ping in time")


@pytest.fixture
def start_worker(transactional_db, media, settings, tmp_path):
    """Return a function that starts `celery worker` as a separate process on the test
    database and the test's media folder; every worker started is stopped after the test."""
    _require_services()
    celery_app.control.purge()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "MEDIA_ROOT": str(media),
        "DEBUG": "1",
        "PYTHONUNBUFFERED": "1",
        "WHISPER_MODEL": settings.WHISPER_MODEL,
        "WHISPER_LANGUAGE": settings.WHISPER_LANGUAGE,
        "TRANSCRIBE_ENGINE": settings.TRANSCRIBE_ENGINE,
        "SIGNING_KEY_FILE": str(settings.SIGNING_KEY_FILE),
        # The worker must chain custody events under the same key as the test process.
        "CUSTODY_KEY_FILE": str(settings.CUSTODY_KEY_FILE),
    }
    started: list[subprocess.Popen] = []

    def start() -> subprocess.Popen:
        log = open(tmp_path / f"worker{len(started)}.log", "w")
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "harassguard",
                "worker",
                "--pool",
                "solo",
                "-n",
                f"test{len(started)}@%h",
                "-Q",
                "default,heavy",
                "--loglevel",
                "INFO",
                "--without-mingle",
                "--without-gossip",
            ],
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        started.append(proc)
        _wait_for_worker(proc)
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture
def worker(start_worker):
    return start_worker()


def wait_until(predicate, timeout: float = 60, interval: float = 0.2):
    """Return predicate()'s first truthy value, or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail("condition not met in time")
