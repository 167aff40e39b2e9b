"""Every URL under /api/v1/ is in the OpenAPI document, with each method it answers, a response
schema for success and the errors it can give.

The URLs come from the URL configuration (harassguard/urls.py → the ninja router) and the methods
from asking each URL (a method the route does not have answers 405 before anything else runs), so
an operation added without a schema, or a method the document forgets, fails here."""

import re

import pytest

from tests.test_url_access import PARAM, all_routes

pytestmark = pytest.mark.django_db

METHODS = ("get", "head", "post", "put", "patch", "delete")
CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")


@pytest.fixture
def document(client):
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    return r.json()


def api_operations(client, alice_objects) -> list[tuple[str, str]]:
    """(OpenAPI path, method) for every method every API URL answers with anything but 405."""
    found = []
    for route, _name in all_routes():
        # The document itself, and the API's root (ninja's, which answers 404 to everything).
        if not route.startswith("/api/v1/") or route in ("/api/v1/openapi.json", "/api/v1/"):
            continue
        url = PARAM.sub(lambda m: str(alice_objects[m.group(1)]), route)
        path = CONVERTER.sub(r"{\1}", route)
        found += [(path, m) for m in METHODS if getattr(client, m)(url).status_code != 405]
    return found


def test_every_api_url_and_method_is_documented(client, alice_objects, document):
    operations = api_operations(client, alice_objects)
    assert len(operations) > 40
    missing = [(path, m) for path, m in operations if m not in document["paths"].get(path, {})]
    assert missing == []


def _schema_of(response: dict) -> list:
    return [c.get("schema") for c in response.get("content", {}).values()]


def test_every_operation_documents_its_answer_and_its_errors(client, alice_objects, document):
    for path, m in api_operations(client, alice_objects):
        op = document["paths"][path][m]
        responses = op["responses"]
        success = {code: r for code, r in responses.items() if code.startswith("2")}
        assert success, (m, path)
        for code, r in success.items():
            # A 204 has no body; every other success says what it holds (JSON schema or a file's media type).
            assert code == "204" or (_schema_of(r) and all(_schema_of(r))), (m, path, code)
        # A statement link's own operations need no sign-in: the link's token is the key, so no 401.
        signed_in = not path.startswith("/api/v1/statement-links/{token}")
        errors = ({"401"} if signed_in else set()) | ({"400", "403", "404"} if "{" in path else set())
        assert errors <= responses.keys(), (m, path, sorted(responses))
        for code in errors:
            assert _schema_of(responses[code]) == [{"$ref": "#/components/schemas/ErrorOut"}], (m, path, code)


def test_the_document_names_the_error_schema_and_the_tus_pieces(document):
    assert document["components"]["schemas"]["ErrorOut"]["required"] == ["error", "code"]
    piece = document["paths"]["/api/v1/uploads/{upload_id}"]["patch"]
    assert list(piece["requestBody"]["content"]) == ["application/offset+octet-stream"]
    headers = {p["name"] for p in piece["parameters"] if p["in"] == "header"}
    assert {"Upload-Offset", "Tus-Resumable"} <= headers
    for code in ("200", "201"):
        assert {"Upload-Offset", "Upload-Length", "Tus-Resumable"} <= piece["responses"][code]["headers"].keys()
    assert {"409", "410", "411", "413"} <= piece["responses"].keys()
    head = document["paths"]["/api/v1/uploads/{upload_id}"]["head"]
    assert "Upload-Offset" in head["responses"]["200"]["headers"]
    pdf = document["paths"]["/api/v1/bundles/{bundle_id}/pdf"]["get"]["responses"]["200"]
    assert list(pdf["content"]) == ["application/pdf"]


def test_documented_errors_really_occur(client, alice_objects, alice_api, bob_api):
    """The generic errors are not only written down: a stranger gets 404, a bad id or query 400 and
    no token 401, each in the {error, code} format (403 for roles: tests/cases/test_case_api_roles.py)."""
    case = alice_objects["case_id"]
    assert client.get(f"/api/v1/cases/{case}/notes", **bob_api).json()["code"] == "not_found"
    assert client.get("/api/v1/cases/not-a-uuid/notes", **alice_api).json()["code"] == "invalid"
    assert client.get(f"/api/v1/cases/{case}/notes").json()["code"] == "unauthenticated"
    r = client.get(f"/api/v1/cases/{case}/evidence?limit=0", **alice_api)
    assert (r.status_code, r.json()["code"]) == (400, "invalid")
