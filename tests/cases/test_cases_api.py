import pytest

from evidence.models import CustodyEvent

pytestmark = pytest.mark.django_db


def test_a_token_is_issued_for_the_right_password(client, alice):
    r = client.post(
        "/api/v1/auth/token", {"username": "alice", "password": "correct horse 42"}, content_type="application/json"
    )
    assert r.status_code == 200
    token = r.json()["token"]
    assert client.get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200


def test_a_wrong_password_gets_401_in_the_error_format(client, alice):
    r = client.post("/api/v1/auth/token", {"username": "alice", "password": "nope"}, content_type="application/json")
    assert r.status_code == 401
    assert r.json()["code"] == "invalid_credentials"


def test_the_api_refuses_callers_without_credentials(client):
    r = client.get("/api/v1/cases")
    assert r.status_code == 401
    assert r.json()["code"] == "unauthenticated"
    assert client.get("/api/v1/cases", HTTP_AUTHORIZATION="Bearer not-a-token").status_code == 401


def test_a_case_is_created_listed_and_read(client, alice_api):
    r = client.post(
        "/api/v1/cases",
        {"title": "小米借贷逾期催收", "platform": "小米借贷", "description": "每天二十个电话"},
        content_type="application/json",
        **alice_api,
    )
    assert r.status_code == 201, r.content
    case_id = r.json()["id"]
    assert [c["id"] for c in client.get("/api/v1/cases", **alice_api).json()] == [case_id]
    assert client.get(f"/api/v1/cases/{case_id}", **alice_api).json()["title"] == "小米借贷逾期催收"
    assert CustodyEvent.objects.filter(case_id=case_id, action="case_created").exists()


@pytest.mark.parametrize("payload", [{"title": ""}, {"title": "   "}, {"platform": "x"}, {"title": "x" * 201}])
def test_a_case_without_a_proper_title_is_refused(client, alice_api, payload):
    r = client.post("/api/v1/cases", payload, content_type="application/json", **alice_api)
    assert r.status_code == 400
    assert r.json()["code"] == "invalid"


def test_the_browser_session_works_for_the_api(client, alice):
    client.force_login(alice)
    assert client.get("/api/v1/cases").status_code == 200


def test_the_openapi_document_describes_the_endpoints(client):
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    for path in [
        "/api/v1/auth/token",
        "/api/v1/cases",
        "/api/v1/cases/{case_id}",
        "/api/v1/cases/{case_id}/evidence",
        "/api/v1/evidence/{item_id}",
        "/api/v1/evidence/{item_id}/original",
    ]:
        assert path in paths
    upload = paths["/api/v1/cases/{case_id}/evidence"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]


def test_a_bad_token_on_a_post_gets_401_not_a_csrf_error(client, alice_case):
    r = client.post(f"/api/v1/cases/{alice_case.id}/evidence", {"kind": "statement"}, HTTP_AUTHORIZATION="Bearer nope")
    assert r.status_code == 401
    assert r.json()["code"] == "unauthenticated"


def test_a_session_post_without_the_csrf_token_is_refused(alice, alice_case):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    r = browser.post("/api/v1/cases", {"title": "x"}, content_type="application/json")
    assert r.status_code == 403


@pytest.mark.parametrize(
    "url,payload",
    [("/api/v1/auth/token", {"username": "a\x00b", "password": "x"}), ("/api/v1/cases", {"title": "a\x00b"})],
)
def test_nul_characters_are_refused_not_a_server_error(client, alice_api, url, payload):
    # Found by the API fuzz test: PostgreSQL cannot store NUL in text.
    r = client.post(url, payload, content_type="application/json", **alice_api)
    assert r.status_code == 400 and r.json()["code"] == "invalid"
