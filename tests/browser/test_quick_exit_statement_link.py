"""Quick exit on a relative's statement link, on a 360 px phone (issue 18, security review L7).

The relative opens the link from her message: the address bar shows `/s/`, never the token. After
a quick exit, "back" lands on a neutral page that says the link is closed on this phone, with
nothing of the case (not even the name the owner gave her); the link from the message opens the
page again. The back-forward cache is on, as on a real phone (see test_quick_exit.py).
"""

import pytest
from django.conf import settings

from cases.statement_links import link_create
from evidence.custody import Actor
from tests.browser.conftest import step
from tests.browser.test_quick_exit import phone, phone_browser  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.slow, pytest.mark.browser]

DRAFT = "周五他们又打给了我，说我女儿欠钱"


def nothing_of_the_case(page, case, token: str) -> None:
    html = page.content()
    for secret in (case.title, "王芳", "母亲", token, DRAFT):
        assert secret not in html and secret not in page.title() and secret not in page.url, (page.url, secret)


def test_back_after_a_quick_exit_shows_nothing_and_the_link_opens_again(phone, alice, alice_case):  # noqa: F811
    _link, token = link_create(case=alice_case, actor=Actor(user=alice), name="王芳", relation="母亲")
    page = phone.page
    page.goto(f"/s/{token}/")
    assert page.url.endswith("/s/") and token not in page.url
    assert page.input_value("#id_name") == "王芳"
    phone.check_accessible("statement-page")
    page.fill("#id_text", DRAFT)
    # A mistake (no name): the form comes back, still at the address without the token.
    page.fill("#id_name", "")
    page.evaluate("() => document.getElementById('id_name').removeAttribute('required')")
    page.click("#statement-form button.primary")
    page.wait_for_selector(".field.has-error")
    assert page.url.endswith("/s/") and token not in page.url
    assert page.evaluate("() => history.length") >= 2

    page.tap("#quick-exit")
    page.wait_for_url(settings.QUICK_EXIT_URLS["weather"])
    assert "今天晴" in page.inner_text("h1")
    passed = []
    while step(page, "back") is not None:
        page.wait_for_load_state("domcontentloaded")
        passed.append(page.url)
        nothing_of_the_case(page, alice_case, token)
    assert any(url.endswith("/s/") for url in passed), passed
    page.goto("/s/")
    assert "此链接在这部手机上已关闭" in page.inner_text("h1")
    nothing_of_the_case(page, alice_case, token)
    phone.check_accessible("closed-on-this-phone")

    # The link from her message still works, and again leaves the token out of the address.
    page.goto(f"/s/{token}/")
    assert page.url.endswith("/s/") and page.input_value("#id_name") == "王芳"
