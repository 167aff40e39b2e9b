"""On a phone, the victim confirms whose numbers are in her call log, in Chinese and then in English:
one tap for the suggested collector, her mother named as a relative, and the findings follow."""

import pytest

from cases.models import CaseNumber
from cases.numbers import number_anchor
from evidence.models import EvidenceItem
from tests.browser.conftest import PHONE, sign_in
from tests.integration.conftest import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.browser]

MOTHER, COLLECTOR = "13811115678", "17011112222"
# The mother rings five times; the collector four times, all answered: over the daily limit once confirmed.
LOG = (
    "号码,类型,通话时间,通话时长\n"
    + "".join(f"{MOTHER},来电,2025-05-12 {h}:05:00,30秒\n" for h in (8, 9, 12, 18, 21))
    + "".join(f"{COLLECTOR},来电,2025-05-12 {h}:10:00,40秒\n" for h in (10, 11, 14, 16))
)


@pytest.fixture
def call_log_case(alice, alice_case, send):
    item = send("calls.csv", LOG.encode(), "call_log")
    wait_until(lambda: EvidenceItem.objects.get(pk=item.pk).status == EvidenceItem.Status.READY, timeout=120)
    alice_case.manual_events.create(kind="call", number=COLLECTOR, created_by=alice)
    return alice_case


def card(page, number: str):
    return page.locator(f"#{anchor(page, number)}")


def anchor(page, number: str) -> str:
    """A number's row id: a keyed hash of the case and the number, never the number (browser history)."""
    case_id = page.url.split("/cases/")[1].split("/")[0]
    return number_anchor(case_id, number)


def test_a_victim_confirms_numbers_on_her_phone_in_chinese_and_english(site, screens, call_log_case):
    case = call_log_case
    screen = screens(site.url, PHONE)
    page = screen.page
    sign_in(screen, "alice")
    page.goto(f"/cases/{case.id}/")
    assert "2个号码待确认，确认后才计入统计" in page.inner_text("#numbers-status")
    assert page.locator("#finding-cn-calls-per-day").count() == 0
    page.click("#numbers-status a")
    page.wait_for_selector(".numbers")
    screen.check_accessible("numbers")
    assert "5次来电，接通5次" in card(page, MOTHER).inner_text()

    card(page, COLLECTOR).locator("button.confirm").tap()  # one tap: the suggestion, confirmed
    page.wait_for_selector(f"#{anchor(page, COLLECTOR)}.confirmed")
    assert "催收方 ✓" in card(page, COLLECTOR).inner_text()

    mother = card(page, MOTHER)
    # Nothing suggests whose number it is: the choice is open already, no extra tap needed.
    assert mother.locator("details.change").get_attribute("open") is not None
    mother.locator("input[value=third_party]").check()
    mother.locator("input[name=name]").fill("王芳")
    mother.locator("input[name=relation]").fill("母亲")
    mother.locator("button.save").tap()
    page.wait_for_selector(f"#{anchor(page, MOTHER)}.confirmed")
    assert "母亲 王芳 ✓" in card(page, MOTHER).inner_text()
    screen.check_accessible("numbers-confirmed")
    row = CaseNumber.objects.get(case=case, number=MOTHER)
    assert (row.role, row.confirmed, row.party.name) == ("third_party", True, "王芳")

    page.goto(f"/cases/{case.id}/")
    assert "所有号码均已确认" in page.inner_text("#numbers-status")
    assert "2025-05-12 (4" in page.inner_text("#finding-cn-calls-per-day")  # the collector's four answered calls
    screen.check_accessible("case-with-finding")

    # The same page in English: the collector was a mistake, she changes it; the finding goes.
    page.goto(f"/cases/{case.id}/numbers/")
    page.click("button[name=language][value=en]")
    page.wait_for_selector("h1:has-text('Numbers')")
    assert "5 calls to you, 5 answered" in card(page, MOTHER).inner_text()
    collector = card(page, COLLECTOR)
    collector.locator("summary:has-text('Change')").tap()
    collector.locator("input[value=other]").check()
    collector.locator("button.save").tap()
    page.wait_for_selector(f"#{anchor(page, COLLECTOR)}.role-other")
    screen.check_accessible("numbers-english")
    page.goto(f"/cases/{case.id}/")
    assert "Every number is confirmed." in page.inner_text("#numbers-status")
    assert page.locator("#finding-cn-calls-per-day").count() == 0
