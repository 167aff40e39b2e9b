"""The whole case over the API, with the pages' rules: Alice owns the case, Lola is its lawyer,
Vic its viewer, Bob a stranger. Each reads what their page shows them and changes only what
their page lets them; every change is a custody event."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from cases.sharing import invitation_accept, invitation_create
from evidence.bundle.services import bundle_create
from evidence.custody import Actor
from evidence.models import BundleItem, CustodyEvent, EvidenceItem, Timestamp
from tests.conftest import bearer, make_user, png_bytes

pytestmark = pytest.mark.django_db

STATEMENTS = [
    ("王芳", "母亲", "催收人员打电话到我单位，说我女儿欠钱不还。"),
    ("李强", "同事", "晚上十一点有人打我电话，让我转告她还钱，否则上门。"),
    ("张伟", "邻居", "对方发短信说要爆通讯录，把她的照片发给所有联系人。"),
]


def member(case, role: str, username: str):
    user = make_user(username)
    _inv, raw = invitation_create(case=case, actor=Actor(user=case.owner), role=role)
    invitation_accept(raw=raw, actor=Actor(user=user))
    return bearer(user)


@pytest.fixture
def lola(alice_case):
    return member(alice_case, "lawyer", "lola")


@pytest.fixture
def vic(alice_case):
    return member(alice_case, "viewer", "vic")


@pytest.fixture
def items(client, alice_case, alice_api, django_capture_on_commit_callbacks) -> list[EvidenceItem]:
    """Three statements and a screenshot, sent through the API and processed."""
    sent = []
    with django_capture_on_commit_callbacks(execute=True):
        for name, relation, text in STATEMENTS:
            fields = {"kind": "statement", "author_name": name, "relation": relation, "text": text}
            r = client.post(f"/api/v1/cases/{alice_case.id}/evidence", fields, **alice_api)
            assert r.status_code == 201, r.content
            sent.append(r.json()["id"])
        from django.core.files.uploadedfile import SimpleUploadedFile

        shot = {"file": SimpleUploadedFile("a.png", png_bytes()), "kind": "screenshot"}
        sent.append(client.post(f"/api/v1/cases/{alice_case.id}/evidence", shot, **alice_api).json()["id"])
    return [EvidenceItem.objects.get(pk=pk) for pk in sent]


def test_the_evidence_list_pages_newest_first_with_exhibit_numbers(
    client, alice, alice_case, items, vic, bob_api, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        bundle = bundle_create(case=alice_case, actor=Actor(user=alice), item_ids=[i.pk for i in items[:3]])
    bundle.refresh_from_db()
    assert bundle.status == bundle.Status.READY, bundle.error
    labels = {str(e.item_id): e.label for e in BundleItem.objects.filter(bundle=bundle)}
    url = f"/api/v1/cases/{alice_case.id}/evidence"
    first = client.get(url, {"limit": 3}, **vic).json()
    assert (first["count"], first["page"], first["pages"], first["previous"]) == (4, 1, 2, None)
    second = client.get(first["next"], **vic).json()
    assert parse_qs(urlsplit(first["next"]).query) == {"page": ["2"], "limit": ["3"]}
    rows = first["items"] + second["items"]
    assert second["next"] is None and second["previous"]
    assert [r["id"] for r in rows] == [str(i.pk) for i in reversed(items)]
    by_id = {r["id"]: r for r in rows}
    assert by_id[str(items[3].pk)]["exhibit"] is None
    for item in items[:3]:
        row = by_id[str(item.pk)]
        assert row["exhibit"] == {
            "bundle": str(bundle.pk),
            "label": labels[str(item.pk)],
            "position": row["exhibit"]["position"],
        }
        assert (row["kind"], row["status"], row["sha256"]) == ("statement", "ready", item.sha256)
        assert client.get(row["url"], **vic).json()["exhibit"]["label"] == labels[str(item.pk)]
    only = client.get(url, {"kind": "screenshot"}, **vic).json()
    assert [r["id"] for r in only["items"]] == [str(items[3].pk)]
    assert client.get(url, {"page": 9}, **vic).json()["items"] == []
    assert client.get(url, **bob_api).status_code == 404


def test_an_item_gives_its_time_stamp_and_the_token_itself(client, alice_case, items, vic):
    item = items[0]
    body = client.get(f"/api/v1/evidence/{item.pk}", **vic).json()
    stamp = Timestamp.objects.get(item=item)
    assert body["timestamp"]["kind"] == stamp.kind and body["timestamp"]["sha256"] == item.sha256
    r = client.get(body["timestamp"]["token_url"], **vic)
    assert r.status_code == 200 and r.content == bytes(stamp.token)
    assert "private" in r["Cache-Control"]
    assert CustodyEvent.objects.filter(item=item, action="timestamp_downloaded").count() == 1


def test_notes_are_read_by_members_and_written_by_the_owner_and_the_lawyer(
    client, alice_api, alice_case, items, lola, vic, bob_api
):
    case_url, item_url = f"/api/v1/cases/{alice_case.id}/notes", f"/api/v1/evidence/{items[0].pk}/notes"
    assert client.post(case_url, {"text": "先报警"}, content_type="application/json", **alice_api).status_code == 201
    r = client.post(item_url, {"text": "证人愿意出庭"}, content_type="application/json", **lola)
    assert r.status_code == 201 and r.json()["author"] == "lola" and r.json()["item"] == str(items[0].pk)
    assert client.post(case_url, {"text": "x"}, content_type="application/json", **vic).status_code == 403
    assert client.post(case_url, {"text": "  "}, content_type="application/json", **alice_api).status_code == 400
    assert [n["text"] for n in client.get(case_url, **vic).json()] == ["先报警", "证人愿意出庭"]
    assert [n["text"] for n in client.get(item_url, **vic).json()] == ["证人愿意出庭"]
    assert CustodyEvent.objects.filter(case=alice_case, action="note_added").count() == 2
    assert client.get(case_url, **bob_api).status_code == 404
    assert client.post(item_url, {"text": "x"}, content_type="application/json", **bob_api).status_code == 404


def test_the_owner_shares_and_revokes_over_the_api(client, alice_api, alice_case, lola, bob):
    base = f"/api/v1/cases/{alice_case.id}"
    r = client.post(
        f"{base}/invitations", {"role": "viewer", "note": "妈妈"}, content_type="application/json", **alice_api
    )
    assert r.status_code == 201 and r.json()["status"] == "open"
    token_path = urlsplit(r.json()["url"]).path
    client.force_login(bob)
    assert client.post(token_path).status_code == 302  # Bob accepts it on the invitation page
    client.logout()
    members = client.get(f"{base}/members", **alice_api).json()
    assert [(m["username"], m["role"]) for m in members] == [("lola", "lawyer"), ("bob", "viewer")]
    assert client.get(f"{base}/invitations", **alice_api).json()[0]["accepted_by"] == "bob"
    assert client.get(f"{base}/members", **lola).status_code == 403  # the sharing page is the owner's
    assert client.delete(f"{base}/members/bob", **lola).status_code == 403
    assert client.delete(f"{base}/members/bob", **alice_api).status_code == 204
    assert client.delete(f"{base}/members/bob", **alice_api).status_code == 404
    assert client.get(base, **bearer(bob)).status_code == 404
    spare = client.post(f"{base}/invitations", {"role": "lawyer"}, content_type="application/json", **alice_api).json()
    assert client.delete(f"{base}/invitations/{spare['id']}", **alice_api).status_code == 204
    client.force_login(make_user("carol"))
    assert client.post(urlsplit(spare["url"]).path).status_code == 404
    assert client.post(f"{base}/invitations", {}, content_type="application/json", **alice_api).status_code == 400
    actions = set(CustodyEvent.objects.filter(case=alice_case).values_list("action", flat=True))
    assert {"invitation_created", "access_revoked", "invitation_revoked"} <= actions


def test_statement_links_over_the_api(client, alice_api, alice_case, lola):
    base = f"/api/v1/cases/{alice_case.id}/statement-links"
    body = {"name": "王芳", "relation": "母亲"}
    made = client.post(base, body, content_type="application/json", **alice_api).json()
    assert client.post(base, body, content_type="application/json", **lola).status_code == 403
    page = urlsplit(made["url"]).path
    sent = client.post(page, {"name": "王芳", "text": "催收打到我单位。", "contact": "13812345678"})
    assert sent.status_code == 200
    rows = client.get(base, **alice_api).json()
    assert [(r["id"], r["status"]) for r in rows] == [(made["id"], "used")] and rows[0]["used_at"]
    assert client.delete(f"{base}/{made['id']}", **alice_api).status_code == 404  # used: nothing to cancel
    other = client.post(base, {"name": "李强", "relation": "同事"}, content_type="application/json", **alice_api).json()
    assert client.delete(f"{base}/{other['id']}", **alice_api).status_code == 204
    assert client.get(urlsplit(other["url"]).path).status_code == 404
    assert CustodyEvent.objects.filter(case=alice_case, action="statement_link_revoked").count() == 1


def test_letters_listed_edited_and_tracked_by_those_the_page_allows(client, alice_case, items, lola, vic):
    base = f"/api/v1/cases/{alice_case.id}/complaints"
    made = client.post(base, {"channel": "police"}, content_type="application/json", **lola).json()
    assert [c["id"] for c in client.get(base, **vic).json()] == [made["id"]]
    url = f"/api/v1/complaints/{made['id']}"
    assert client.put(f"{url}/text", {"text": "报案材料"}, content_type="application/json", **vic).status_code == 403
    edited = client.put(f"{url}/text", {"text": "报案材料：催收电话"}, content_type="application/json", **lola).json()
    assert edited["text"] == "报案材料：催收电话" and edited["edited_at"]
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    future = {"status": "filed", "filed_on": tomorrow}
    assert client.put(f"{url}/tracking", future, content_type="application/json", **lola).status_code == 400
    today = {"status": "filed", "filed_on": timezone.localdate().isoformat(), "reference": "J-2024-17"}
    filed = client.put(f"{url}/tracking", today, content_type="application/json", **lola).json()
    assert (filed["status"], filed["reference"]) == ("filed", "J-2024-17") and filed["reply_due"]
    actions = set(CustodyEvent.objects.filter(case=alice_case).values_list("action", flat=True))
    assert {"complaint_edited", "complaint_tracking_updated"} <= actions


def test_a_call_recorded_by_hand_joins_the_timeline_as_a_night_call(client, alice_api, alice_case, lola):
    base = f"/api/v1/cases/{alice_case.id}/events"
    call = {"kind": "call", "occurred_at": "2024-03-05T23:30:00", "number": "13800138000", "connected": True}
    assert client.post(base, call, content_type="application/json", **lola).status_code == 403
    r = client.post(base, call, content_type="application/json", **alice_api)
    assert r.status_code == 201, r.content
    assert r.json()["occurred_at"].startswith("2024-03-05T23:30:00+08:00")
    events = client.get(base, **lola).json()
    row = next(e for e in events if e["number"].endswith("13800138000"))
    assert row["night"] is True and row["local"].startswith("2024-03-05T23:30")
    later = {**call, "occurred_at": "2999-01-01T10:00:00+08:00"}
    assert client.post(base, later, content_type="application/json", **alice_api).status_code == 400
    assert CustodyEvent.objects.filter(case=alice_case, action="manual_event_added").count() == 1


def test_the_custody_record_the_owner_sees_and_what_members_see(client, alice_api, alice_case, items, lola):
    item = items[0]
    client.get(f"/api/v1/evidence/{item.pk}/original", **lola)
    record = client.get(f"/api/v1/cases/{alice_case.id}/custody", **alice_api).json()
    assert record[0]["action"] == "original_downloaded" and record[0]["actor"] == "lola" and record[0]["ip"]
    assert client.get(f"/api/v1/cases/{alice_case.id}/custody", **lola).status_code == 403
    seen_by_lola = client.get(f"/api/v1/evidence/{item.pk}/custody", **lola).json()
    assert seen_by_lola[-1]["action"] == "original_downloaded" and all(e["ip"] is None for e in seen_by_lola)
    assert client.get(f"/api/v1/evidence/{item.pk}/custody", **alice_api).json()[-1]["ip"]


def test_the_lawyer_describes_an_exhibit_and_only_the_owner_withdraws_it(
    client, alice_api, alice_case, items, lola, vic
):
    item = items[1]
    said = {"purpose": "证明催收人员威胁上门", "identity_clues": "自称安信催收 工号 A1023"}
    assert (
        client.put(f"/api/v1/evidence/{item.pk}/exhibit", said, content_type="application/json", **vic).status_code
        == 403
    )
    r = client.put(f"/api/v1/evidence/{item.pk}/exhibit", said, content_type="application/json", **lola)
    assert (r.json()["purpose"], r.json()["identity_clues"]) == (said["purpose"], said["identity_clues"])
    why = {"reason": "重复提交"}
    assert (
        client.post(f"/api/v1/evidence/{item.pk}/withdraw", why, content_type="application/json", **lola).status_code
        == 403
    )
    r = client.post(f"/api/v1/evidence/{item.pk}/withdraw", why, content_type="application/json", **alice_api)
    assert r.json()["withdrawn_at"] and r.json()["withdrawn_reason"] == "重复提交"
    rows = client.get(f"/api/v1/cases/{alice_case.id}/evidence", **vic).json()["items"]
    assert next(row for row in rows if row["id"] == str(item.pk))["withdrawn_at"]
    actions = list(CustodyEvent.objects.filter(item=item).values_list("action", flat=True))
    assert actions.count("exhibit_described") == 1 and actions.count("withdrawn") == 1
