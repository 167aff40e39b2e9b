"""The slow parts of redaction and of the owner's copy run on workers, and nothing is left half-done:
suggestions (text read back, faces found) are made by the heavy worker, never in the request; a
failure says so and leaves no marks that look finished; redactions, copies and exports whose
message was lost or whose worker died are queued again by the periodic sweep; and an export that
fails part-way leaves none of its parts in storage."""

from datetime import timedelta

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from cases.models import CaseNumber, Party
from evidence.export.services import export_build, exports_requeue_stuck
from evidence.models import CaseExport, RedactedCopy, Redaction
from evidence.redaction.services import redaction_suggest_run, redactions_requeue_stuck
from evidence.storage.originals import evidence_storage
from tests.evidence.test_case_export import call_recording, upload
from tests.redaction_images import RELATIVE_NAME, RELATIVE_NUMBER, chat_screenshot

pytestmark = pytest.mark.django_db
SWEEP = {"pending_after": timedelta(minutes=10), "running_after": timedelta(minutes=30)}


@pytest.fixture
def known(alice_case):
    CaseNumber.objects.create(case=alice_case, number=RELATIVE_NUMBER, role="third_party", confirmed=True)
    Party.objects.create(case=alice_case, kind="person", name=RELATIVE_NAME, relation="母亲")
    return alice_case


def api_start(client, item, api) -> dict:
    """Start a redaction without running the worker: only what the request itself does."""
    r = client.post(
        f"/api/v1/evidence/{item.id}/redactions", {"reader": "platform"}, content_type="application/json", **api
    )
    assert r.status_code == 201, r.content
    return r.json()


def test_the_request_only_asks_and_the_heavy_worker_suggests(client, known, alice, alice_api, send, tmp_path):
    item = send("chat.jpg", chat_screenshot(tmp_path / "chat.jpg").read_bytes(), "screenshot")
    redaction = api_start(client, item, alice_api)
    # Nothing was read back yet: the redaction says it is being suggested, with no marks.
    assert redaction["status"] == "suggesting" and redaction["marks"] == [] and redaction["error"] == ""
    url = f"/api/v1/redactions/{redaction['id']}"
    # Marks cannot be changed nor a copy asked for until the suggestions are in.
    r = client.patch(url, {"boxes": [[1, 1, 50, 50]]}, content_type="application/json", **alice_api)
    assert r.status_code == 400 and "稍候" in r.json()["error"], r.content
    assert client.post(f"{url}/copies", **alice_api).status_code == 400
    client.force_login(alice)
    page = client.get(reverse("redaction-detail", args=[redaction["id"]])).content.decode()
    assert 'id="redaction-status"' in page and 'http-equiv="refresh"' in page and "redaction-form" not in page

    redaction_suggest_run(redaction["id"])  # what the heavy worker runs
    done = client.get(url, **alice_api).json()
    assert done["status"] == "ready" and {"third_party_number", "name", "face"} <= {m["kind"] for m in done["marks"]}
    page = client.get(reverse("redaction-detail", args=[redaction["id"]])).content.decode()
    assert "redaction-form" in page and 'http-equiv="refresh"' not in page
    redaction_suggest_run(redaction["id"])  # a second message for the same work changes nothing
    assert client.get(url, **alice_api).json()["marks"] == done["marks"]


def test_suggest_again_runs_on_the_worker_and_a_failure_keeps_no_half_done_marks(client, known, alice, alice_api, send):
    item = send("note.txt", f"我妈{RELATIVE_NAME}的电话{RELATIVE_NUMBER}".encode(), "document")
    with TestCase.captureOnCommitCallbacks(execute=True):
        redaction = api_start(client, item, alice_api)
    url = f"/api/v1/redactions/{redaction['id']}"
    before = client.get(url, **alice_api).json()
    assert before["status"] == "ready" and len(before["marks"]) == 2
    # The original went missing from storage: suggesting again fails, and says so.
    evidence_storage().delete(item.stored_name)
    client.force_login(alice)
    with TestCase.captureOnCommitCallbacks(execute=True) as sent:
        client.post(reverse("redaction-detail", args=[redaction["id"]]), {"suggest": "1"})
    assert len(sent) == 1  # one message to the worker, run here by the eager worker
    failed = client.get(url, **alice_api).json()
    assert failed["status"] == "failed" and "重新建议" in failed["error"]
    assert failed["marks"] == before["marks"]  # nothing of the failed attempt was written
    page = client.get(reverse("redaction-detail", args=[redaction["id"]])).content.decode()
    assert 'role="alert"' in page and "redaction-form" not in page and 'name="suggest"' in page
    r = client.post(f"{url}/copies", **alice_api)
    assert r.status_code == 400 and not RedactedCopy.objects.filter(redaction_id=redaction["id"]).exists()


def test_the_sweep_queues_again_suggestions_and_copies_that_were_lost(client, known, alice, alice_api, send):
    item = send("note.txt", f"我妈的电话{RELATIVE_NUMBER}".encode(), "document")
    redaction_id = api_start(client, item, alice_api)["id"]  # its message is lost: on_commit never ran
    assert redactions_requeue_stuck(**SWEEP) == 0  # too recent to call lost
    later = timezone.now() + timedelta(minutes=11)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert redactions_requeue_stuck(**SWEEP, now=later) == 1
    redaction = Redaction.objects.get(pk=redaction_id)
    assert redaction.status == "ready" and redaction.marks

    # A copy whose message was lost, one taken by a worker that died, one a live worker is making.
    def copy(**fields):
        return RedactedCopy.objects.create(
            redaction=redaction,
            item=item,
            reader="platform",
            original_sha256=item.sha256,
            marks=redaction.marks,
            created_by=alice,
            **fields,
        )

    lost, died = copy(), copy(started=timezone.now() - timedelta(hours=1))
    live = copy(started=timezone.now())
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert redactions_requeue_stuck(**SWEEP, now=later) == 2
    assert set(RedactedCopy.objects.filter(pk__in=[lost.pk, died.pk]).values_list("status", flat=True)) == {"ready"}
    live.refresh_from_db()
    assert live.status == "pending"  # left to the worker that holds it
    assert RedactedCopy.objects.filter(status="ready", sha256="").count() == 0


@pytest.fixture
def big_case(client, alice_case, alice_api, tmp_path):
    """A case with a three-minute recording (about 5.8 MB): several parts of 1 MB."""
    upload(client, alice_case, alice_api, "13812345678_20231120230000.wav", call_recording(tmp_path), "call_recording")
    return alice_case


def stored_parts(export) -> list[str]:
    try:
        return evidence_storage().listdir(f"exports/{export.pk}")[1]
    except FileNotFoundError:
        return []


def test_an_export_that_fails_part_way_leaves_no_parts(big_case, alice, monkeypatch):
    export = CaseExport.objects.create(case=big_case, created_by=alice, part_mb=1)
    storage = evidence_storage()
    save, saved = storage.save, list[str]()

    def save_then_fill_the_disk(name, content, **kw):
        if len(saved) == 3:
            raise OSError(28, "No space left on device")
        saved.append(save(name, content, **kw))
        return saved[-1]

    monkeypatch.setattr(storage, "save", save_then_fill_the_disk)
    with pytest.raises(OSError):
        export_build(export)
    assert len(saved) == 3 and not any(storage.exists(name) for name in saved)
    assert stored_parts(export) == []


def test_an_export_whose_worker_died_is_made_again_without_its_leftovers(
    big_case, alice, django_capture_on_commit_callbacks
):
    export = CaseExport.objects.create(case=big_case, created_by=alice, part_mb=1)
    storage = evidence_storage()
    # The worker died while storing: it left a part behind, and the row "being made".
    from django.core.files.base import ContentFile

    left = storage.save(f"exports/{export.pk}/harassguard-copy-part1of9.zip", ContentFile(b"PK\x03\x04 half"))
    CaseExport.objects.filter(pk=export.pk).update(status="building", created=timezone.now() - timedelta(hours=4))
    with django_capture_on_commit_callbacks(execute=True):
        assert exports_requeue_stuck(older_than=timedelta(hours=3)) == 1
    export.refresh_from_db()
    assert export.status == "ready" and len(export.parts) > 2
    assert not storage.exists(left)
    assert sorted(stored_parts(export)) == sorted(p["name"].rsplit("/", 1)[1] for p in export.parts)
