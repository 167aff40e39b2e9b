"""What the item page and private pages give away: IPs to the owner only, nothing to caches."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cases.models import Membership
from evidence.models import EvidenceItem
from tests.conftest import make_user, png_bytes

pytestmark = pytest.mark.django_db

ALICE_IP, RELATIVE_IP = "198.51.100.23", "203.0.113.99"


@pytest.fixture
def item(alice, alice_case, alice_api):
    r = Client(REMOTE_ADDR=ALICE_IP).post(
        f"/api/v1/cases/{alice_case.id}/evidence",
        {"file": SimpleUploadedFile("a.png", png_bytes()), "kind": "document"},
        **alice_api,
    )
    return EvidenceItem.objects.get(pk=r.json()["id"])


def member(case, role):
    user = make_user(role)
    Membership.objects.create(case=case, user=user, role=role)
    client = Client(REMOTE_ADDR=RELATIVE_IP)
    client.force_login(user)
    return client


@pytest.mark.parametrize("role", ["viewer", "lawyer"])
def test_members_see_who_and_when_but_not_the_ip_addresses(alice_case, item, role):
    page = member(alice_case, role).get(f"/items/{item.id}/").content.decode()
    assert "alice" in page and ALICE_IP not in page and RELATIVE_IP not in page


def test_the_owner_sees_the_ip_addresses(client, alice, item):
    client.force_login(alice)
    assert ALICE_IP in client.get(f"/items/{item.id}/").content.decode()


def test_pages_with_case_data_are_not_stored_by_the_browser(client, alice, alice_case, item):
    client.force_login(alice)
    for url in (
        "/",
        f"/cases/{alice_case.id}/",
        f"/items/{item.id}/",
        f"/items/{item.id}/status/",
        "/api/v1/cases",
        f"/api/v1/evidence/{item.id}",
        "/accounts/sessions/",
    ):
        r = client.get(url)
        assert r.status_code == 200 and "no-store" in r["Cache-Control"], url


def test_thumbnails_are_private_and_not_stored(client, alice, item):
    from evidence.models import DerivedFile
    from evidence.storage.originals import evidence_storage

    name = evidence_storage().save(f"derived/{item.sha256}/thumbnail", ContentFile(png_bytes()))
    DerivedFile.objects.create(
        item=item, original_sha256=item.sha256, kind="thumbnail", stored_name=name, sha256="0" * 64, mime="image/jpeg"
    )
    client.force_login(alice)
    r = client.get(f"/items/{item.id}/thumbnail/")
    assert r.status_code == 200 and r["Cache-Control"] == "private, no-store"


def test_a_new_api_token_is_not_stored_by_any_cache(client, alice):
    r = client.post(
        "/api/v1/auth/token", {"username": "alice", "password": "correct horse 42"}, content_type="application/json"
    )
    assert r.status_code == 200 and r["Cache-Control"] == "no-store"
