"""What /verify/ tells a stranger: nothing about a victim's exhibits without the bundle's code.

A collector holds the overdue notice it sent. Polling /verify/ with its hash must not tell it
that a victim bundled that notice, nor when; only someone given the bundle (and so its
verification code) may check an exhibit, and then only to the day.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from cases.models import Case
from evidence.models import Bundle, BundleItem, EvidenceItem
from tests.conftest import png_bytes

pytestmark = pytest.mark.django_db

NOTICE = png_bytes((10, 120, 200))  # the collector's overdue notice: the same bytes it sent everyone


def upload(client, case, api, data=NOTICE) -> EvidenceItem:
    r = client.post(
        f"/api/v1/cases/{case.id}/evidence", {"file": SimpleUploadedFile("notice.png", data), "kind": "document"}, **api
    )
    assert r.status_code == 201, r.content
    return EvidenceItem.objects.get(pk=r.json()["id"])


def ready_bundle(case, owner, *items) -> Bundle:
    bundle = Bundle.objects.create(
        case=case,
        created_by=owner,
        status=Bundle.Status.READY,
        finished=timezone.now(),
        pdf_sha256="a" * 64,
        zip_sha256="b" * 64,
    )
    for n, item in enumerate(items, start=1):
        BundleItem.objects.create(bundle=bundle, item=item, position=n)
    return bundle


@pytest.fixture
def notice(client, alice, alice_case, alice_api):
    item = upload(client, alice_case, alice_api)
    return item, ready_bundle(alice_case, alice, item)


def page(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_a_file_holder_without_the_code_learns_nothing(notice, bob, bob_api):
    item, bundle = notice
    # A second victim bundled the same notice too.
    bobs_case = Case.objects.create(owner=bob, title="另一个案件")
    ready_bundle(bobs_case, bob, upload(Client(), bobs_case, bob_api))
    collector = Client(HTTP_ACCEPT_LANGUAGE="en")
    for answer in (
        collector.post("/verify/", {"file": SimpleUploadedFile("n.png", NOTICE)}),
        collector.post("/verify/", {"sha256": item.sha256}),
        collector.get(f"/verify/{item.sha256}/"),
    ):
        text = page(answer)
        assert "No match" in text and "Exhibit" not in text and str(bundle.pk)[:8] not in text
        assert item.received_at.strftime("%Y-%m-%d") not in text


def test_with_the_code_the_exhibit_is_confirmed_to_the_day_only(client, notice):
    item, bundle = notice
    text = page(client.get(f"/verify/{bundle.verify_secret}/{item.sha256}/", HTTP_ACCEPT_LANGUAGE="en"))
    received = timezone.localtime(item.received_at)
    assert "Exhibit 1 of this bundle" in text and received.strftime("%Y-%m-%d") in text
    assert received.strftime("%H:%M") not in text
    typed = page(
        client.post(
            "/verify/",
            {"file": SimpleUploadedFile("n.png", NOTICE), "code": bundle.verify_secret},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    )
    assert "Exhibit 1 of this bundle" in typed


def test_one_bundles_code_confirms_nothing_of_another(client, notice, alice, alice_case, alice_api):
    item, _bundle = notice
    other = ready_bundle(alice_case, alice, upload(client, alice_case, alice_api, png_bytes((1, 2, 3))))
    text = page(client.get(f"/verify/{other.verify_secret}/{item.sha256}/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "No match" in text and "Exhibit" not in text


def test_a_wrong_code_confirms_nothing(client, notice):
    item, bundle = notice
    guess = bundle.verify_secret[:-1] + ("A" if bundle.verify_secret[-1] != "A" else "B")
    text = page(client.get(f"/verify/{guess}/{item.sha256}/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "No bundle made by this site has this verification code" in text and "Exhibit" not in text


def test_each_bundle_gets_its_own_random_code(notice, alice, alice_case):
    _item, bundle = notice
    codes = {bundle.verify_secret} | {ready_bundle(alice_case, alice).verify_secret for _ in range(5)}
    assert len(codes) == 6 and all(len(c) >= 22 for c in codes)


def test_a_bundles_own_pdf_is_confirmed_without_a_code(client, notice):
    _item, bundle = notice
    text = page(client.get(f"/verify/{bundle.pdf_sha256}/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "The PDF of a bundle made by this site" in text
    assert timezone.localtime(bundle.finished).strftime("%H:%M") not in text


def test_withdrawn_items_are_never_confirmed(client, notice):
    item, bundle = notice
    EvidenceItem.objects.filter(pk=item.pk).update(withdrawn_at=timezone.now())
    text = page(client.get(f"/verify/{bundle.verify_secret}/{item.sha256}/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "No match" in text and "Exhibit" not in text


def test_lookups_are_limited_per_ip_address(settings, notice):
    item, bundle = notice
    settings.VERIFY_PER_HOUR = 3
    poller = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(3):
        assert poller.get(f"/verify/{item.sha256}/").status_code == 200
    refused = poller.get(f"/verify/{bundle.verify_secret}/{item.sha256}/")
    assert refused.status_code == 429 and "Exhibit" not in refused.content.decode()
    assert poller.get("/verify/").status_code == 200  # the empty form is no lookup
    assert Client(REMOTE_ADDR="198.51.100.2").get(f"/verify/{item.sha256}/").status_code == 200


def test_the_bundle_page_shows_its_members_the_code(client, alice, notice):
    _item, bundle = notice
    client.force_login(alice)
    assert bundle.verify_secret in page(client.get(f"/bundles/{bundle.id}/"))
