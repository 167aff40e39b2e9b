"""The owner makes a read-only link to a bundle on its page; the police station opens it in a
fresh browser with no account and sees the bundle, its verification and its exhibits; once the
link is revoked it is simply not there."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import Case
from evidence.models import BundleShare, CustodyEvent, EvidenceItem
from tests.browser.conftest import DESKTOP, PHONE, sign_in
from tests.conftest import png_bytes
from tests.integration.conftest import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.browser]


def test_the_police_open_the_bundle_link_from_a_fresh_browser(site, screens, alice, alice_case, client, alice_api):
    r = client.post(
        f"/api/v1/cases/{alice_case.id}/evidence",
        {"file": SimpleUploadedFile("shot.png", png_bytes()), "kind": "screenshot"},
        **alice_api,
    )
    assert r.status_code == 201
    wait_until(lambda: EvidenceItem.objects.filter(case=alice_case, status="ready").exists(), timeout=120)

    owner = screens(site.url, DESKTOP, name="owner")
    sign_in(owner, "alice")
    owner.page.goto(f"/cases/{alice_case.id}/")
    owner.page.click("form[action$='/bundles/new/'] button")
    owner.page.locator("a[href$='/pdf/']").wait_for(timeout=120_000)
    bundle = Case.objects.get(pk=alice_case.pk).bundles.get()
    owner.page.reload()
    owner.page.fill("#share-label", "城关派出所")
    owner.page.fill("#share-days", "7")
    owner.page.click("#share-form button")
    link = owner.page.input_value("#new-share-url")
    owner.check_accessible("link-made")
    assert alice_case.title not in link and str(bundle.id) not in link

    police = screens(site.url, PHONE, name="police")  # a new context: no cookies, no session
    police.page.goto(link.replace("http://127.0.0.1:8000", site.url))
    police.page.wait_for_selector("#signature-ok")
    assert bundle.pdf_sha256 in police.page.inner_text("#shared-verification")
    assert EvidenceItem.objects.get(case=alice_case).sha256 in police.page.inner_text("#shared-exhibits")
    police.check_accessible("shared-bundle")
    with police.page.expect_download() as download:
        police.page.click("#shared-pdf")
    pdf = open(download.value.path(), "rb").read()
    assert hashlib.sha256(pdf).hexdigest() == bundle.pdf_sha256
    opened = CustodyEvent.objects.filter(case=alice_case, action="bundle_share_opened")
    assert opened.count() == 1 and opened.get().actor is None
    assert CustodyEvent.objects.filter(case=alice_case, action="bundle_pdf_downloaded", actor=None).count() == 1

    owner.page.goto(f"/bundles/{bundle.id}/")
    owner.page.click("#share-list button")
    owner.page.wait_for_selector("#share-list td:has-text('已撤销')")
    assert BundleShare.objects.get(bundle=bundle).revoked_at is not None
    again = screens(site.url, PHONE, name="police-again")
    response = again.page.goto(link.replace("http://127.0.0.1:8000", site.url))
    assert response.status == 404 and bundle.pdf_sha256 not in again.page.content()
