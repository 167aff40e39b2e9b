"""The custody record cannot be cut or rewritten quietly: a keyed chain, time-stamped heads,
append-only rows in PostgreSQL, and every item checked against its 'received' event."""

import hashlib
import hmac
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from evidence import custody
from evidence.custody import WORKER, custody_record, event_canonical
from evidence.custody_anchors import anchor_due_heads, cases_due, custody_anchor
from evidence.custody_check import custody_problems
from evidence.models import CustodyAnchor, CustodyEvent, EvidenceItem
from evidence.storage.originals import original_name
from tests.tsa_server import LocalTsa

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the trigger is PostgreSQL's")


@pytest.fixture
def chain(alice_case):
    return [custody_record(case=alice_case, action=f"step{i}", actor=WORKER, n=i) for i in range(5)]


@contextmanager
def as_database_owner():
    """What someone with the database's superuser rights (not the custody key) can do: skip the triggers."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
    yield
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = origin")


def relink(events, key: bytes | None):
    """Recompute every link after an edit, as a forger would: plain SHA-256 (key None) or an HMAC."""
    prev = custody.GENESIS
    for event in events:
        event.refresh_from_db()
        event.prev_hash = prev
        body = event_canonical(event)
        prev = hmac.new(key, body, hashlib.sha256).hexdigest() if key else hashlib.sha256(body).hexdigest()
        CustodyEvent.objects.filter(pk=event.pk).update(prev_hash=event.prev_hash, hash=prev)


def test_an_untouched_record_checks_out_and_the_key_lives_outside_the_database(alice_case, chain, settings, capsys):
    assert custody_problems(alice_case) == []
    call_command("verify_custody")
    assert "every chain intact" in capsys.readouterr().out
    assert oct(settings.CUSTODY_KEY_FILE.stat().st_mode & 0o777) == oct(0o600)
    key = custody.custody_key()
    assert len(key) == 32 and chain[0].hash == hmac.new(key, event_canonical(chain[0]), hashlib.sha256).hexdigest()


def test_a_bad_custody_key_setting_is_refused_by_name(settings):
    settings.CUSTODY_KEY = "too short"
    with pytest.raises(ImproperlyConfigured, match="CUSTODY_KEY"):
        custody.custody_key()


@postgres_only
def test_postgresql_refuses_to_change_or_delete_custody_rows(alice_case, chain):
    for attempt in (
        lambda: CustodyEvent.objects.filter(pk=chain[2].pk).update(detail={"n": 99}),
        lambda: CustodyEvent.objects.filter(pk=chain[4].pk).delete(),
        lambda: CustodyEvent.objects.filter(pk=chain[4].pk)._raw_delete(CustodyEvent.objects.db),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()
    anchor = custody_anchor(alice_case, "bundle")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        CustodyAnchor.objects.filter(pk=anchor.pk).update(events=1)
    assert CustodyEvent.objects.filter(case=alice_case).count() == 5


def test_a_chain_rewritten_with_recomputed_hashes_is_caught_without_the_key(alice_case, chain, capsys):
    with as_database_owner():
        CustodyEvent.objects.filter(pk=chain[2].pk).update(detail={"n": 99})
        relink(chain, key=None)  # the unkeyed SHA-256 chain the review showed could be recomputed
    assert any("rewritten: first bad event" in p for p in custody_problems(alice_case))
    with as_database_owner():
        relink(chain, key=b"k" * 32)  # a guessed key does no better
    with pytest.raises(CommandError):
        call_command("verify_custody")
    assert f"first bad event #{chain[0].pk}" in capsys.readouterr().out


def test_a_deleted_event_breaks_the_link(alice_case, chain):
    with as_database_owner():
        CustodyEvent.objects.filter(pk=chain[1].pk)._raw_delete(CustodyEvent.objects.db)
    assert custody_problems(alice_case) == [
        f"link broken: first bad event #{chain[2].pk} (step2 at {chain[2].at.isoformat()}): "
        "the event before it was deleted or changed"
    ]


def test_a_cut_tail_is_caught_against_the_time_stamped_head(alice_case, chain):
    custody_anchor(alice_case, "periodic")
    assert custody_problems(alice_case) == []
    with as_database_owner():
        CustodyEvent.objects.filter(pk__in=[chain[3].pk, chain[4].pk])._raw_delete(CustodyEvent.objects.db)
    problems = custody_problems(alice_case)
    assert len(problems) == 1 and problems[0].startswith("cut tail: the chain has 3 event(s), but 5 were")


def test_a_whole_chain_rewritten_with_the_key_is_caught_by_its_anchor(alice_case, chain):
    custody_anchor(alice_case, "bundle")
    with as_database_owner():
        CustodyEvent.objects.filter(pk=chain[1].pk).update(detail={"n": "changed"})
        relink(chain, key=custody.custody_key())  # someone who also stole the key
    assert [p.split(":")[0] for p in custody_problems(alice_case)] == ["rewritten chain"]


def test_a_deleted_chain_is_caught(alice_case, send):
    item = send("note.txt", "记录".encode(), "document")
    custody_anchor(alice_case, "periodic")
    with as_database_owner():
        CustodyEvent.objects.filter(case=alice_case)._raw_delete(CustodyEvent.objects.db)
    problems = custody_problems(alice_case)
    assert problems[0].startswith("deleted chain") and any(p.startswith("cut tail") for p in problems)
    assert f"item {item.pk} (note.txt) has no 'received' custody event" in problems


def test_items_are_checked_against_their_received_event(alice_case, alice, send):
    item = send("note.txt", "记录".encode(), "document")
    assert custody_problems(alice_case) == []
    sha = hashlib.sha256(b"planted").hexdigest()
    planted = EvidenceItem.objects.create(
        case=alice_case,
        kind="document",
        original_filename="planted.txt",
        stored_name=original_name(sha),
        size=7,
        mime="text/plain",
        sha256=sha,
    )
    EvidenceItem.objects.filter(pk=item.pk).update(sha256=sha[::-1], size=99)
    problems = custody_problems(alice_case)
    assert f"item {planted.pk} (planted.txt) has no 'received' custody event" in problems
    assert f"item {item.pk} differs from its 'received' event in: sha256, size, stored_name" in problems


def test_heads_are_stamped_at_least_daily_while_the_case_changes(alice_case, chain, bob):
    from cases.models import Case

    quiet = Case.objects.create(owner=bob, title="no events")
    assert list(cases_due()) == [alice_case]
    assert anchor_due_heads() == 1 and anchor_due_heads() == 0
    anchor = CustodyAnchor.objects.get(case=alice_case)
    assert (anchor.events, anchor.head, anchor.last_event_id) == (5, chain[4].hash, chain[4].pk)
    custody_record(case=alice_case, action="case_viewed", actor=WORKER)
    assert list(cases_due()) == []  # changed, but anchored less than a day ago
    assert list(cases_due(timezone.now() + timedelta(hours=24))) == [alice_case]
    assert quiet not in cases_due(timezone.now() + timedelta(days=3))


def test_a_head_stamped_by_a_real_tsa_verifies_and_a_foreign_ca_is_named(alice_case, chain, settings):
    with LocalTsa() as tsa:
        settings.TSA_URL, settings.TSA_CA_FILE = tsa.url, str(tsa.ca_file)
        anchor = custody_anchor(alice_case, "bundle")
        assert anchor.kind == "rfc3161" and custody_problems(alice_case) == []
        with LocalTsa() as stranger:
            settings.TSA_CA_FILE = str(stranger.ca_file)
            [problem] = custody_problems(alice_case)
    assert problem.startswith(f"anchor #{anchor.pk}") and "RFC 3161 token does not verify" in problem


def test_the_migration_keys_existing_chains_as_far_as_they_check_out(alice_case, bob):
    """Chains recorded before the HMAC (plain SHA-256) are re-linked under the key; a chain already
    broken keeps its break, so verify_custody goes on reporting it."""
    import importlib

    from django.apps import apps

    from cases.models import Case

    migration = importlib.import_module("evidence.migrations.0008_custody_hmac_append_only")
    good = [custody_record(case=alice_case, action=f"step{i}", actor=WORKER, n=i) for i in range(4)]
    other = Case.objects.create(owner=bob, title="b")
    bad = [custody_record(case=other, action=f"step{i}", actor=WORKER, n=i) for i in range(4)]
    with as_database_owner():
        relink(good, key=None)
        relink(bad, key=None)
        CustodyEvent.objects.filter(pk=bad[2].pk).update(detail={"n": "edited before the upgrade"})
        migration.key_existing_chains(apps, None)
    assert custody_problems(alice_case) == []
    assert [p.split(":")[0] for p in custody_problems(other)] == ["link broken"]
    assert f"#{bad[2].pk}" in custody_problems(other)[0]


def test_the_worker_anchors_heads_and_checks_files_on_a_schedule(alice_case, chain, settings, caplog):
    from evidence import tasks
    from evidence.models import SanityCheckRun

    schedule = {e["task"]: e["schedule"] for e in settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule["evidence.tasks.anchor_custody_heads"] <= 3600
    assert schedule["evidence.tasks.sanity_check"] <= 24 * 3600
    settings.TSA_URL = "http://127.0.0.1:9/tsr"  # unreachable: logged, tried again at the next run
    assert tasks.anchor_custody_heads.delay().get() == 0 and not CustodyAnchor.objects.exists()
    assert "not time-stamped yet" in caplog.text
    settings.TSA_URL = ""
    assert tasks.anchor_custody_heads.delay().get() == 1
    assert tasks.sanity_check.delay().get() == 0 and SanityCheckRun.objects.get().finished
