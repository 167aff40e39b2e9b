"""Bob must not see a byte of Alice's case: every page and API call answers 404."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from evidence.models import EvidenceItem
from tests.conftest import png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice_item(client, alice_case, alice_api):
    r = client.post(
        f"/api/v1/cases/{alice_case.id}/evidence",
        {"file": SimpleUploadedFile("a.png", png_bytes()), "kind": "screenshot"},
        **alice_api,
    )
    return EvidenceItem.objects.get(pk=r.json()["id"])


def test_bob_gets_404_from_every_api_endpoint(client, alice_case, alice_item, bob_api):
    for url in [
        f"/api/v1/cases/{alice_case.id}",
        f"/api/v1/evidence/{alice_item.id}",
        f"/api/v1/evidence/{alice_item.id}/original",
    ]:
        r = client.get(url, **bob_api)
        assert r.status_code == 404, url
        assert r.json()["code"] == "not_found"
    r = client.post(
        f"/api/v1/cases/{alice_case.id}/evidence",
        {"file": SimpleUploadedFile("b.png", png_bytes((1, 2, 3))), "kind": "screenshot"},
        **bob_api,
    )
    assert r.status_code == 404
    assert EvidenceItem.objects.count() == 1
    assert client.get("/api/v1/cases", **bob_api).json() == []


def test_bob_gets_404_from_every_page(client, alice_case, alice_item, bob):
    client.force_login(bob)
    for url in [
        f"/cases/{alice_case.id}/",
        f"/cases/{alice_case.id}/upload/",
        f"/cases/{alice_case.id}/statement/",
        f"/items/{alice_item.id}/",
        f"/items/{alice_item.id}/status/",
        f"/items/{alice_item.id}/original/",
        f"/items/{alice_item.id}/thumbnail/",
        f"/items/{alice_item.id}/timestamp/",
    ]:
        assert client.get(url).status_code == 404, url
    assert (
        client.post(
            f"/cases/{alice_case.id}/statement/", {"author_name": "x", "relation": "y", "text": "z"}
        ).status_code
        == 404
    )


def test_alice_sees_her_own_pages(client, alice_case, alice_item, alice):
    client.force_login(alice)
    for url in [f"/cases/{alice_case.id}/", f"/cases/{alice_case.id}/upload/", f"/items/{alice_item.id}/"]:
        r = client.get(url)
        assert r.status_code == 200, url
    assert alice_item.sha256.encode() in client.get(f"/items/{alice_item.id}/").content


def test_pages_send_anonymous_visitors_to_sign_in(client, alice_case):
    r = client.get(f"/cases/{alice_case.id}/")
    assert r.status_code == 302
    assert "/accounts/login/" in r["Location"]
