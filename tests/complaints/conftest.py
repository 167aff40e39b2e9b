import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints.services import complaint_create
from evidence.custody import Actor
from evidence.models import Bundle

# Five calls from one collector's number on 2025-05-12, two of them after 22:00: over the daily limit and in quiet hours.
CALL_LOG = (
    "号码,类型,通话时间,通话时长\n"
    "13812345678,来电,2025-05-12 09:10:00,30秒\n13812345678,来电,2025-05-12 12:00:00,10秒\n"
    "13812345678,未接,2025-05-12 18:30:00,0秒\n13812345678,来电,2025-05-12 22:15:00,45秒\n"
    "13812345678,来电,2025-05-12 23:40:00,20秒\n"
).encode()
STATEMENT = "5月12日晚上十一点，号码13812345678打给我，说我儿子欠钱不还。\n对方说明天就去你单位找你。"
DAY = "2025-06-01"


@pytest.fixture
def full_case(client, alice_case, alice_api, django_capture_on_commit_callbacks):
    """Alice's case with a call log, a relative's statement (with her own number) and the victim's details."""
    alice_case.victim_name, alice_case.collection_company = "李明", "某某信息咨询有限公司"
    alice_case.save()

    def post(data):
        with django_capture_on_commit_callbacks(execute=True):
            r = client.post(f"/api/v1/cases/{alice_case.id}/evidence", data, **alice_api)
        assert r.status_code == 201, r.content
        return r.json()["id"]

    post({"file": SimpleUploadedFile("calls.csv", CALL_LOG), "kind": "call_log"})
    post(
        {
            "kind": "statement",
            "author_name": "王芳",
            "relation": "母亲",
            "contact": "13911112222",
            "text": STATEMENT,
            "occurred_at": "2025-05-12T23:05:00+08:00",
            "counterparty_number": "13812345678",
        }
    )
    r = client.put(
        f"/api/v1/cases/{alice_case.id}/numbers/13812345678",
        {"role": "collector"},
        content_type="application/json",
        **alice_api,
    )
    assert r.status_code == 200, r.content
    return alice_case


@pytest.fixture
def bundle(client, full_case, alice_api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"/api/v1/cases/{full_case.id}/bundles", {}, content_type="application/json", **alice_api)
    assert r.status_code == 202, r.content
    bundle = Bundle.objects.get(pk=r.json()["id"])
    assert bundle.status == Bundle.Status.READY
    return bundle


@pytest.fixture
def draft(alice):
    """Make a complaint to `channel` for `case`, drafted on a fixed day."""
    from datetime import date

    def draft(case, channel, **fields):
        return complaint_create(
            case=case, actor=Actor(user=alice), channel=channel, today=date.fromisoformat(DAY), **fields
        )

    return draft
