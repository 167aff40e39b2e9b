"""Upload → commit → Redis → a real worker process → the item is checked and ready."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from evidence.models import CustodyEvent, EvidenceItem
from tests.conftest import sha256, wav_bytes
from tests.integration.conftest import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_a_real_worker_checks_each_upload_after_commit(worker, client, alice_case, alice_api):
    data = wav_bytes(seconds=1)
    r = client.post(f"/api/v1/cases/{alice_case.id}/evidence",
                    {"file": SimpleUploadedFile("call.wav", data), "kind": "call_recording"}, **alice_api)
    assert r.status_code == 201
    item_id = r.json()["id"]

    def ready():
        item = EvidenceItem.objects.get(pk=item_id)
        return item if item.status != EvidenceItem.Status.RECEIVED else None

    item = wait_until(ready)
    assert item.status == EvidenceItem.Status.READY
    event = CustodyEvent.objects.get(item=item, action="processed_integrity")
    assert event.detail["sha256_read"] == sha256(data) and event.detail["sha256"] == sha256(data)
    assert event.actor is None
