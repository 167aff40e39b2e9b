"""Statement-link pages are limited per address (STATEMENT_LINK_PER_HOUR), like sign-up and
/verify/: a flood of submissions or link guesses gets 429, another address is not affected."""

import re

import pytest

from evidence.models import EvidenceItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def link(client, alice, alice_case):
    client.force_login(alice)
    page = client.post(
        f"/cases/{alice_case.id}/statement-links/", {"name": "王芳", "relation": "母亲"}
    ).content.decode()
    client.logout()
    return re.search(r"http://testserver(/s/[^<\s]+/)", page).group(1)


def test_statement_link_guesses_from_one_address_are_limited(client, link, settings):
    settings.STATEMENT_LINK_PER_HOUR = 5
    for n in range(5):
        assert client.get(f"/s/guess-{n}/", REMOTE_ADDR="203.0.113.9").status_code == 404
    r = client.get(link, REMOTE_ADDR="203.0.113.9", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 429 and 0 < int(r["Retry-After"]) <= 3600
    assert "Too many attempts" in r.content.decode()
    refused = client.post(link, {"name": "王芳", "text": "他们打给我"}, REMOTE_ADDR="203.0.113.9")
    assert refused.status_code == 429 and not EvidenceItem.objects.exists()
    # The relative on another connection still gets through.
    assert client.get(link, REMOTE_ADDR="198.51.100.7", follow=True).status_code == 200
    assert client.post(link, {"name": "王芳", "text": "他们打给我"}, REMOTE_ADDR="198.51.100.7").status_code == 200
    assert EvidenceItem.objects.filter(kind="statement").count() == 1


def test_behind_a_proxy_the_limit_is_per_client_not_per_proxy(client, link, settings):
    settings.STATEMENT_LINK_PER_HOUR = 3
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "172.18.0.1"}
    for _ in range(3):
        assert client.get("/s/guess/", HTTP_X_FORWARDED_FOR="203.0.113.9", **proxy).status_code == 404
    assert client.get(link, HTTP_X_FORWARDED_FOR="203.0.113.9", **proxy).status_code == 429
    assert client.get(link, HTTP_X_FORWARDED_FOR="198.51.100.7", follow=True, **proxy).status_code == 200
