"""Notes, withdrawal and the owner's view of who did what."""

import pytest

from cases.models import Membership
from evidence.models import CustodyEvent, Note
from tests.conftest import make_user, png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(send):
    return send("a.png", png_bytes(), "screenshot")


def test_a_lawyers_note_is_kept_escaped_and_recorded(client, alice_case, item):
    lola = make_user("lola")
    Membership.objects.create(case=alice_case, user=lola, role="lawyer")
    client.force_login(lola)
    client.post(f"/items/{item.id}/notes/", {"text": "<script>alert(1)</script> 这张截图很关键"})
    page = client.get(f"/items/{item.id}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; 这张截图很关键" in page and "<script>alert(1)" not in page
    assert CustodyEvent.objects.filter(action="note_added", actor=lola).exists()


def test_a_viewer_cannot_add_notes(client, alice_case, item):
    vic = make_user("vic")
    Membership.objects.create(case=alice_case, user=vic, role="viewer")
    client.force_login(vic)
    assert client.post(f"/cases/{alice_case.id}/notes/", {"text": "x"}).status_code == 403
    assert not Note.objects.exists()


def test_a_withdrawn_item_stays_on_record_but_leaves_new_bundles(client, alice, alice_case, alice_api, item):
    client.force_login(alice)
    client.post(f"/items/{item.id}/withdraw/", {"reason": "重复截图"})
    item.refresh_from_db()
    assert item.withdrawn_at and item.withdrawn_reason == "重复截图"
    assert CustodyEvent.objects.filter(item=item, action="withdrawn").exists()
    r = client.post(f"/api/v1/cases/{alice_case.id}/bundles", {}, content_type="application/json", **alice_api)
    assert r.status_code == 400 and r.json()["code"] == "no_items"
    assert client.get(f"/api/v1/evidence/{item.id}", **alice_api).status_code == 200


def test_only_the_owner_withdraws(client, alice_case, item):
    lola = make_user("lola")
    Membership.objects.create(case=alice_case, user=lola, role="lawyer")
    client.force_login(lola)
    assert client.post(f"/items/{item.id}/withdraw/").status_code == 403


def test_the_owner_sees_who_looked_at_what(client, alice, alice_case, item):
    lola = make_user("lola")
    Membership.objects.create(case=alice_case, user=lola, role="lawyer")
    client.force_login(lola)
    client.get(f"/items/{item.id}/")
    assert client.get(f"/cases/{alice_case.id}/audit/").status_code == 403
    client.force_login(alice)
    page = client.get(f"/cases/{alice_case.id}/audit/").content.decode()
    assert "lola" in page and "查看证据" in page  # item_viewed, in words
