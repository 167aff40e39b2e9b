import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Max
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

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


def test_the_chain_end_and_the_last_change_are_found_through_their_indexes(alice, alice_case):
    """Every case view appends an event and reads the newest change. On a table shaped like a real
    site's (many cases, their events interleaved in time, most of them views) and with its statistics,
    PostgreSQL finds both through their own index instead of walking the whole table backwards."""
    from django.db import connection

    from cases.models import Case
    from cases.services import analysis_version

    if connection.vendor != "postgresql":
        pytest.skip("query plans are PostgreSQL's; CI runs this test on PostgreSQL")
    cases = Case.objects.bulk_create([Case(owner=alice, title=f"case {n}") for n in range(600)])
    now = timezone.now()
    rows = [
        CustodyEvent(
            case=case,
            action="case_viewed" if n % 10 else "note_added",
            at=now,
            prev_hash="0" * 64,
            hash=f"{case.pk.hex}{n:032x}",
        )
        for n in range(50)
        for case in cases
    ]
    CustodyEvent.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {CustodyEvent._meta.db_table}")
    case = cases[7]
    chain_end = CustodyEvent.objects.filter(case=case).order_by("-id").values_list("hash", flat=True)[:1]
    last_change = case.custody_events.exclude(action__in=READ_ACTIONS_SORTED).aggregate(latest=Max("id"))
    assert "custody_chain_end" in chain_end.explain()
    with CaptureQueriesContext(connection) as queries:
        analysis_version(case)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + queries.captured_queries[0]["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "custody_last_change" in plan, plan
    assert last_change["latest"] == max(r.id for r in rows if r.case_id == case.pk and r.action == "note_added")


def test_looking_at_a_case_does_not_change_its_analysis_version(alice_case):
    from cases.services import analysis_version

    custody_record(case=alice_case, action="note_added", actor=WORKER)
    change = custody_record(case=alice_case, action="manual_event_added", actor=WORKER)
    for n in range(3):
        custody_record(case=alice_case, action="case_viewed", actor=WORKER, n=n)
    assert analysis_version(alice_case).endswith(f":{change.id}")
