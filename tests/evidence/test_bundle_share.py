"""The read-only link to one bundle for the police or the court: made and revoked by the owner or
the lawyer, opened without an account, every open a custody event, and expired, revoked or unknown
links alike answer 404 with nothing to tell them apart."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from cases.models import Membership
from evidence.models import Bundle, BundleShare, CustodyEvent
from tests.conftest import bearer, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
STATEMENT = "5月12日晚上十一点，一个陌生号码打给我，说我儿子欠钱不还，还说要去他单位闹。" * 20


@pytest.fixture
def bundle(client, alice_case, alice_api, send, django_capture_on_commit_callbacks) -> Bundle:
    send("statement.txt", STATEMENT.encode(), "statement")
    send("overdue-notice.txt", ("逾期通知：" + "请于三日内还款。" * 400).encode(), "document")
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"/api/v1/cases/{alice_case.id}/bundles", {}, content_type="application/json", **alice_api)
    made = Bundle.objects.get(pk=r.json()["id"])
    assert made.status == "ready", made.error
    return made


def make_link(client, alice, bundle, label="城关派出所", days=7) -> str:
    """Make a link on the bundle page as Alice; return its address, read off the page."""
    client.force_login(alice)
    r = client.post(f"/bundles/{bundle.id}/links/", {"label": label, "days": days})
    assert r.status_code == 302
    page = client.get(f"/bundles/{bundle.id}/").content.decode()
    url = re.search(r'id="new-share-url" value="([^"]+)"', page).group(1)
    assert 'id="new-share-url"' not in client.get(f"/bundles/{bundle.id}/").content.decode()  # shown once
    return url.removeprefix("http://127.0.0.1:8000")


def test_a_link_opens_without_an_account_and_every_open_and_download_is_recorded(client, alice, alice_case, bundle):
    path = make_link(client, alice, bundle)
    token = path.split("/")[2]
    assert alice_case.title not in path and str(bundle.id) not in path and str(alice_case.id) not in path
    share = BundleShare.objects.get(bundle=bundle)
    assert share.token_sha256 == hashlib.sha256(token.encode()).hexdigest() and len(token) >= 43
    assert token not in str(BundleShare.objects.filter(pk=share.pk).values().get())

    police = Client(REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="Police desk browser")
    r = police.get(path)
    assert r.status_code == 200
    page = r.content.decode()
    assert bundle.pdf_sha256 in page and bundle.zip_sha256 in page and 'id="signature-ok"' in page
    for entry in bundle.entries.all():
        assert entry.item.sha256 in page and f"证据{entry.label}" in page
    assert r["Cache-Control"] == "no-store" and r["Referrer-Policy"] == "no-referrer"
    police.get(path)
    pdf = police.get(path + "pdf/")
    assert pdf.status_code == 200 and hashlib.sha256(pdf.getvalue()).hexdigest() == bundle.pdf_sha256
    zipped = police.get(path + "zip/")
    assert hashlib.sha256(zipped.getvalue()).hexdigest() == bundle.zip_sha256

    opened = CustodyEvent.objects.filter(case=alice_case, action="bundle_share_opened").order_by("id")
    assert opened.count() == 2
    assert all(e.actor is None and e.ip == "10.1.2.3" and e.detail["share"] == str(share.pk) for e in opened)
    assert opened[0].user_agent == "Police desk browser" and opened[0].detail["label"] == "城关派出所"
    downloads = CustodyEvent.objects.filter(
        case=alice_case, action__in=["bundle_pdf_downloaded", "bundle_zip_downloaded"]
    )
    assert [d.detail.get("share") for d in downloads] == [str(share.pk)] * 2
    share.refresh_from_db()
    assert share.opens == 2 and share.last_opened is not None
    assert CustodyEvent.objects.filter(case=alice_case, action="bundle_share_created", actor=alice).count() == 1


def test_revoked_expired_and_unknown_links_answer_the_same_404(client, alice, alice_case, bundle):
    revoked_path, expired_path = make_link(client, alice, bundle), make_link(client, alice, bundle, "法院立案庭")
    unknown = "/shared/" + "A" * 43 + "/"
    revoked = BundleShare.objects.get(label="城关派出所")
    r = client.post(f"/bundles/{bundle.id}/links/{revoked.id}/revoke/")
    assert r.status_code == 302
    BundleShare.objects.filter(label="法院立案庭").update(expires_at=timezone.now() - timedelta(seconds=1))
    stranger = Client()
    answers = [
        stranger.get(p) for p in (revoked_path, expired_path, unknown, revoked_path + "pdf/", expired_path + "zip/")
    ]
    assert [a.status_code for a in answers] == [404] * 5
    assert len({a.content for a in answers[:3]}) == 1  # nothing tells them apart
    assert not CustodyEvent.objects.filter(case=alice_case, action="bundle_share_opened").exists()
    assert CustodyEvent.objects.filter(case=alice_case, action="bundle_share_revoked").count() == 1


def test_only_the_owner_and_the_lawyer_make_or_revoke_links(client, alice, alice_case, bundle, bob):
    viewer = make_user("viewer_li")
    Membership.objects.create(case=alice_case, user=viewer, role=Membership.Role.VIEWER)
    client.force_login(viewer)
    assert client.post(f"/bundles/{bundle.id}/links/", {"days": 7}).status_code == 403
    assert 'id="share-form"' not in client.get(f"/bundles/{bundle.id}/").content.decode()
    client.force_login(bob)
    assert client.post(f"/bundles/{bundle.id}/links/", {"days": 7}).status_code == 404
    assert client.get(f"/api/v1/bundles/{bundle.id}/links", **bearer(bob)).status_code == 404
    lawyer = make_user("lawyer_zhang")
    Membership.objects.create(case=alice_case, user=lawyer, role=Membership.Role.LAWYER)
    client.force_login(lawyer)
    assert client.post(f"/bundles/{bundle.id}/links/", {"days": 7}).status_code == 302
    assert BundleShare.objects.filter(bundle=bundle, created_by=lawyer).count() == 1


def test_links_are_rate_limited_per_address(client, alice, bundle, settings):
    settings.BUNDLE_SHARE_PER_HOUR = 3
    path = make_link(client, alice, bundle)
    guesser = Client(REMOTE_ADDR="10.9.9.9")
    codes = [guesser.get("/shared/" + f"{n:043d}" + "/").status_code for n in range(3)]
    assert codes == [404, 404, 404]
    assert guesser.get(path).status_code == 429  # even the right link, once the address is over its limit
    assert Client(REMOTE_ADDR="10.1.1.1").get(path).status_code == 200


def test_the_api_makes_lists_and_revokes_links(client, alice_api, bundle, settings):
    r = client.post(
        f"/api/v1/bundles/{bundle.id}/links",
        {"label": "派出所", "days": 3},
        content_type="application/json",
        **alice_api,
    )
    assert r.status_code == 201
    made = r.json()
    assert made["open"] is True and made["url"].startswith(settings.SITE_URL + "/shared/")
    listed = client.get(f"/api/v1/bundles/{bundle.id}/links", **alice_api).json()
    assert [s["id"] for s in listed] == [made["id"]] and "url" not in listed[0]
    too_long = client.post(
        f"/api/v1/bundles/{bundle.id}/links",
        {"days": settings.BUNDLE_SHARE_DAYS + 1},
        content_type="application/json",
        **alice_api,
    )
    assert too_long.status_code in (400, 422)
    path = made["url"].removeprefix(settings.SITE_URL)
    assert Client().get(path).status_code == 200
    r = client.post(f"/api/v1/bundles/{bundle.id}/links/{made['id']}/revoke", **alice_api)
    assert r.status_code == 200 and r.json()["open"] is False and r.json()["revoked_at"]
    assert Client().get(path).status_code == 404
