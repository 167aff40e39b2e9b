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
    page = client.post(
        f"/cases/{alice_case.id}/statement-links/", {"name": "王芳", "relation": "母亲"}
    ).content.decode()
    client.logout()
    return re.search(r"http://testserver(/s/[^<\s]+/)", page).group(1)


def test_a_relative_sends_a_statement_with_a_screenshot_once(client, alice_case, link, media):
    page = client.get(link, follow=True).content.decode()  # on to /s/: the token kept in the session
    assert "王芳" in page and alice_case.title not in page
    assert 'value="王芳"' in page  # the owner's name for her, for her to confirm or correct
    r = client.post(
        link,
        {
            "name": "王芳芳",
            "text": "5月12日晚上，13812345678打给我说我女儿欠钱。",
            "willing": "on",
            "contact": "139…",
            "counterparty_number": "13812345678",
            "files": [SimpleUploadedFile("shot.png", png_bytes())],
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert r.status_code == 200 and "Thank you" in r.content.decode()
    statement = EvidenceItem.objects.get(kind="statement")
    # The witness's own name is the statement's author; the owner's label is kept beside it.
    assert statement.author_name == "王芳芳" and statement.author_relation == "母亲"
    assert statement.metadata["name_given_by_owner"] == "王芳"
    from evidence.storage.originals import evidence_storage

    with evidence_storage().open(statement.stored_name, "rb") as fh:
        assert "经一次性链接在线提交，提交人身份未经核验" in fh.read().decode()
    assert statement.metadata["willing_to_testify"] is True and statement.uploaded_by is None
    shot = EvidenceItem.objects.get(kind="screenshot")
    assert shot.case == alice_case and shot.metadata["statement"] == str(statement.pk)
    assert CustodyEvent.objects.filter(action="statement_link_used").exists()
    assert client.get(link).status_code == 404
    again = client.post(link, {"text": "再来一次"})
    assert again.status_code == 404 and EvidenceItem.objects.filter(kind="statement").count() == 1


def test_a_bad_attachment_stores_nothing_and_keeps_the_link_open(client, link, media):
    r = client.post(
        link,
        {
            "name": "王芳",
            "text": "他们打给我",
            "files": [SimpleUploadedFile("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>')],
        },
    )
    assert r.status_code == 400
    assert not EvidenceItem.objects.exists()
    assert client.get(link, follow=True).status_code == 200
    assert not os.listdir(media / "tmp")


def test_an_empty_statement_is_refused(client, link):
    assert client.post(link, {"name": "王芳", "text": "   "}).status_code == 400
    assert client.post(link, {"name": " ", "text": "他们打给我"}).status_code == 400  # no name: refused
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


def test_a_witness_statement_becomes_a_printable_form_and_its_signed_scan_is_linked(
    client, alice, alice_case, link, media
):
    import subprocess

    client.post(
        link,
        {
            "name": "王芳",
            "text": "5月12日晚上，13812345678打给我说我女儿欠钱。",
            "willing": "on",
            "contact": "13911112222",
        },
    )
    statement = EvidenceItem.objects.get(kind="statement")
    client.force_login(alice)
    page = client.get(f"/items/{statement.id}/").content.decode()
    assert f"/items/{statement.id}/witness-form/" in page
    r = client.get(f"/items/{statement.id}/witness-form/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = subprocess.run(["pdftotext", "-", "-"], input=r.content, capture_output=True, check=True).stdout.decode()
    flat = text.replace("\n", "").replace(" ", "")
    for field in (
        "证人证言",
        "姓名",
        "性别",
        "出生日期",
        "身份证号",
        "住址",
        "联系方式",
        "与当事人关系",
        "王芳",
        "13911112222",
        "打给我说我女儿欠钱",
        "以上内容属实，如有虚假愿承担法律责任",
        "如需要，本人愿意出庭作证",
        "签名",
        "指印",
        "日期",
        "附：证人身份证复印件",
        "经一次性链接在线提交的陈述（提交人身份未经核验）",
    ):
        assert field in flat, field
    assert CustodyEvent.objects.filter(action="witness_form_exported", item=statement).exists()
    r = client.post(f"/items/{statement.id}/signed-form/", {"file": SimpleUploadedFile("signed.png", png_bytes())})
    scan = EvidenceItem.objects.get(kind="witness_form")
    assert r.status_code == 302 and scan.signed_form_of == statement and scan.author_name == "王芳"
    assert list(statement.signed_forms.all()) == [scan]


def test_the_victims_own_account_is_not_a_witness_statement(client, alice, alice_case, alice_api):
    r = client.post(
        f"/api/v1/cases/{alice_case.id}/evidence",
        {"kind": "statement", "author_name": "李明", "relation": "本人", "text": "我每天接到催收电话。"},
        **alice_api,
    )
    client.force_login(alice)
    item_id = r.json()["id"]
    assert client.get(f"/items/{item_id}/witness-form/").status_code == 404
    assert "witness-form" not in client.get(f"/items/{item_id}/").content.decode()
