import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from evidence.custody import WORKER, chain_first_break, custody_record
from evidence.models import READ_ACTIONS_SORTED, CustodyEvent
from tests.evidence.test_custody_proofs import as_database_owner

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(alice_case):
    return [custody_record(case=alice_case, action=f"step{i}", actor=WORKER, n=i) for i in range(4)]


def test_an_untouched_chain_verifies(alice_case, chain, capsys):
    assert chain_first_break(alice_case) is None
    assert chain[1].prev_hash == chain[0].hash
    call_command("verify_custody")
    assert "every chain intact" in capsys.readouterr().out


def test_a_changed_event_is_named(alice_case, chain, capsys):
    with as_database_owner():
        CustodyEvent.objects.filter(pk=chain[2].pk).update(detail={"n": 99})
    assert chain_first_break(alice_case).pk == chain[2].pk
    with pytest.raises(CommandError):
        call_command("verify_custody")
    assert f"first bad event #{chain[2].pk}" in capsys.readouterr().out


def test_a_deleted_event_is_caught_at_the_next_one(alice_case, chain):
    with as_database_owner():
        CustodyEvent.objects.filter(pk=chain[1].pk)._raw_delete(CustodyEvent.objects.db)
    assert chain_first_break(alice_case).pk == chain[2].pk


def test_the_chain_end_and_the_last_change_have_indexes_of_their_own(alice_case):
    """Every case view appends an event and reads the newest change: both look up a case's events by id,
    and the last change skips the views, so neither may scan a chain that grows with every view.
    (Which index PostgreSQL picks depends on its statistics; bench/load.py shows the effect.)"""
    from django.db import connection

    from cases.services import analysis_version

    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, CustodyEvent._meta.db_table)
    assert found["custody_chain_end"]["columns"] == ["case_id", "id"]
    assert found["custody_last_change"]["columns"] == ["case_id", "id"]
    # The partial index leaves out exactly the actions the analysis ignores, listed in the same order as the query's.
    condition = next(i for i in CustodyEvent._meta.indexes if i.name == "custody_last_change").condition
    assert condition.children == [("action__in", READ_ACTIONS_SORTED)] and condition.negated
    custody_record(case=alice_case, action="note_added", actor=WORKER)
    change = custody_record(case=alice_case, action="manual_event_added", actor=WORKER)
    for n in range(3):
        custody_record(case=alice_case, action="case_viewed", actor=WORKER, n=n)
    assert analysis_version(alice_case).endswith(f":{change.id}")
