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
def worker(transactional_db, media, tmp_path):
    """Start `celery worker` as a separate process on the test database; stop it after the test."""
    _require_services()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "MEDIA_ROOT": str(media),
        "DEBUG": "1",
        "PYTHONUNBUFFERED": "1",
    }
    log = open(tmp_path / "worker.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "harassguard", "worker", "--pool", "solo",
         "-Q", "default,heavy", "--loglevel", "INFO", "--without-mingle", "--without-gossip"],
        cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        _wait_for_worker(proc)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def wait_until(predicate, timeout: float = 60, interval: float = 0.2):
    """Return predicate()'s first truthy value, or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail("condition not met in time")
