"""A harassed mother gets a link, writes what happened, attaches her screenshot — once."""

import os
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.models import StatementLink
from evidence.models import CustodyEvent, EvidenceItem
from tests.conftest import png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def link(client, alice, alice_case):
    client.force_login(alice)
    page = client.post(f"/cases/{alice_case.id}/statement-links/", {"name": "王芳", "relation": "母亲"}).content.decode()
    client.logout()
    return re.search(r"http://testserver(/s/[^<\s]+/)", page).group(1)


def test_a_relative_sends_a_statement_with_a_screenshot_once(client, alice_case, link, media):
    page = client.get(link).content.decode()
    assert "王芳" in page and alice_case.title not in page
    r = client.post(link, {"text": "5月12日晚上，13812345678打给我说我女儿欠钱。", "willing": "on", "contact": "139…",
                           "counterparty_number": "13812345678", "files": [SimpleUploadedFile("shot.png", png_bytes())]},
                    HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200 and "Thank you" in r.content.decode()
    statement = EvidenceItem.objects.get(kind="statement")
    assert statement.author_name == "王芳" and statement.author_relation == "母亲"
    assert statement.metadata["willing_to_testify"] is True and statement.uploaded_by is None
    shot = EvidenceItem.objects.get(kind="screenshot")
    assert shot.case == alice_case and shot.metadata["statement"] == str(statement.pk)
    assert CustodyEvent.objects.filter(action="statement_link_used").exists()
    assert client.get(link).status_code == 404
    again = client.post(link, {"text": "再来一次"})
    assert again.status_code == 404 and EvidenceItem.objects.filter(kind="statement").count() == 1


def test_a_bad_attachment_stores_nothing_and_keeps_the_link_open(client, link, media):
    r = client.post(link, {"text": "他们打给我", "files": [SimpleUploadedFile("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>')]})
    assert r.status_code == 400
    assert not EvidenceItem.objects.exists()
    assert client.get(link).status_code == 200
    assert not os.listdir(media / "tmp")


def test_an_empty_statement_is_refused(client, link):
    assert client.post(link, {"text": "   "}).status_code == 400
    assert not EvidenceItem.objects.exists()


def test_expired_and_cancelled_links_do_not_work(client, alice, alice_case, link):
    StatementLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(link).status_code == 404
    StatementLink.objects.update(expires_at=timezone.now() + timedelta(days=1))
    client.force_login(alice)
    client.post(f"/cases/{alice_case.id}/statement-links/revoke/", {"link": str(StatementLink.objects.get().pk)})
    client.logout()
    assert client.get(link).status_code == 404


def test_only_the_owner_makes_links(client, alice_case, bob):
    client.force_login(bob)
    assert client.post(f"/cases/{alice_case.id}/statement-links/", {"name": "x", "relation": "y"}).status_code == 404
    assert not StatementLink.objects.exists()
