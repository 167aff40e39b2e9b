"""Stored files stay what their records say: derived files belong to their item, and the
periodic sanity check re-hashes every original and derived file."""

import logging
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from cases.models import Case, Membership
from evidence.models import CustodyEvent, EvidenceItem, SanityCheckRun
from evidence.sanity import sanity_check_run
from evidence.storage.integrity import stored_sha256
from evidence.storage.originals import evidence_storage
from tests.conftest import bearer, make_user, png_bytes, wav_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def send_to(client, django_capture_on_commit_callbacks):
    def send_to(case, user, name: str, data: bytes, kind: str) -> EvidenceItem:
        with django_capture_on_commit_callbacks(execute=True):
            r = client.post(
                f"/api/v1/cases/{case.id}/evidence",
                {"file": SimpleUploadedFile(name, data), "kind": kind},
                **bearer(user),
            )
        assert r.status_code == 201, r.content
        return EvidenceItem.objects.get(pk=r.json()["id"])

    return send_to


def listen_of(item):
    return item.derived_files.get(kind="listen")


def test_processing_the_same_recording_in_another_case_leaves_this_items_files_alone(send, send_to, bob):
    data = wav_bytes(3.0)
    mine = send("13812345678_20250512231500.wav", data, "call_recording")
    before = listen_of(mine)
    transcript = mine.transcript
    # The same bytes reach a second victim's case (the collector sent both the same recording).
    theirs = send_to(Case.objects.create(owner=bob, title="b"), bob, "same.wav", data, "call_recording")
    assert theirs.sha256 == mine.sha256 and theirs.stored_name == mine.stored_name
    after = listen_of(mine)
    assert (after.stored_name, after.sha256) == (before.stored_name, before.sha256)
    assert listen_of(theirs).stored_name != before.stored_name
    # The copy is still the one the custody record of its making names, byte for byte.
    made = CustodyEvent.objects.get(item=mine, action="processed_audio").detail["listening_copy_sha256"]
    assert stored_sha256(before.stored_name) == before.sha256 == made
    mine.refresh_from_db()
    assert mine.transcript.pk == transcript.pk and mine.transcript.text == transcript.text
    assert theirs.transcript.pk != transcript.pk
    assert sanity_check_run().problems == []


def test_the_sanity_check_names_changed_and_missing_files_to_the_owner_only(send, client, alice, alice_case, caplog):
    shot = send("chat.png", png_bytes(), "screenshot")
    note = send("note.txt", ("逾期通知：" + "请于三日内还款。" * 400).encode(), "document")
    clean = sanity_check_run()
    assert clean.problems == [] and clean.files_checked == 3 and clean.finished  # two originals, one thumbnail
    root = evidence_storage().location  # type: ignore[attr-defined]  # local storage in tests
    thumb = os.path.join(root, shot.derived_files.get(kind="thumbnail").stored_name)
    os.chmod(thumb, 0o640)
    with open(thumb, "r+b") as fh:
        fh.write(b"\x00")
    os.remove(os.path.join(root, note.stored_name))
    with caplog.at_level(logging.ERROR, logger="evidence.sanity"):
        with pytest.raises(CommandError, match="2 problem"):
            call_command("sanity_check")
    run = SanityCheckRun.objects.order_by("-started").first()
    assert sorted((p["item"], p["what"], p["problem"]) for p in run.problems) == sorted(
        [(str(shot.pk), "thumbnail", "changed"), (str(note.pk), "original", "missing")]
    )
    assert "is missing" in caplog.text and "is changed" in caplog.text
    client.force_login(alice)
    page = client.get(f"/cases/{alice_case.id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Stored files that no longer match their record" in page and f"/items/{note.pk}/" in page
    lawyer = make_user("lawyer")
    Membership.objects.create(case=alice_case, user=lawyer, role="lawyer")
    client.force_login(lawyer)
    page = client.get(f"/cases/{alice_case.id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Stored files that no longer match" not in page
