"""The basic flows work with JavaScript turned off, and the site is complete in English."""

import re

import pytest

from evidence.models import EvidenceItem
from tests.browser.conftest import DESKTOP, PHONE, sign_in
from tests.conftest import png_bytes

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.browser]


def test_a_victim_uploads_without_javascript(site, browser, screens, alice, alice_case, tmp_path):
    screen = screens(site.url, PHONE)
    screen.context.close()
    screen.context = browser.new_context(**PHONE, base_url=site.url, locale="zh-CN", java_script_enabled=False)
    screen.page = screen.context.new_page()
    sign_in(screen, "alice")
    screen.page.goto(f"/cases/{alice_case.id}/")
    screen.page.click("a[href$='/upload/']")
    shot = tmp_path / "shot.png"
    shot.write_bytes(png_bytes())
    screen.page.set_input_files("#id_file", str(shot))
    screen.page.click("#upload-form button[type=submit]")
    screen.page.wait_for_url(f"**/cases/{alice_case.id}/")
    # (axe-core itself needs JavaScript; the same pages are checked with it in the other tests.)
    screen.shot("case-page")
    item = EvidenceItem.objects.get(case=alice_case)
    assert item.kind == "screenshot" and item.sha256 in screen.page.inner_text("main")
    screen.page.click(f"a[href='/items/{item.id}/']")
    screen.shot("item-page")


def test_the_site_switches_to_english_and_stays_there(site, screens, alice, alice_case):
    screen = screens(site.url, DESKTOP)
    sign_in(screen, "alice")
    screen.page.click("button[name=language][value=en]")
    screen.page.wait_for_selector("h1:has-text('My cases')")
    for url in [
        "/",
        "/guide/",
        f"/cases/{alice_case.id}/",
        f"/cases/{alice_case.id}/upload/",
        f"/cases/{alice_case.id}/sharing/",
        f"/cases/{alice_case.id}/statement-links/",
        "/accounts/sessions/",
    ]:
        screen.page.goto(url)
        # Only what the user typed, quotations of Chinese law (marked lang="zh-Hans") and Chinese terms
        # glossed in brackets, such as "Case number (案号)", may be Chinese; everything else is English.
        screen.page.evaluate("() => document.querySelectorAll('[lang^=zh]').forEach(e => e.remove())")
        text = screen.page.inner_text("body").replace(alice_case.title, "").replace(alice_case.platform, "")
        text = re.sub(r"\([\u4e00-\u9fff]+\)", "", text.replace(alice_case.description, ""))
        assert not re.search(r"[\u4e00-\u9fff]", text), (url, re.findall(r".{0,20}[\u4e00-\u9fff]+.{0,20}", text)[:5])
    screen.check_accessible("english-case")
