"""Bundles made before verification codes existed each get their own code from the migration."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE, AFTER = [("evidence", "0005_custody_indexes")], [("evidence", "0006_bundle_verify_secret")]


def state_at(target):
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    executor.loader.build_graph()
    return executor.loader.project_state(target).apps


def test_each_existing_bundle_gets_its_own_code():
    apps = state_at(BEFORE)
    user = apps.get_model("auth", "User").objects.create(username="old")
    case = apps.get_model("cases", "Case").objects.create(owner_id=user.pk, title="旧案件")
    Bundle = apps.get_model("evidence", "Bundle")
    for _ in range(3):
        Bundle.objects.create(case_id=case.pk, created_by_id=user.pk, status="ready")
    try:
        codes = list(state_at(AFTER).get_model("evidence", "Bundle").objects.values_list("verify_secret", flat=True))
        assert len(codes) == 3 and len(set(codes)) == 3 and all(len(c) >= 22 for c in codes)
    finally:
        state_at(MigrationExecutor(connection).loader.graph.leaf_nodes())
