"""Closing an account: the copies to keep are made and downloaded first, the password is asked
again, the files are gone from storage, and the custody chains keep a tombstone that verifies."""

import io
import os
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from cases.models import Case, Membership
from evidence.bundle.services import bundle_create
from evidence.custody import Actor, chain_first_break
from evidence.intake.services import evidence_create_statement
from evidence.models import CaseExport, CustodyEvent, EvidenceItem
from evidence.processing import pipeline
from tests.conftest import bearer, make_user
from tests.evidence.test_case_export import screenshot_300k

pytestmark = pytest.mark.slow


def stored_files(media: Path) -> set[str]:
    root = media / "evidence"
    return {str(Path(d, f).relative_to(root)) for d, _, files in os.walk(root) for f in files}


@pytest.fixture
def lawyer(alice_case):
    """Lawyer Li, with whom Alice shared her case."""
    user = make_user("lawyer")
    Membership.objects.create(case=alice_case, user=user, role=Membership.Role.LAWYER)
    return user


@pytest.fixture
def evidence(client, alice, alice_case, alice_api, django_capture_on_commit_callbacks, tmp_path):
    """Alice's processed screenshot (300 KB) and statement, a bundle given to her lawyer (its ZIP
    saved), and the same screenshot bytes in Carol's own case."""
    shot = screenshot_300k()
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(
            f"/api/v1/cases/{alice_case.id}/evidence",
            {"file": SimpleUploadedFile("Screenshot_1.png", shot), "kind": "screenshot"},
            **alice_api,
        )
        statement, _ = evidence_create_statement(
            case=alice_case,
            actor=Actor(user=alice),
            author_name="王芳",
            relation="母亲",
            contact="",
            text="他们打到我单位来了。",
            fields={},
        )
    with django_capture_on_commit_callbacks(execute=True):
        bundle = bundle_create(case=alice_case, actor=Actor(user=alice), item_ids=[statement.pk])
    bundle_zip = tmp_path / "given-to-the-lawyer.zip"
    bundle_zip.write_bytes(b"".join(client.get(f"/api/v1/bundles/{bundle.pk}/zip", **alice_api).streaming_content))
    carol = make_user("carol")
    carol_case = Case.objects.create(owner=carol, title="Carol's case")
    with django_capture_on_commit_callbacks(execute=False):
        client.post(
            f"/api/v1/cases/{carol_case.id}/evidence",
            {"file": SimpleUploadedFile("same.png", shot), "kind": "screenshot"},
            **bearer(carol),
        )
    return {"screenshot": EvidenceItem.objects.get(pk=r.json()["id"]), "bundle_zip": bundle_zip, "carol": carol_case}


def close(client, **data):
    return client.post("/accounts/close/", {"action": "close", **data})


def test_the_wrong_password_closes_nothing(client, alice, alice_case, evidence, media):
    before = stored_files(media)
    client.force_login(alice)
    close(client, password="wrong", confirm="1")
    alice.refresh_from_db()
    assert alice.is_active and stored_files(media) == before
    assert Case.objects.get(pk=alice_case.pk).closed_at is None


def test_a_case_to_keep_is_copied_and_downloaded_before_the_account_closes(
    client, alice, alice_case, evidence, media, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        r = close(client, password="correct horse 42", confirm="1", **{f"keep_{alice_case.id}": "1"})
    assert r.status_code == 302  # not closed: the copy is made first
    alice.refresh_from_db()
    export = CaseExport.objects.get(case=alice_case)
    assert alice.is_active and export.status == "ready"
    page = client.get("/accounts/close/").content.decode()
    assert f"/exports/{export.pk}/" in page
    r = close(client, password="correct horse 42", confirm="1", **{f"keep_{alice_case.id}": "1"})
    assert r.status_code == 302 and CaseExport.objects.get(pk=export.pk).status == "ready"  # not downloaded yet
    copy = b"".join(client.get(f"/exports/{export.pk}/parts/1/").streaming_content)
    r = close(client, password="correct horse 42", confirm="1", **{f"keep_{alice_case.id}": "1"})
    assert r.status_code == 200 and "account-closed" in r.content.decode()
    alice.refresh_from_db()
    assert not alice.is_active and Case.objects.get(pk=alice_case.pk).closed_at is not None
    # The copy downloaded before still verifies, now that the site deleted everything.
    (media / "copy.zip").write_bytes(copy)
    out = io.StringIO()
    call_command("verify_export", str(media / "copy.zip"), stdout=out)
    assert "OK: " in out.getvalue()


def test_closing_deletes_the_files_from_storage_and_leaves_a_tombstone_that_verifies(
    client, alice, alice_case, lawyer, evidence, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # thumbnails and OCR of the screenshot
        pipeline.pipeline_start(evidence["screenshot"])
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/cases/{alice_case.id}/export/", {"part_mb": "1"})
    before = stored_files(media)
    assert any(n.startswith("derived/") for n in before) and any(n.startswith("exports/") for n in before)
    assert any(n.startswith("bundles/") for n in before)
    r = close(client, password="correct horse 42", confirm="1")
    assert r.status_code == 200
    # Only the screenshot's original stays, for Carol's case, which holds the same bytes.
    assert stored_files(media) == {evidence["screenshot"].stored_name}
    events = list(CustodyEvent.objects.filter(case=alice_case).order_by("id"))
    tombstone = events[-1]
    assert tombstone.action == "case_closed" and tombstone.detail["kept_for_other_cases"] == 1
    assert tombstone.detail["deleted"]["originals"] == 1 and tombstone.detail["deleted"]["exports"] >= 1
    assert chain_first_break(alice_case) is None
    # The bundle the lawyer was given still verifies: its chain head is still in the chain.
    out = io.StringIO()
    call_command("verify_bundle", str(evidence["bundle_zip"]), stdout=out)
    assert "OK: " in out.getvalue()
    # Alice cannot sign in; her lawyer no longer sees the case; the case says nothing of itself.
    assert not client.login(username="alice", password="correct horse 42")
    client.force_login(lawyer)
    assert client.get(f"/cases/{alice_case.id}/").status_code == 404
    assert Case.objects.get(pk=alice_case.pk).title != alice_case.title
    # The daily check does not report the deleted files as lost.
    from evidence.sanity import sanity_check_run

    assert sanity_check_run().problems == []


def test_a_lawyer_closing_their_account_leaves_the_owners_case_whole(
    client, alice, alice_case, lawyer, evidence, media
):
    before = stored_files(media)
    client.force_login(lawyer)
    assert close(client, password="correct horse 42", confirm="1").status_code == 200
    assert stored_files(media) == before
    assert Case.objects.get(pk=alice_case.pk).closed_at is None
    last = CustodyEvent.objects.filter(case=alice_case).order_by("-id").first()
    assert last.action == "member_account_closed" and last.detail == {"role": "lawyer"}
    assert chain_first_break(alice_case) is None
    assert not Membership.objects.filter(case=alice_case, user=lawyer, revoked_at=None).exists()
    client.force_login(alice)
    assert client.get(f"/cases/{alice_case.id}/").status_code == 200


def test_closing_needs_the_tick_as_well_as_the_password(client, alice, alice_case, media):
    client.force_login(alice)
    close(client, password="correct horse 42")
    alice.refresh_from_db()
    assert alice.is_active
