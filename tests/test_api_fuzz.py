"""Fuzzing the API from its own OpenAPI document (schemathesis): no input may cause a 500."""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from harassguard.wsgi import application


@schemathesis.serializer("application/offset+octet-stream")
def raw_piece(ctx, value) -> dict:
    """Pieces of an upload in parts are raw bytes."""
    return {"data": value if isinstance(value, bytes) else str(value).encode()}


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


@pytest.fixture
def token(alice_api):
    return alice_api["HTTP_AUTHORIZATION"]


@schema.parametrize()
@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "25")), deadline=None, derandomize="FUZZ_EXAMPLES" not in os.environ,
          suppress_health_check=list(HealthCheck))
def test_no_request_makes_the_api_fail(case, token, alice_case):
    response = case.call(headers={"Authorization": token})
    assert response.status_code < 500, (case.method, case.path, response.status_code, response.text[:500])
