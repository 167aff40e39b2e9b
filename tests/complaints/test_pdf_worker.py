"""A letter's PDF is made by a worker, never in the web request, and once per text however
often members ask for it (viewers included)."""

import pytest

from complaints import pdf
from complaints.models import ComplaintPdf
from evidence.models import CustodyEvent

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_the_request_queues_the_pdf_and_a_worker_makes_it_once(
    client, alice, full_case, draft, monkeypatch, django_capture_on_commit_callbacks
):
    complaint = draft(full_case, "platform")
    client.force_login(alice)
    rendered = []
    real = pdf.render_pdf

    def counted(complaint):
        rendered.append(complaint.pk)
        return real(complaint)

    monkeypatch.setattr(pdf, "render_pdf", counted)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        first = client.get(f"/complaints/{complaint.id}/pdf/", HTTP_ACCEPT_LANGUAGE="en")
    assert first.status_code == 202 and rendered == []  # nothing rendered while the request was served
    assert "being made" in first.content.decode() and 'http-equiv="refresh"' in first.content.decode()
    for _ in range(3):  # asked again before the worker ran: still one job
        with django_capture_on_commit_callbacks(execute=False) as more:
            assert client.get(f"/complaints/{complaint.id}/pdf/").status_code == 202
        assert more == []
    for callback in queued:
        callback()  # the worker's turn (tasks run in-process here)
    assert rendered == [complaint.pk]
    r = client.get(f"/complaints/{complaint.id}/pdf/")
    assert r.status_code == 200 and b"".join(r.streaming_content).startswith(b"%PDF")
    assert rendered == [complaint.pk]
    row = ComplaintPdf.objects.get()
    assert row.status == "ready" and len(row.sha256) == 64
    exported = CustodyEvent.objects.filter(action="complaint_pdf_exported").get()
    assert exported.detail["pdf_sha256"] == row.sha256


def test_an_edit_asks_for_a_new_pdf_and_a_failure_is_said_in_plain_words(
    client, alice, full_case, draft, monkeypatch, django_capture_on_commit_callbacks
):
    complaint = draft(full_case, "platform")
    client.force_login(alice)

    def broken(_complaint):
        raise RuntimeError("out of fonts")

    monkeypatch.setattr(pdf, "render_pdf", broken)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(f"/complaints/{complaint.id}/pdf/")
    failed = client.get(f"/complaints/{complaint.id}/pdf/", HTTP_ACCEPT_LANGUAGE="en")
    assert failed.status_code == 200 and "could not be made" in failed.content.decode()
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(f"/complaints/{complaint.id}/pdf/?again=1").status_code == 202
    assert client.get(f"/complaints/{complaint.id}/pdf/").status_code == 200
    client.post(f"/complaints/{complaint.id}/edit/", {"text": complaint.draft_text + "\n补充。"})
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert client.get(f"/complaints/{complaint.id}/pdf/").status_code == 202
    assert len(queued) == 1 and ComplaintPdf.objects.count() == 2
