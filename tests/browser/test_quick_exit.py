"""Quick exit on a 360 px phone: one tap (or Esc) and the tab shows a weather page; the case is
neither on screen nor anywhere back in the tab's history, and what was being typed is gone.

The neutral page is an outside site, so the test serves it from Playwright (route interception):
nothing leaves this machine. Playwright switches chromium's back-forward cache off by default;
this test switches it back on, as on a real phone, so "back" is tested the way people use it.
"""

import re

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password

from accounts.models import Privacy
from tests.browser.conftest import ARTIFACTS, CHROMIUM, FLAGS, PHONE, Screen, sign_in, step

pytestmark = [pytest.mark.slow, pytest.mark.browser]

WEATHER = '<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>天气预报</title></head><body><h1>今天晴 12–20°C</h1></body></html>'
NOTE = "周五他们又打给了我妈妈"


@pytest.fixture(scope="module")
def phone_browser(browser):
    """Chromium as a phone has it: with the back-forward cache. Launched from the session's Playwright
    (a second sync_playwright() fails once another browser test has started the first)."""
    other = browser.browser_type.launch(
        executable_path=CHROMIUM, args=FLAGS, ignore_default_args=["--disable-back-forward-cache"]
    )
    yield other
    other.close()


@pytest.fixture
def phone(phone_browser, live_server, request):
    screen = Screen(phone_browser, live_server.url, ARTIFACTS / request.node.name, PHONE, slow=False)
    pattern = re.compile("^" + re.escape(settings.QUICK_EXIT_URLS["weather"]))
    screen.context.route(
        pattern, lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8", body=WEATHER)
    )
    yield screen
    screen.context.close()


def case_on_screen(screen, case) -> bool:
    return case.title in screen.page.content() or case.title in screen.page.title()


def history_has_no_case(screen, case) -> list[str]:
    """Go back through the whole tab history; return the addresses passed, each checked for the case."""
    page, passed = screen.page, []
    while step(page, "back") is not None:
        page.wait_for_load_state("domcontentloaded")
        passed.append(page.url)
        assert not case_on_screen(screen, case), f"back at {page.url} shows the case"
    return passed


def test_one_tap_leaves_no_case_on_screen_or_back_in_the_history(phone, alice, alice_case):
    page = phone.page
    sign_in(phone, "alice")
    phone.check_accessible("case-list")
    page.goto(f"/cases/{alice_case.id}/")
    phone.check_accessible("case")
    button = page.locator("#quick-exit").bounding_box()
    # Fixed in the bottom-right corner, where the right thumb rests; large enough to hit at once.
    assert button["width"] >= 48 and button["height"] >= 44
    assert button["x"] + button["width"] <= 360 and button["y"] + button["height"] <= 740
    assert button["x"] > 180 and button["y"] > 600
    page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    assert page.locator("#quick-exit").bounding_box()["y"] == button["y"]  # stays put when scrolling
    page.evaluate(
        """() => { sessionStorage.setItem('hg-draft:note', 'x');
                   localStorage.setItem('hg-draft:statement', 'y');
                   localStorage.setItem('hg-upload:keep', 'z'); }"""
    )
    page.fill("#id_note_text", NOTE)

    page.tap("#quick-exit")
    page.wait_for_url(settings.QUICK_EXIT_URLS["weather"])
    assert "今天晴" in page.inner_text("h1") and not case_on_screen(phone, alice_case)
    phone.shot("weather")
    step(page, "back")  # the page before the case: the case list, now asking to sign in
    page.wait_for_load_state("domcontentloaded")
    assert "/accounts/login/" in page.url and not case_on_screen(phone, alice_case)
    assert NOTE not in page.content()
    drafts = page.evaluate(
        "() => [sessionStorage.getItem('hg-draft:note'), localStorage.getItem('hg-draft:statement'),"
        " localStorage.getItem('hg-upload:keep')]"
    )
    assert drafts == [None, None, "z"]  # drafts gone; an upload's resume key kept (the file is still to send)
    passed = history_has_no_case(phone, alice_case)
    assert f"/cases/{alice_case.id}/" not in " ".join(passed)  # the case page itself left the history
    # And forward again, to the weather.
    while step(page, "forward") is not None:
        page.wait_for_load_state("domcontentloaded")
        assert not case_on_screen(phone, alice_case), page.url
    assert page.url == settings.QUICK_EXIT_URLS["weather"]


def test_esc_with_a_pin_shuts_the_cases_and_the_pin_opens_them(phone, alice, alice_case):
    Privacy.objects.create(user=alice, pin_hash=make_password("2580"), discreet=True)
    page = phone.page
    sign_in(phone, "alice")
    page.goto(f"/cases/{alice_case.id}/")
    # Discreet mode: the tab shows a neutral title and icon, never the case.
    assert page.title() == "备忘录"
    assert page.locator("link[rel=icon]").get_attribute("href").endswith("notes.svg")
    page.fill("#id_note_text", NOTE)
    page.keyboard.press("Escape")
    page.wait_for_url(settings.QUICK_EXIT_URLS["weather"])
    history_has_no_case(phone, alice_case)

    page.goto(f"/cases/{alice_case.id}/")  # still signed in on this phone, but the cases are shut
    assert "/accounts/pin/" in page.url and not case_on_screen(phone, alice_case)
    phone.check_accessible("pin")
    page.fill("#id_pin", "2580")
    page.click("button.primary")
    page.wait_for_url(f"**/cases/{alice_case.id}/")
    assert alice_case.title in page.inner_text("main") and page.title() == "备忘录"
    assert page.input_value("#id_note_text") == ""


def test_the_settings_page_fits_a_phone(phone, alice):
    page = phone.page
    sign_in(phone, "alice")
    page.goto("/accounts/privacy/")
    phone.check_accessible("privacy")
    page.check("input[value=news]")
    page.check("#id_discreet")
    page.click("form:has(input[value=settings]) button.primary")
    page.wait_for_selector(".msg.success")
    assert page.title() == "备忘录"
    assert page.get_attribute("#quick-exit", "href") == settings.QUICK_EXIT_URLS["news"]
    phone.check_accessible("privacy-saved")
