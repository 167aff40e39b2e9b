import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from evidence.models import CustodyEvent, EvidenceItem
from evidence.processing import item_process
from tests.conftest import png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(client, alice_case, alice_api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"/api/v1/cases/{alice_case.id}/evidence",
                        {"file": SimpleUploadedFile("a.png", png_bytes()), "kind": "screenshot"}, **alice_api)
    return EvidenceItem.objects.get(pk=r.json()["id"])


def test_a_received_item_is_checked_and_ready(item):
    assert item.status == EvidenceItem.Status.READY
    assert CustodyEvent.objects.get(item=item, action="integrity_checked").detail["ok"] is True


def test_a_changed_original_is_caught_and_the_item_fails(item, media):
    path = media / "evidence" / item.stored_name
    os.chmod(path, 0o640)
    path.write_bytes(path.read_bytes() + b"tampered")
    item_process(item)
    item.refresh_from_db()
    assert item.status == EvidenceItem.Status.FAILED
    event = CustodyEvent.objects.filter(item=item, action="integrity_checked").last()
    assert event.detail["ok"] is False and event.detail["sha256_read"] != item.sha256


def test_custody_events_cannot_be_changed_or_deleted(item):
    event = CustodyEvent.objects.filter(item=item).first()
    event.action = "nothing happened"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()
