"""The owner corrects the words the machine read from a screenshot line: the machine's reading stays beside
the corrected words, the change is a custody event with both hashes, and the corrected words are what the
analysis searches, what letters quote and what the bundle prints, marked as corrected by the user."""

import hashlib
import json
import subprocess
from datetime import date

import pytest

from complaints.services import complaint_create
from evidence.custody import Actor
from evidence.models import Bundle, CustodyEvent, OcrResult
from tests.evidence.test_chat_speakers import chat_png

pytestmark = [pytest.mark.slow, pytest.mark.django_db]
MACHINE = "不还就去你单位"
# The bubble went on past the edge of the screen capture the machine read; the user reads it in full.
CORRECTED = "不还就去你单位找你"


def patch(client, item, headers, *lines):
    return client.patch(
        f"/api/v1/evidence/{item.id}/ocr", {"lines": list(lines)}, content_type="application/json", **headers
    )


@pytest.fixture
def shot(send, tmp_path):
    item = send("wechat.png", chat_png(tmp_path / "wechat.png", "2025/5/13 周二 09:12"), "screenshot")
    assert item.status == "ready", item.status_detail
    return item


def line_of(client, item, headers, text) -> int:
    lines = client.get(f"/api/v1/evidence/{item.id}", **headers).json()["ocr"]["lines"]
    return next(i for i, row in enumerate(lines) if row["machine_text"] == text)


def test_a_corrected_line_keeps_the_machines_words_beside_it_with_a_custody_event(client, alice_api, shot):
    line = line_of(client, shot, alice_api, MACHINE)
    r = patch(client, shot, alice_api, {"id": line, "text": CORRECTED})
    assert r.status_code == 200, r.content
    row = r.json()["lines"][line]
    assert (row["text"], row["machine_text"], row["text_source"]) == (CORRECTED, MACHINE, "user")
    ocr = OcrResult.objects.get(item=shot)
    assert ocr.lines[line]["text"] == MACHINE  # the machine's reading is never changed
    assert ocr.line_edits[str(line)]["text"] == CORRECTED and ocr.line_edits[str(line)]["by"] == "alice"
    event = CustodyEvent.objects.filter(item=shot, action="ocr_text_corrected").get()
    machine = hashlib.sha256(json.dumps(ocr.lines, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
    assert event.detail["ocr_sha256"] == machine and event.detail["lines"] == [line]
    assert event.detail["corrected_sha256"] != machine

    # The machine's words again: nothing is kept beside them any more, and that too is recorded.
    r = patch(client, shot, alice_api, {"id": line, "text": MACHINE})
    assert r.json()["lines"][line]["text_source"] == "machine"
    assert CustodyEvent.objects.filter(item=shot, action="ocr_text_corrected").count() == 2


def test_a_correction_that_cannot_be_applied_changes_nothing(client, alice_api, bob_api, shot):
    line = line_of(client, shot, alice_api, MACHINE)
    assert patch(client, shot, alice_api, {"id": line, "text": "   "}).status_code == 400
    assert patch(client, shot, alice_api, {"id": 999, "text": CORRECTED}).status_code == 400
    assert patch(client, shot, alice_api, {"id": line}).status_code == 400
    assert patch(client, shot, bob_api, {"id": line, "text": CORRECTED}).status_code == 404
    assert OcrResult.objects.get(item=shot).line_edits == {}
    assert not CustodyEvent.objects.filter(item=shot, action="ocr_text_corrected").exists()


def test_the_item_page_form_corrects_a_line(client, alice, alice_api, shot):
    line = line_of(client, shot, alice_api, MACHINE)
    client.force_login(alice)
    r = client.post(f"/items/{shot.id}/ocr-speaker/", {"id": line, "text": CORRECTED})
    assert r.status_code == 302
    page = client.get(f"/items/{shot.id}/").content.decode()
    assert CORRECTED in page and f"line-text-{line}" in page
    assert "机器识别为" in page or "the machine read" in page


def test_the_corrected_words_are_searched_quoted_and_printed(
    client, alice, alice_api, alice_case, shot, django_capture_on_commit_callbacks
):
    line = line_of(client, shot, alice_api, MACHINE)
    r = patch(client, shot, alice_api, {"id": line, "text": CORRECTED, "speaker": "collector"})
    assert r.status_code == 200, r.content
    findings = client.get(f"/api/v1/cases/{alice_case.id}/findings", **alice_api).json()
    texts = [ex["text"] for f in findings for ex in f["examples"] if ex.get("text")]
    assert CORRECTED in texts and MACHINE not in texts

    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"/api/v1/cases/{alice_case.id}/bundles", {}, content_type="application/json", **alice_api)
    bundle = Bundle.objects.get(pk=r.json()["id"])
    assert bundle.status == Bundle.Status.READY, bundle.error
    pdf = b"".join(client.get(f"/api/v1/bundles/{bundle.id}/pdf", **alice_api).streaming_content)
    text = subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    flat = text.replace("\n", "").replace(" ", "")
    assert f"{CORRECTED}〔文字经本人更正，机器识别为：{MACHINE}〕" in flat

    letter = complaint_create(
        case=alice_case, actor=Actor(user=alice), channel="police", bundle=bundle, today=date(2025, 6, 1)
    ).draft_text
    assert f"“{CORRECTED}”" in letter and f"截图第{line + 1}行，说话人：催收方，经本人核对，文字经本人更正）" in letter
