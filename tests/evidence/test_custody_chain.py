import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from evidence.custody import WORKER, chain_first_break, custody_record
from evidence.models import CustodyEvent

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
