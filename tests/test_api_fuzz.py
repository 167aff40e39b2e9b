"""Fuzzing the API from its own OpenAPI document (schemathesis): no input may cause a 500.

Random UUIDs would stop every case, item, upload and bundle operation at the access check,
so each example's ids are replaced by Alice's real ones: the fuzz reaches the code behind
the 404 gate (intake, uploads in pieces, bundles, letters, notes, sharing, statement links)
with the bodies and queries it generates. Every path parameter of the document must have
a real id here (test_every_path_parameter_has_a_real_id), so a new operation is fuzzed past
its access check the day it is added."""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from cases.sharing import invitation_accept, invitation_create
from evidence.bundle.services import bundle_create
from evidence.bundle.shares import share_create
from evidence.custody import Actor
from evidence.export.services import export_create
from evidence.intake.services import evidence_create_statement
from harassguard.wsgi import application
from tests.conftest import make_user


@schemathesis.serializer("application/offset+octet-stream")
def raw_piece(ctx, value) -> bytes:
    """Pieces of an upload in parts are raw bytes."""
    return value if isinstance(value, bytes) else str(value).encode()


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


@pytest.fixture
def token(alice_api):
    return alice_api["HTTP_AUTHORIZATION"]


@pytest.fixture
def real_ids(alice, alice_case, alice_objects):
    """One of each object the API's paths name, all Alice's: a processed statement and a
    bundle really made from it, so its PDF and ZIP downloads have files behind them."""
    ids = {key: str(value) for key, value in alice_objects.items()}
    item, _created = evidence_create_statement(
        case=alice_case,
        actor=Actor(user=alice),
        author_name="王芳",
        relation="母亲",
        contact="13812345678",
        text="催收人员打电话到我单位，说我女儿欠钱不还。",
        fields={},
    )
    bundle = bundle_create(case=alice_case, actor=Actor(user=alice), item_ids=[item.pk])
    bundle.refresh_from_db()
    assert bundle.status == bundle.Status.READY, bundle.error
    export = export_create(case=alice_case, actor=Actor(user=alice), part_mb=1)
    export.refresh_from_db()
    assert export.status == export.Status.READY, export.error
    # A lawyer who really is a member, so revoking by username reaches the service.
    _inv, raw = invitation_create(case=alice_case, actor=Actor(user=alice), role="lawyer")
    invitation_accept(raw=raw, actor=Actor(user=make_user("lola")))
    share, _token = share_create(bundle=bundle, actor=Actor(user=alice), label="派出所")
    return {
        **ids,
        "item_id": str(item.pk),
        "bundle_id": str(bundle.pk),
        "export_id": str(export.pk),
        "share_id": str(share.pk),
        "username": "lola",
    }


def test_every_path_parameter_has_a_real_id(real_ids):
    names = {
        p["name"]
        for operations in schema.raw_schema["paths"].values()
        for operation in operations.values()
        for p in operation.get("parameters", [])
        if p["in"] == "path"
    }
    assert names <= real_ids.keys(), sorted(names - real_ids.keys())


@schema.parametrize()
@settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "25")),
    deadline=None,
    derandomize="FUZZ_EXAMPLES" not in os.environ,
    suppress_health_check=list(HealthCheck),
)
def test_no_request_makes_the_api_fail(case, token, real_ids):
    for name in case.path_parameters or {}:
        if name in real_ids:
            case.path_parameters[name] = real_ids[name]
    if (case.query or {}).get("case"):  # GET /search?case=: Alice's case, so the search runs
        case.query["case"] = real_ids["case_id"]
    response = case.call(headers={"Authorization": token})
    assert response.status_code < 500, (case.method, case.path, response.status_code, response.text[:500])
