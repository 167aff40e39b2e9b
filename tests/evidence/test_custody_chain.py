import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from evidence.custody import WORKER, chain_first_break, custody_record
from evidence.models import READ_ACTIONS_SORTED, CustodyEvent

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
    CustodyEvent.objects.filter(pk=chain[2].pk).update(detail={"n": 99})
    assert chain_first_break(alice_case).pk == chain[2].pk
    with pytest.raises(CommandError):
        call_command("verify_custody")
    assert f"first bad event #{chain[2].pk}" in capsys.readouterr().out


def test_a_deleted_event_is_caught_at_the_next_one(alice_case, chain):
    CustodyEvent.objects.filter(pk=chain[1].pk)._raw_delete(CustodyEvent.objects.db)
    assert chain_first_break(alice_case).pk == chain[2].pk


def test_the_chain_end_and_the_last_change_are_found_by_index_however_long_the_chain(alice_case):
    """Every case view appends an event and reads the newest change: neither may scan the whole chain."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cases.services import analysis_version

    custody_record(case=alice_case, action="note_added", actor=WORKER)
    for n in range(3):
        custody_record(case=alice_case, action="case_viewed", actor=WORKER, n=n)
    with CaptureQueriesContext(connection) as run:
        version = analysis_version(alice_case)
        custody_record(case=alice_case, action="case_viewed", actor=WORKER)
    last_change = next(q["sql"] for q in run.captured_queries if "MAX(" in q["sql"])
    chain_end = next(q["sql"] for q in run.captured_queries if "ORDER BY" in q["sql"] and '"hash"' in q["sql"])
    with connection.cursor() as cursor:
        for sql, index in [(last_change, "custody_last_change"), (chain_end, "custody_chain_end")]:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny test table would be scanned anyway
                cursor.execute("EXPLAIN " + sql)
            else:
                cursor.execute("EXPLAIN QUERY PLAN " + sql)
            # SQLite (make run's database) picks either index for both; PostgreSQL must use the one made for it.
            assert (index if connection.vendor == "postgresql" else "USING INDEX custody_") in str(cursor.fetchall())
    newest_change = alice_case.custody_events.exclude(action__in=READ_ACTIONS_SORTED).latest("id").id
    assert version.endswith(f":{newest_change}")
