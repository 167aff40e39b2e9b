"""The letter pages: who may draft, edit and read, and what the page tells the user before export."""

import pytest

from cases.models import Membership
from complaints.models import Complaint
from evidence.models import CustodyEvent
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def letter(alice, alice_case, draft):
    return draft(alice_case, "platform")


def urls(letter) -> list[str]:
    base = f"/complaints/{letter.id}/"
    return [
        base,
        base + "inputs/",
        base + "redraft/",
        base + "edit/",
        base + "tracking/",
        base + "pdf/",
        f"/cases/{letter.case_id}/complaints/",
    ]


def test_bob_gets_404_from_every_letter_url(client, bob, letter):
    client.force_login(bob)
    for url in urls(letter):
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url, {"channel": "police", "text": "x"}).status_code == 404, url
    assert Complaint.objects.count() == 1


def test_alice_drafts_a_letter_from_the_page_and_sees_what_to_fill(client, alice, alice_case):
    client.force_login(alice)
    r = client.post(f"/cases/{alice_case.id}/complaints/", {"channel": "police"})
    complaint = Complaint.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/complaints/{complaint.id}/"
    page = client.get(r["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Full: carries relatives" in page and "Still to fill in before sending" in page and "您的姓名" in page
    assert "No evidence bundle is chosen" in page
    assert CustodyEvent.objects.filter(action="complaint_drafted", detail__complaint=str(complaint.id)).exists()


def test_a_masked_letter_says_so_and_masks_a_relative_the_user_types_in(client, alice, letter):
    client.force_login(alice)
    page = client.get(f"/complaints/{letter.id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Masked: relatives" in page and "show these third-party details" not in page
    r = client.post(
        f"/complaints/{letter.id}/edit/",
        {"text": letter.draft_text + "\n我妈妈的电话是13911112222。"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    page = r.content.decode()
    assert "these were masked: 13911112222" in page and "show these third-party details" not in page
    letter.refresh_from_db()
    assert "我妈妈的电话是139****2222。" in letter.draft_text and "13911112222" not in letter.draft_text


def test_the_users_answers_rewrite_the_letter(client, alice, letter):
    client.force_login(alice)
    r = client.post(
        f"/complaints/{letter.id}/inputs/",
        {
            "borrower_name": "李明",
            "borrower_phone": "13700001111",
            "loan_description": "2024年3月借款5000元",
            "recipient": "小米借贷",
            "include_repayment_plan": "on",
        },
    )
    assert r.status_code == 302
    letter.refresh_from_db()
    assert "2024年3月借款5000元" in letter.draft_text and "协商合理的还款计划" in letter.draft_text
    assert "您的联系电话" not in letter.draft_text


def test_a_viewer_reads_and_exports_but_cannot_draft_or_edit(client, alice_case, letter):
    viewer = make_user("carol")
    Membership.objects.create(case=alice_case, user=viewer, role="viewer")
    client.force_login(viewer)
    assert client.get(f"/complaints/{letter.id}/").status_code == 200
    assert client.get(f"/cases/{alice_case.id}/complaints/").status_code == 200
    assert client.post(f"/complaints/{letter.id}/edit/", {"text": "改"}).status_code == 403
    assert client.post(f"/cases/{alice_case.id}/complaints/", {"channel": "police"}).status_code == 403


def test_a_lawyer_may_draft(client, alice_case):
    lawyer = make_user("dave")
    Membership.objects.create(case=alice_case, user=lawyer, role="lawyer")
    client.force_login(lawyer)
    assert client.post(f"/cases/{alice_case.id}/complaints/", {"channel": "court"}).status_code == 302
    assert Complaint.objects.get().created_by == lawyer


def test_the_lender_question_changes_the_path_and_is_recorded(client, alice, alice_case):
    from evidence.models import CustodyEvent

    client.force_login(alice)
    page = client.get(f"/cases/{alice_case.id}/complaints/").content.decode()
    assert "遇到暴力威胁，请立即拨打110" in page and "建议先向公安机关报案" not in page
    r = client.post(f"/cases/{alice_case.id}/lender/", {"lender_kind": "unlicensed", "rate_lawful": ""})
    assert r.status_code == 302
    alice_case.refresh_from_db()
    assert alice_case.lender_kind == "unlicensed" and alice_case.debt_may_be_unlawful
    assert CustodyEvent.objects.filter(case=alice_case, action="lender_described").exists()
    assert "建议先向公安机关报案" in client.get(f"/cases/{alice_case.id}/complaints/").content.decode()
    assert client.post(f"/cases/{alice_case.id}/lender/", {"lender_kind": "pawnshop"}).status_code == 302
    alice_case.refresh_from_db()
    assert alice_case.lender_kind == "unlicensed"  # an unknown answer changes nothing
