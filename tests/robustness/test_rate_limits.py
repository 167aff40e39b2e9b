"""Statement-link pages are limited per address: a flood of submissions or guesses gets 429,
another address is not affected, and the counts are shared through the configured cache."""

import re

import pytest
from django.core.cache import caches

from evidence.models import EvidenceItem
from harassguard.lib import ratelimit

pytestmark = pytest.mark.django_db


@pytest.fixture
def link(client, alice, alice_case):
    client.force_login(alice)
    page = client.post(f"/cases/{alice_case.id}/statement-links/", {"name": "王芳", "relation": "母亲"}).content.decode()
    client.logout()
    return re.search(r"http://testserver(/s/[^<\s]+/)", page).group(1)


def test_statement_link_guesses_from_one_address_are_limited(client, link, settings):
    settings.STATEMENT_LINK_PER_HOUR = 5
    for n in range(5):
        assert client.get(f"/s/guess-{n}/", REMOTE_ADDR="203.0.113.9").status_code == 404
    r = client.get(link, REMOTE_ADDR="203.0.113.9", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 429 and int(r["Retry-After"]) <= 3600
    assert "Too many requests" in r.content.decode()
    refused = client.post(link, {"text": "他们打给我"}, REMOTE_ADDR="203.0.113.9")
    assert refused.status_code == 429 and not EvidenceItem.objects.exists()
    # The relative on another connection still gets through.
    assert client.get(link, REMOTE_ADDR="198.51.100.7").status_code == 200
    assert client.post(link, {"text": "他们打给我"}, REMOTE_ADDR="198.51.100.7").status_code == 200


def test_counts_live_in_the_shared_cache_not_in_clear(rf, settings):
    settings.STATEMENT_LINK_PER_HOUR = 2
    request = rf.get("/s/x/", REMOTE_ADDR="203.0.113.9")
    assert [ratelimit.rate_limited(request, "statement-link", 2) for _ in range(3)] == [False, False, True]
    keys = list(caches["ratelimit"]._cache.keys())
    assert keys and not any("203.0.113.9" in k for k in keys)


def test_a_limit_of_zero_means_none(rf):
    request = rf.get("/s/x/")
    assert not any(ratelimit.rate_limited(request, "statement-link", 0) for _ in range(100))
