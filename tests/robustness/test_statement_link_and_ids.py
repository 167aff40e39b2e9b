"""A statement link is spent only once the statement and its files are stored, and a
malformed id in any form is the sender's mistake (400/404), never a 500."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import StatementLink
from evidence.intake import services
from evidence.models import CustodyEvent, EvidenceItem
from tests.conftest import png_bytes

pytestmark = pytest.mark.django_db

MALFORMED = ["not-a-uuid", "1", "' OR 1=1 --", "../../etc/passwd", "0" * 5000, "\u202e", ""]


@pytest.fixture
def link(client, alice, alice_case):
    client.force_login(alice)
    page = client.post(
        f"/cases/{alice_case.id}/statement-links/", {"name": "王芳", "relation": "母亲"}
    ).content.decode()
    client.logout()
    return re.search(r"http://testserver(/s/[^<\s]+/)", page).group(1)


def _send(client, link):
    return client.post(
        link,
        {
            "name": "王芳",
            "text": "5月12日晚上，13812345678打给我。",
            "contact": "139",
            "files": [SimpleUploadedFile("a.png", png_bytes()), SimpleUploadedFile("b.png", png_bytes((10, 200, 10)))],
        },
    )


def test_a_failure_while_storing_keeps_the_link_open_and_stores_nothing(client, link, monkeypatch, media):
    real = services.evidence_create
    calls = []

    def fail_on_the_second_file(**kwargs):
        calls.append(kwargs)
        if len(calls) == 3:  # the statement, the first screenshot, then the disk fails
            raise OSError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(services, "evidence_create", fail_on_the_second_file)
    client.raise_request_exception = False
    assert _send(client, link).status_code == 500
    assert StatementLink.objects.get().used_at is None
    assert not EvidenceItem.objects.exists()
    assert not CustodyEvent.objects.filter(action__in=["received", "statement_link_used"]).exists()
    assert not any((media / "evidence").rglob("originals/*/*")), "a rolled-back file was left in storage"

    monkeypatch.setattr(services, "evidence_create", real)
    assert _send(client, link).status_code == 200
    assert EvidenceItem.objects.count() == 3
    assert StatementLink.objects.get().used_at is not None


@pytest.mark.parametrize("value", MALFORMED)
def test_malformed_ids_in_the_owners_forms_are_refused_not_500(client, alice, alice_case, value):
    client.force_login(alice)
    client.raise_request_exception = False
    for path, field in [("statement-links/revoke/", "link"), ("sharing/revoke/", "invitation")]:
        r = client.post(f"/cases/{alice_case.id}/{path}", {field: value})
        assert r.status_code in (302, 400, 404), (path, value, r.status_code)
    for path in [f"/s/{value or 'x'}/", f"/invitations/{value or 'x'}/"]:
        r = client.get(path)
        assert r.status_code in (302, 400, 404), (path, r.status_code)


@pytest.mark.parametrize("value", MALFORMED[:4])
def test_malformed_ids_in_the_api_are_refused_not_500(client, alice_case, alice_api, value):
    client.raise_request_exception = False
    r = client.post(
        f"/api/v1/cases/{alice_case.id}/bundles", {"items": [value]}, content_type="application/json", **alice_api
    )
    assert r.status_code in (400, 404, 422), r.status_code
    for path in [f"/api/v1/evidence/{value}", f"/api/v1/bundles/{value}", f"/api/v1/uploads/{value}"]:
        assert client.get(path, **alice_api).status_code in (400, 404, 422), path
