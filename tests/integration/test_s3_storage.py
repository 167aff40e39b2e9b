"""Originals in S3-compatible storage (moto's standalone server on localhost)."""

import socket
import subprocess
import sys
import time

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from evidence.models import EvidenceItem
from tests.conftest import png_bytes, sha256

pytestmark = pytest.mark.slow

BUCKET = "harassguard-evidence"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def s3(settings, s3_endpoint):
    creds = {"aws_access_key_id": "test", "aws_secret_access_key": "test", "region_name": "us-east-1"}
    client = boto3.client("s3", endpoint_url=s3_endpoint, **creds)
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                "access_key": "test",
                "secret_key": "test",
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": False,
            },
        },
    }
    return client


def test_originals_round_trip_byte_for_byte_through_s3_and_stay_private(
    db, s3, client, alice_case, alice_api, django_capture_on_commit_callbacks
):
    data = png_bytes((9, 9, 9)) + bytes(range(256)) * 64
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(
            f"/api/v1/cases/{alice_case.id}/evidence",
            {"file": SimpleUploadedFile("chat.png", data), "kind": "screenshot"},
            **alice_api,
        )
    assert r.status_code == 201, r.content
    item = EvidenceItem.objects.get(pk=r.json()["id"])
    stored = s3.get_object(Bucket=BUCKET, Key=item.stored_name)["Body"].read()
    assert stored == data and sha256(stored) == item.sha256
    grants = s3.get_object_acl(Bucket=BUCKET, Key=item.stored_name)["Grants"]
    assert not [g for g in grants if "AllUsers" in g["Grantee"].get("URI", "")]
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]
    download = client.get(f"/api/v1/evidence/{item.id}/original", **alice_api)
    assert b"".join(download.streaming_content) == data
    # The worker's integrity check reads the same object back.
    item.refresh_from_db()
    assert item.status == EvidenceItem.Status.READY
