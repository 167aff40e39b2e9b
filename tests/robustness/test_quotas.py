"""Per-account quotas: storage, items and uploads in progress, with clear errors on the
page and in the API; a relative's statement counts against the case owner's account."""

import os
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import Case, StatementLink
from evidence.models import ChunkedUpload, EvidenceItem
from tests.conftest import png_bytes

pytestmark = pytest.mark.django_db


def screenshot(kb: int, seed: int = 0) -> bytes:
    return png_bytes((seed % 250, 30, 30)) + os.urandom(kb * 1024)


def api_upload(client, case, api, data: bytes, name="shot.png"):
    return client.post(
        f"/api/v1/cases/{case.id}/evidence", {"file": SimpleUploadedFile(name, data), "kind": "screenshot"}, **api
    )


def test_storage_quota_refuses_the_file_that_does_not_fit(client, alice, alice_case, alice_api, settings):
    settings.QUOTA_MB = 1
    assert api_upload(client, alice_case, alice_api, screenshot(600, 1)).status_code == 201
    # Another case of the same account shares the quota.
    other = Case.objects.create(owner=alice, title="第二个", platform="p")
    r = api_upload(client, other, alice_api, screenshot(600, 2), "second.png")
    assert r.status_code == 413 and r.json()["code"] == "quota_exceeded"
    assert "1 MB" in r.json()["error"]
    assert EvidenceItem.objects.count() == 1
    assert not os.listdir(settings.FILE_UPLOAD_TEMP_DIR)
    # The same refusal on the page without JavaScript, in the reader's language.
    client.force_login(alice)
    page = client.post(
        f"/cases/{other.id}/upload/",
        {"file": SimpleUploadedFile("third.png", screenshot(600, 3))},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert page.status_code == 200 and "存储空间已满" in page.content.decode()
    assert EvidenceItem.objects.count() == 1


def test_item_quota(client, alice_case, alice_api, settings):
    settings.QUOTA_ITEMS = 2
    files = [screenshot(40, n) for n in range(3)]
    for n in range(2):
        assert api_upload(client, alice_case, alice_api, files[n], f"{n}.png").status_code == 201
    r = api_upload(client, alice_case, alice_api, files[2], "2.png")
    assert r.status_code == 413 and r.json()["code"] == "quota_exceeded"
    # The same bytes again add nothing, so they are still answered as a duplicate.
    again = api_upload(client, alice_case, alice_api, files[0], "0.png")
    assert again.status_code == 200 and again.json()["duplicate"] is True


def test_uploads_in_progress_are_limited_and_count_against_storage(client, alice_case, alice_api, settings):
    settings.QUOTA_OPEN_UPLOADS = 2
    settings.QUOTA_MB = 10

    def begin(size: int):
        return client.post(
            f"/api/v1/cases/{alice_case.id}/uploads",
            {"filename": "call.amr", "size": size, "kind": "call_recording"},
            content_type="application/json",
            **alice_api,
        )

    assert begin(4 * 1024 * 1024).status_code == 201
    too_big = begin(7 * 1024 * 1024)  # 4 MB already announced + 7 MB > 10 MB
    assert too_big.status_code == 413 and too_big.json()["code"] == "quota_exceeded"
    assert begin(1024 * 1024).status_code == 201
    third = begin(1024)
    assert third.status_code == 429 and third.json()["code"] == "too_many_uploads"
    assert ChunkedUpload.objects.count() == 2


def test_a_relatives_statement_counts_against_the_owner_and_keeps_the_link_open(client, alice, alice_case, settings):
    client.force_login(alice)
    page = client.post(
        f"/cases/{alice_case.id}/statement-links/", {"name": "王芳", "relation": "母亲"}
    ).content.decode()
    client.logout()
    link = re.search(r"http://testserver(/s/[^<\s]+/)", page).group(1)
    settings.QUOTA_MB = 1
    r = client.post(
        link,
        {"name": "王芳", "text": "他们打给我", "files": [SimpleUploadedFile("a.png", screenshot(1100))]},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert r.status_code == 400 and "storage is full" in r.content.decode()
    assert not EvidenceItem.objects.exists()
    assert StatementLink.objects.get().used_at is None
