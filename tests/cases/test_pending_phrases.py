"""A case with many unchecked phrases: the case page shows the first ones, the phrases page all of them."""

import hashlib
import re

import pytest

from cases.views import PENDING_ON_CASE_PAGE
from evidence.models import EvidenceItem, Transcript

pytestmark = pytest.mark.django_db

THREAT = "你再不还钱就去你单位找你"


@pytest.fixture
def many_phrases(alice, alice_case):
    for n in range(PENDING_ON_CASE_PAGE + 3):
        sha = hashlib.sha256(f"call {n}".encode()).hexdigest()
        item = EvidenceItem.objects.create(
            case=alice_case,
            kind="call_recording",
            original_filename=f"13800000{n:03d}_2025051{n % 10}120000.amr",
            stored_name=sha,
            size=1000,
            mime="audio/amr",
            sha256=sha,
            status="ready",
            uploaded_by=alice,
        )
        Transcript.objects.create(
            item=item,
            original_sha256=sha,
            engine="openai-whisper",
            model="base",
            language="zh",
            segments=[{"start": 4.0, "end": 8.0, "text": f"{THREAT}{n}"}],
            text=f"{THREAT}{n}",
        )
    return alice_case


def confirm_forms(page: str) -> int:
    return len(re.findall(r'<form method="post" action="/items/[^"]+/transcript/" class="choices">', page))


def test_the_case_page_shows_the_first_phrases_and_links_to_all(client, alice, many_phrases):
    client.force_login(alice)
    page = client.get(f"/cases/{many_phrases.id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert confirm_forms(page) == PENDING_ON_CASE_PAGE
    assert f'<span class="badge">{PENDING_ON_CASE_PAGE + 3}</span>' in page
    assert f'href="/cases/{many_phrases.id}/phrases/">See all {PENDING_ON_CASE_PAGE + 3} phrases' in page

    everything = client.get(f"/cases/{many_phrases.id}/phrases/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert confirm_forms(everything) == PENDING_ON_CASE_PAGE + 3
    assert all(f"{THREAT}{n}" in everything for n in range(PENDING_ON_CASE_PAGE + 3))
    assert "See all" not in everything


def test_confirming_from_the_phrases_page_comes_back_to_it(client, alice, many_phrases):
    client.force_login(alice)
    page = client.get(f"/cases/{many_phrases.id}/phrases/").content.decode()
    item, segment = re.search(r'action="/items/([^/]+)/transcript/".*?name="id" value="(\d+)"', page).groups()
    r = client.post(
        f"/items/{item}/transcript/",
        {"id": segment, "speaker": "collector", "next": f"/cases/{many_phrases.id}/phrases/#pending-phrases"},
    )
    assert r.status_code == 302 and r["Location"] == f"/cases/{many_phrases.id}/phrases/#pending-phrases"


def test_strangers_do_not_find_the_phrases_page(client, bob, many_phrases):
    client.force_login(bob)
    assert client.get(f"/cases/{many_phrases.id}/phrases/").status_code == 404
