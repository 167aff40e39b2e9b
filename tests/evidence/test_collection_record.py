"""Each exhibit in a bundle's manifest carries its collection record (Berkeley Protocol): who
collected it (a role, not a name), how, with which tool and version, original or working copy."""

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import Membership
from cases.statement_links import link_create, statement_submit
from evidence.bundle.collection import client_family, harassguard_version
from evidence.custody import Actor
from evidence.models import Bundle, EvidenceItem
from tests.conftest import bearer, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
NOTICE = ("逾期通知：" + "请于三日内还款，否则将联系您的紧急联系人。" * 200).encode()


def manifest_of(client, case, api, capture) -> dict:
    with capture(execute=True):
        r = client.post(f"/api/v1/cases/{case.id}/bundles", {}, content_type="application/json", **api)
    bundle = Bundle.objects.get(pk=r.json()["id"])
    assert bundle.status == "ready", bundle.error
    data = b"".join(client.get(f"/api/v1/bundles/{bundle.id}/zip", **api).streaming_content)
    return json.loads(zipfile.ZipFile(io.BytesIO(data)).read("manifest.json"))


def test_the_manifest_says_who_collected_each_exhibit_how_and_with_what(
    client, alice, alice_case, alice_api, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(
            f"/api/v1/cases/{alice_case.id}/evidence",
            {"file": SimpleUploadedFile("notice.txt", NOTICE), "kind": "document"},
            HTTP_USER_AGENT="curl/8.5.0",
            **alice_api,
        )
        assert r.status_code == 201
        # A lawyer on the case reads and bundles; only the owner uploads (cases/access.py).
        lawyer = make_user("lawyer_zhang")
        Membership.objects.create(case=alice_case, user=lawyer, role=Membership.Role.LAWYER)
        client.force_login(alice)
        r = client.post(
            f"/cases/{alice_case.id}/upload/",
            {"file": SimpleUploadedFile("contract.txt", "借款合同 编号 2025-0512".encode() * 50), "kind": "document"},
            HTTP_USER_AGENT="Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
        )
        assert r.status_code in (200, 302)
        _link, raw = link_create(case=alice_case, actor=Actor(user=alice), name="王芳", relation="母亲")
        statement_submit(
            raw=raw,
            actor=Actor(
                user=None,
                user_agent="Mozilla/5.0 (iPhone) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1",
            ),
            text="催收人员打电话到我单位，说我女儿欠钱不还。",
            contact="13812345678",
            willing=True,
            fields={},
            uploads=[],
        )
    assert EvidenceItem.objects.filter(case=alice_case).count() == 3
    manifest = manifest_of(client, alice_case, bearer(alice), django_capture_on_commit_callbacks)
    records = {e["original_filename"]: e["collection"] for e in manifest["items"]}
    notice, contract = records["notice.txt"], records["contract.txt"]
    [statement] = [c for name, c in records.items() if name.startswith("statement-")]

    assert (notice["collected_by"], notice["method"], notice["tool"]["client"]) == ("owner", "api", "curl")
    assert (contract["collected_by"], contract["method"], contract["tool"]["client"]) == (
        "owner",
        "upload_page",
        "Chrome",
    )
    assert (statement["collected_by"], statement["method"], statement["tool"]["client"]) == (
        "witness",
        "statement_link",
        "Safari",
    )
    for record in records.values():
        assert (
            record["tool"]["name"] == "HarassGuard" and record["tool"]["version"] == harassguard_version() != "unknown"
        )
        assert record["copy"] == "evidentiary_original" and "working copies" in record["copy_note"]
    text = json.dumps(records, ensure_ascii=False)
    assert "lawyer_zhang" not in text and "alice" not in text and "13812345678" not in text  # roles, not people


def test_a_user_agent_is_reduced_to_its_family():
    assert (
        client_family(
            "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36 MicroMessenger/8.0"
        )
        == "WeChat"
    )
    assert client_family("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0") == "Firefox"
    assert client_family("python-requests/2.32.3") == "python-requests"
    assert client_family("") == ""
