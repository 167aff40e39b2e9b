"""A relative's statement link keeps its token out of the address bar and the tab's history:
`/s/<token>/` (the address in the message) keeps the link in the phone's session and sends the
browser on to `/s/`; the quick exit forgets it, so "back" finds a neutral page with nothing of the
case, and the link from the message opens it again (security review L7, issue 18)."""

import re

import pytest
from django.test import Client

from cases.models import StatementLink
from evidence.models import EvidenceItem

pytestmark = pytest.mark.django_db

WHAT_HAPPENED = "5月12日晚上，17011112222打给我说我女儿欠钱。"


@pytest.fixture
def link(client, alice, alice_case):
    client.force_login(alice)
    page = client.post(
        f"/cases/{alice_case.id}/statement-links/", {"name": "王芳", "relation": "母亲"}
    ).content.decode()
    client.logout()
    return re.search(r"http://testserver(/s/[^<\s]+/)", page).group(1)


def token_of(link: str) -> str:
    return link.strip("/").split("/")[-1]


def test_opening_the_link_moves_the_token_into_the_session(client, link):
    r = client.get(link)
    assert r.status_code == 302 and r["Location"] == "/s/"
    page = client.get("/s/")
    html = page.content.decode()
    assert page.status_code == 200 and 'value="王芳"' in html and page["Cache-Control"] == "no-store"
    # The token is only in the recorder's API address (a request, not a page of the history).
    hrefs = re.findall(r'(?:href|action)="([^"]*)"', html)
    assert hrefs and not [h for h in hrefs if token_of(link) in h]
    assert f'data-api="/api/v1/statement-links/{token_of(link)}/uploads"' in html


def test_the_form_posts_to_the_token_free_address_and_closes_the_link(client, link, media):
    client.get(link)
    r = client.post("/s/", {"name": "王芳芳", "text": WHAT_HAPPENED}, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200 and "Thank you" in r.content.decode()
    assert EvidenceItem.objects.get(kind="statement").author_name == "王芳芳"
    assert StatementLink.objects.get().used_at is not None
    after = client.get("/s/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "closed on this phone" in after and "王芳" not in after
    assert client.get(link).status_code == 404  # used: the message's address no longer opens it


def test_a_mistake_keeps_the_page_at_the_token_free_address(client, link):
    client.get(link)
    r = client.post("/s/", {"name": "王芳", "text": "   "})
    assert r.status_code == 400 and 'value="王芳"' in r.content.decode()
    assert not EvidenceItem.objects.exists()


def test_quick_exit_forgets_the_link_and_the_message_opens_it_again(client, link):
    client.get(link)
    assert "王芳" in client.get("/s/").content.decode()
    assert client.post("/accounts/quick-exit/").status_code == 204
    for lang, words in (("zh-hans", "此链接在这部手机上已关闭"), ("en", "closed on this phone")):
        back = client.get("/s/", HTTP_ACCEPT_LANGUAGE=lang)
        html = back.content.decode()
        assert back.status_code == 200 and words in html
        assert "王芳" not in html and "母亲" not in html and token_of(link) not in html
        assert 'id="recorder"' not in html and 'id="statement-form"' not in html
    # A form left open in another tab cannot send either.
    assert client.post("/s/", {"name": "王芳", "text": WHAT_HAPPENED}).status_code == 200
    assert not EvidenceItem.objects.exists()
    assert client.get(link).status_code == 302
    assert 'value="王芳"' in client.get("/s/").content.decode()


def test_a_phone_that_never_opened_a_link_sees_the_neutral_page(client, link, alice_case):
    html = client.get("/s/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "closed on this phone" in html and alice_case.title not in html and "王芳" not in html


def test_a_link_cancelled_while_open_is_forgotten(client, alice, alice_case, link):
    client.get(link)
    owner = Client()
    owner.force_login(alice)
    owner.post(f"/cases/{alice_case.id}/statement-links/revoke/", {"link": str(StatementLink.objects.get().pk)})
    assert client.get("/s/").status_code == 404  # "this link no longer works"
    again = client.get("/s/", HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 200 and "closed on this phone" in again.content.decode()


def test_sending_from_the_token_free_address_counts_against_the_limit(client, link, settings):
    settings.STATEMENT_LINK_PER_HOUR = 3
    client.get(link, REMOTE_ADDR="203.0.113.9")
    for _ in range(2):
        assert client.post("/s/", {"name": "王芳", "text": " "}, REMOTE_ADDR="203.0.113.9").status_code == 400
    assert client.post("/s/", {"name": "王芳", "text": WHAT_HAPPENED}, REMOTE_ADDR="203.0.113.9").status_code == 429
    assert not EvidenceItem.objects.exists()
    # Reading the page again (no token in it to guess) is not counted.
    assert client.get("/s/", REMOTE_ADDR="203.0.113.9").status_code == 200
