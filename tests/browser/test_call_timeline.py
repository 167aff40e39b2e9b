"""The victim adds a picture of the dialer's call history and the carrier's itemised record from a phone,
and finds the calls on the timeline: the same night call once, with both sources, each opening its row."""

import pytest

from tests.browser.conftest import PHONE, sign_in
from tests.callhistory_images import Row, render
from tests.cases.test_timeline_sources import carrier_xlsx

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.browser]


def test_a_call_history_picture_and_the_carrier_record_meet_on_the_timeline(site, screens, alice, alice_case, tmp_path):
    shot = render(
        "oppo",
        [Row("138 0013 8000", "呼入 1分20秒", "昨天 23:47"), Row("李经理", "未接", "星期一 22:30", missed=True)],
        tmp_path / "Screenshot_2023-10-12-10-24-33-123_com.android.contacts.png",
    )
    record = tmp_path / "详单_202310.xlsx"
    record.write_bytes(carrier_xlsx())
    screen = screens(site.url, PHONE, slow=True)
    page = screen.page
    sign_in(screen, "alice")
    page.goto(f"/cases/{alice_case.id}/")
    page.click("a[href$='/upload/']")
    page.wait_for_load_state("load")  # the uploader's scripts (deferred) are in place before the files are chosen
    page.set_input_files("#id_file", [str(shot), str(record)])
    page.click("#upload-form button[type=submit]")
    page.wait_for_function(
        "() => document.querySelectorAll('#upload-list .stage[data-status=ready]').length === 2", timeout=240_000
    )

    page.goto(f"/cases/{alice_case.id}/timeline/")
    page.wait_for_selector("ol.events")
    screen.check_accessible("timeline")
    night = page.locator("li.event", has_text="13800138000")
    assert night.count() == 1
    text = night.inner_text()
    assert "运营商详单" in text and "通话记录截图" in text and "2 个来源中 2 个一致" in text
    assert "night" in night.get_attribute("class")
    missed = page.locator("li.event", has_text="李经理")
    assert "推算" in missed.inner_text() and "未接" in missed.inner_text()
    screen.shot("timeline")

    night.locator("a", has_text="通话记录截图").click()
    page.wait_for_selector("tr#call-1:target")
    assert "13800138000" in page.inner_text("tr#call-1") and "推算" in page.inner_text("tr#call-1")
    screen.check_accessible("call-rows")
    screen.shot("call-rows")
