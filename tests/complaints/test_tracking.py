"""Tracking a letter once sent: status changes, dates, late replies and the path on the case page."""

from datetime import date

import pytest
from django.utils import translation

from cases.models import Case
from complaints.models import Complaint
from complaints.services import ComplaintRefused, complaint_update_tracking
from complaints.tracking import case_path, overdue, reply_due
from evidence.custody import Actor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The refusals are matched by their English wording."""
    with translation.override("en"):
        yield


@pytest.fixture
def letter(alice, alice_case):
    return Complaint.objects.create(case=alice_case, channel="platform", created_by=alice)


def track(letter, alice, **fields):
    return complaint_update_tracking(complaint=letter, actor=Actor(user=alice), today=date(2025, 7, 1), **fields)


def test_a_letter_goes_from_draft_to_filed_to_answered_to_closed(letter, alice):
    track(letter, alice, status="filed", filed_on=date(2025, 6, 1), reference="TS-001")
    assert reply_due(letter) == date(2025, 6, 16)  # the platform's 15 days, from channels.toml
    track(
        letter,
        alice,
        status="answered",
        filed_on=date(2025, 6, 1),
        reference="TS-001",
        replied_on=date(2025, 6, 10),
        reply_text="已转催收部门核实",
    )
    assert reply_due(letter) is None
    track(letter, alice, status="closed", filed_on=date(2025, 6, 1), replied_on=date(2025, 6, 10))
    letter.refresh_from_db()
    assert (letter.status, letter.reference, letter.replied_on) == ("closed", "", date(2025, 6, 10))


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"status": "answered", "filed_on": date(2025, 6, 1), "replied_on": date(2025, 6, 2)}, "cannot go"),
        ({"status": "filed"}, "date you filed"),
        ({"status": "filed", "filed_on": date(2025, 7, 2)}, "future"),
    ],
)
def test_impossible_changes_are_refused(letter, alice, fields, message):
    with pytest.raises(ComplaintRefused, match=message):
        complaint_update_tracking(complaint=letter, actor=Actor(user=alice), today=date(2025, 7, 1), **fields)
    letter.refresh_from_db()
    assert letter.status == "draft"


def test_a_reply_before_the_filing_and_a_closed_letter_reopened_are_refused(letter, alice):
    with pytest.raises(ComplaintRefused, match="before the filing"):
        track(letter, alice, status="filed", filed_on=date(2025, 6, 10), replied_on=date(2025, 6, 1))
    track(letter, alice, status="closed")
    with pytest.raises(ComplaintRefused):
        track(letter, alice, status="filed", filed_on=date(2025, 6, 1))


def test_a_reminder_appears_the_day_after_the_usual_reply_time(letter, alice):
    track(letter, alice, status="filed", filed_on=date(2025, 6, 1))
    assert overdue([letter], date(2025, 6, 16)) == []
    late = overdue([letter], date(2025, 6, 20))
    assert [(r["channel"], r["due"], r["days_late"]) for r in late] == [("借款平台或银行", date(2025, 6, 16), 4)]
    track(letter, alice, status="answered", filed_on=date(2025, 6, 1), replied_on=date(2025, 6, 18))
    assert overdue([letter], date(2025, 6, 20)) == []


def test_the_path_shows_where_the_user_is_and_what_comes_next(alice, alice_case):
    assert case_path([], date(2025, 6, 1))["reached"] == 0
    make = lambda channel, **f: Complaint(case=alice_case, channel=channel, created_by=alice, **f)  # noqa: E731
    letters = [
        make("platform", status="answered", filed_on=date(2025, 5, 1), replied_on=date(2025, 5, 10)),
        make("regulator", status="filed", filed_on=date(2025, 5, 20)),
        make("police"),
    ]
    path = case_path(letters, date(2025, 7, 1), "en")
    assert [(s["state"], s["here"]) for s in path["steps"]] == [
        ("done", False),
        ("filed", True),
        ("draft", False),
        ("todo", False),
    ]
    assert path["reached"] == 2 and "police" in path["next"]
    assert [r["channel"] for r in path["reminders"]] == ["Financial regulator (NFRA, 12378)"]


def test_the_case_page_shows_the_path_and_a_late_reply(
    client, alice, alice_case, letter, django_assert_max_num_queries
):
    Complaint.objects.filter(pk=letter.pk).update(status="filed", filed_on=date(2020, 1, 1))
    client.force_login(alice)
    page = client.get(f"/cases/{alice_case.id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "the usual steps" in page and "you are here" in page
    assert "No reply yet from Lending platform or bank" in page and f"/complaints/{letter.id}/" in page


def test_the_tracking_form_saves_and_refuses_in_plain_words(client, alice, letter):
    client.force_login(alice)
    url = f"/complaints/{letter.id}/tracking/"
    r = client.post(
        url,
        {"status": "answered", "filed_on": "2025-06-01", "replied_on": "2025-06-05"},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    assert "cannot go from" in r.content.decode()
    client.post(url, {"status": "filed", "filed_on": "2025-06-01", "reference": "12378-99"})
    letter.refresh_from_db()
    assert (letter.status, letter.reference) == ("filed", "12378-99")


def test_an_empty_case_has_no_letters_on_its_path(alice):
    case = Case.objects.create(owner=alice, title="空")
    assert all(s["state"] == "todo" for s in case_path(list(case.complaints.all()), date(2025, 1, 1))["steps"])
