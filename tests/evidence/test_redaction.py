"""Redacted copies leak nothing: the text and pixels of every copy are read back (pdftotext, the
project's own OCR) and none of the hidden numbers, names, ID numbers or face pixels are found;
the original's bytes are unchanged, and making a copy is a custody event naming its hash."""

import base64
import hashlib
import io
import json
import subprocess

import pytest
from django.test import TestCase
from django.urls import reverse
from PIL import Image

from cases.models import CaseNumber, Membership, Party
from evidence.bundle.pdf import html_to_pdf
from evidence.models import CustodyEvent, EvidenceItem, RedactedCopy, Transcript
from evidence.processing.ocr import ocr_lines
from evidence.redaction.finders import FILL, REDACTED, find_id_numbers, id_checksum_ok
from evidence.storage.integrity import stored_sha256
from tests.conftest import make_user
from tests.redaction_images import (
    COLLECTOR_NUMBER,
    ID_NUMBER,
    PHOTO_AT,
    PHOTO_SIZE,
    RELATIVE_NAME,
    RELATIVE_NUMBER,
    chat_screenshot,
)

pytestmark = pytest.mark.django_db
# Pieces that would give the hidden values away even when the whole is not read back.
HIDDEN = [RELATIVE_NUMBER, RELATIVE_NUMBER[-8:], RELATIVE_NAME, ID_NUMBER, ID_NUMBER[6:14]]


def leaks(text: str) -> list[str]:
    flat = "".join(text.split()).replace("-", "")
    return [h for h in HIDDEN if h in flat]


def pdf_text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def image_text(data: bytes, tmp_path) -> str:
    path = tmp_path / f"read-{hashlib.sha256(data).hexdigest()[:8]}.png"
    path.write_bytes(data)
    return "\n".join(line.text for line in ocr_lines(str(path)))


@pytest.fixture
def known(alice_case):
    """The case knows the mother's number and name, and the collector's number."""
    alice_case.victim_name = "李娜"
    alice_case.save()
    CaseNumber.objects.create(case=alice_case, number=RELATIVE_NUMBER, role="third_party", confirmed=True)
    CaseNumber.objects.create(case=alice_case, number=COLLECTOR_NUMBER, role="collector", confirmed=True)
    Party.objects.create(case=alice_case, kind="person", name=RELATIVE_NAME, relation="母亲")
    return alice_case


def start(client, item, api, reader="black_cat", status="ready") -> dict:
    """Start a redaction: it comes back "suggesting" at once, and the (eager) worker fills its marks in."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        r = client.post(
            f"/api/v1/evidence/{item.id}/redactions", {"reader": reader}, content_type="application/json", **api
        )
    assert r.status_code == 201, r.content
    assert r.json()["status"] == "suggesting" and r.json()["marks"] == [], r.content
    redaction = client.get(f"/api/v1/redactions/{r.json()['id']}", **api).json()
    assert redaction["status"] == status, redaction
    return redaction


def make(client, redaction: dict, api) -> tuple[dict, bytes]:
    """Ask for a copy, let the (eager) worker make it, and download it."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        r = client.post(f"/api/v1/redactions/{redaction['id']}/copies", **api)
    assert r.status_code == 202 and r.json()["status"] == "pending", r.content
    copy = client.get(f"/api/v1/redacted-copies/{r.json()['id']}", **api).json()
    assert copy["status"] == "ready", copy
    f = client.get(copy["url"], **api)
    assert f.status_code == 200
    return copy, b"".join(f.streaming_content)


def test_only_id_numbers_with_the_right_check_character_are_found():
    assert id_checksum_ok(ID_NUMBER)
    wrong = ID_NUMBER[:17] + ("0" if ID_NUMBER[17] != "0" else "1")
    assert not id_checksum_ok(wrong)
    assert [
        n for _s, _e, n in find_id_numbers(f"号码 {ID_NUMBER[:6]} {ID_NUMBER[6:14]} {ID_NUMBER[14:]} 和 {wrong}")
    ] == [ID_NUMBER]


@pytest.mark.slow
def test_a_screenshot_copy_has_no_hidden_text_no_face_and_no_metadata(client, known, alice_api, send, tmp_path):
    original = chat_screenshot(tmp_path / "Screenshot_2026-11-30-22-47-10.jpg").read_bytes()
    assert len(original) > 250_000
    item = send("Screenshot_2026-11-30-22-47-10.jpg", original, "screenshot")
    # The test can fail: the original itself reads back with everything that must be hidden.
    assert set(leaks(image_text(original, tmp_path))) >= {RELATIVE_NUMBER, RELATIVE_NAME, ID_NUMBER}

    redaction = start(client, item, alice_api)
    kinds = {m["kind"] for m in redaction["marks"]}
    assert {"third_party_number", "name", "id_number", "face"} <= kinds
    assert not leaks(json.dumps(redaction, ensure_ascii=False))  # the API shows masked labels only
    # A box drawn by hand over the chat's title (the collector's alias).
    r = client.patch(
        f"/api/v1/redactions/{redaction['id']}",
        {"boxes": [[400, 120, 690, 200]]},
        content_type="application/json",
        **alice_api,
    )
    assert r.status_code == 200 and r.json()["marks"][-1]["kind"] == "box"

    copy, data = make(client, redaction, alice_api)
    read = image_text(data, tmp_path)
    assert not leaks(read), read
    assert "李经理" not in read
    assert "通讯录" in read  # what the collector said is still there to read
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG" and image.size == (1080, 2400 + 28)
    assert not set(image.info) & {"exif", "icc_profile", "dpi", "text"}
    assert all(chunk not in data for chunk in (b"eXIf", b"tEXt", b"iTXt", b"zTXt", b"Xiaomi"))
    # Eileen Collins's face in the pasted photo: in skimage's 512-pixel original it spans x 175–268, y 70–163.
    k = PHOTO_SIZE / 512
    face = image.crop(
        (PHOTO_AT[0] + int(180 * k), PHOTO_AT[1] + int(75 * k), PHOTO_AT[0] + int(262 * k), PHOTO_AT[1] + int(158 * k))
    )
    assert {c for _n, c in face.getcolors(1 << 24)} == {FILL}
    # The original is untouched; the copy names it; making it is in the custody record, without the values.
    item.refresh_from_db()
    assert stored_sha256(item.stored_name) == hashlib.sha256(original).hexdigest() == item.sha256
    assert copy["original_sha256"] == item.sha256 and copy["sha256"] == hashlib.sha256(data).hexdigest()
    assert copy["hidden"]["face"] >= 1 and copy["hidden"]["id_number"] == 1
    event = CustodyEvent.objects.get(item=item, action="redacted_copy_made")
    assert event.detail["copy_sha256"] == copy["sha256"] and event.detail["original_sha256"] == item.sha256
    assert not leaks(json.dumps(event.detail, ensure_ascii=False))


@pytest.mark.slow
def test_a_statement_copy_is_a_pdf_whose_text_lacks_what_was_hidden(client, known, alice, alice_api):
    from evidence.custody import Actor
    from evidence.intake.services import evidence_create_statement

    item, _created = evidence_create_statement(
        case=known,
        actor=Actor(user=alice),
        author_name=RELATIVE_NAME,
        relation="母亲",
        contact="138 1234 5678",
        text=f"我是{RELATIVE_NAME}，手机+86 138-1234-5678。催收员说知道我身份证号{ID_NUMBER}，要上门。",
        fields={},
    )
    assert set(leaks(pdf_text(html_to_pdf(f"<p>{item.author_name} {ID_NUMBER} 13812345678</p>")))) >= {ID_NUMBER}
    redaction = start(client, item, alice_api, reader="platform")
    copy, data = make(client, redaction, alice_api)
    assert copy["mime"] == "application/pdf" and data.startswith(b"%PDF")
    text = pdf_text(data)
    assert not leaks(text), text
    assert REDACTED in text and "要上门" in text and item.sha256 in "".join(text.split())


@pytest.mark.slow
def test_a_pdf_document_copy_is_text_only_and_lacks_the_hidden_text(client, known, alice_api, send):
    document = html_to_pdf(
        f"<h1>借款合同</h1><p>紧急联系人：{RELATIVE_NAME}，电话 {RELATIVE_NUMBER}</p><p>借款人身份证号：{ID_NUMBER}</p>"
    )
    assert set(leaks(pdf_text(document))) >= {RELATIVE_NUMBER, RELATIVE_NAME, ID_NUMBER}
    item = send("合同.pdf", document, "loan_contract")
    copy, data = make(client, start(client, item, alice_api, reader="platform"), alice_api)
    text = pdf_text(data)
    assert not leaks(text) and "借款合同" in text, text
    assert b"/Image" not in data  # nothing of the original's pages is carried along


def test_a_transcript_span_marked_by_hand_is_gone_from_the_copy(client, known, alice_api, alice_case, alice):
    item = EvidenceItem.objects.create(
        case=alice_case,
        kind="call_recording",
        original_filename="call.m4a",
        stored_name="x",
        size=1,
        mime="audio/mp4",
        status="ready",
        sha256="a" * 64,
    )
    Transcript.objects.create(
        item=item,
        original_sha256=item.sha256,
        engine="faster-whisper",
        model="small",
        language="zh",
        segments=[
            {"start": 0.0, "end": 3.0, "text": "你好我是催收"},
            {"start": 3.0, "end": 6.5, "text": "你住在幸福小区八号楼我们明天上门"},
        ],
    )
    redaction = start(client, item, alice_api, reader="platform")
    r = client.patch(
        f"/api/v1/redactions/{redaction['id']}",
        {"spans": [{"segment": 1, "start": 2, "end": 10}]},
        content_type="application/json",
        **alice_api,
    )
    assert r.status_code == 200, r.content
    _copy, data = make(client, redaction, alice_api)
    text = pdf_text(data)
    assert "幸福小区" not in text and "八号楼" not in text and "明天上门" in text and "00:03" in text


@pytest.mark.slow
def test_a_public_letter_attaches_only_redacted_copies_that_hide_everything(
    client, known, alice, alice_api, send, tmp_path
):
    from complaints.models import Complaint

    shot = send("chat.jpg", chat_screenshot(tmp_path / "chat.jpg").read_bytes(), "screenshot")
    document = send(
        "合同.pdf", html_to_pdf(f"<p>联系人{RELATIVE_NAME} {RELATIVE_NUMBER} {ID_NUMBER}</p>"), "loan_contract"
    )
    letter = Complaint.objects.create(case=known, channel="black_cat", created_by=alice, draft_text="投诉")
    url = f"/api/v1/complaints/{letter.id}/attachments"
    assert client.get(url, **alice_api).json() == []
    for item in (shot, document):
        make(client, start(client, item, alice_api, reader="black_cat"), alice_api)
    make(client, start(client, shot, alice_api, reader="police"), alice_api)  # another reader's copy stays out
    attached = client.get(url, **alice_api).json()
    assert {a["item"] for a in attached} == {str(shot.id), str(document.id)}
    assert {a["reader"] for a in attached} == {"black_cat"}
    originals = {shot.sha256, document.sha256}
    for attachment in attached:
        data = b"".join(client.get(attachment["url"], **alice_api).streaming_content)
        assert hashlib.sha256(data).hexdigest() not in originals
        text = pdf_text(data) if data.startswith(b"%PDF") else image_text(data, tmp_path)
        assert not leaks(text), (attachment["mime"], text)
    client.force_login(alice)
    page = client.get(reverse("complaint-detail", args=[letter.id])).content.decode()
    assert page.count("/redacted-copies/") == 2 and shot.sha256 not in page
    assert RedactedCopy.objects.filter(item__case=known).count() == 3


def test_strangers_get_404_and_viewers_cannot_redact(client, known, alice_api, bob_api, send):
    item = send("note.txt", "我妈的电话13812345678".encode(), "document")
    redaction = start(client, item, alice_api)
    for method, path in [
        ("post", f"/api/v1/evidence/{item.id}/redactions"),
        ("get", f"/api/v1/redactions/{redaction['id']}"),
        ("post", f"/api/v1/redactions/{redaction['id']}/copies"),
    ]:
        r = getattr(client, method)(path, {"reader": "platform"}, content_type="application/json", **bob_api)
        assert r.status_code == 404, (path, r.status_code)
    viewer = make_user("carol")
    Membership.objects.create(case=known, user=viewer, role="viewer")
    client.force_login(viewer)
    assert client.post(f"/items/{item.id}/redactions/", {"reader": "platform"}).status_code == 403


def test_the_page_adds_a_box_dragged_on_the_phone_and_makes_the_copy(client, known, alice, send, tmp_path):
    from tests.conftest import png_bytes

    item = send("avatar.png", png_bytes(), "screenshot")
    client.force_login(alice)
    with TestCase.captureOnCommitCallbacks(execute=True):
        r = client.post(reverse("redaction-new", args=[item.id]), {"reader": "platform"})
    redaction = item.redactions.get()
    assert r.url == reverse("redaction-detail", args=[redaction.id])
    assert redaction.status == "ready"
    assert 'id="redaction-form"' in client.get(r.url).content.decode()
    client.post(r.url, {"marks": "1", "box": "5,5,30,20"})
    redaction.refresh_from_db()
    box = [m for m in redaction.marks if m["kind"] == "box"]
    assert box and box[0]["box"] == [5, 5, 30, 20] and box[0]["on"]
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(r.url, {"marks": "1", "on": [box[0]["id"]], "make": "1"})
    copy = redaction.copies.get()
    data = b"".join(client.get(reverse("redacted-copy-file", args=[copy.id])).streaming_content)
    image = Image.open(io.BytesIO(data)).convert("RGB")
    assert {c for _n, c in image.crop((5, 5, 30, 20)).getcolors(1 << 24)} == {FILL}
    assert image.getpixel((35, 25)) == (200, 30, 30)


def test_numbers_classified_later_are_suggested_again_and_hand_marks_stay(client, alice_case, alice_api, send):
    item = send("note.txt", f"我妈{RELATIVE_NAME}的电话{RELATIVE_NUMBER}".encode(), "document")
    redaction = start(client, item, alice_api)
    assert redaction["marks"] == []  # the case knows nobody yet
    url = f"/api/v1/redactions/{redaction['id']}"
    client.patch(url, {"texts": ["我妈"]}, content_type="application/json", **alice_api)
    CaseNumber.objects.create(case=alice_case, number=RELATIVE_NUMBER, role="third_party")
    with TestCase.captureOnCommitCallbacks(execute=True):
        r = client.patch(url, {"suggest_again": True}, content_type="application/json", **alice_api)
    assert r.json()["status"] == "suggesting"  # the worker does it
    marks = client.get(url, **alice_api).json()["marks"]
    assert sorted(m["kind"] for m in marks) == ["text", "third_party_number"]
    _copy, data = make(client, redaction, alice_api)
    text = "".join(pdf_text(data).split())
    assert RELATIVE_NUMBER not in text and "我妈" not in text and RELATIVE_NAME in text  # her name was not known


def test_a_scanned_pdf_without_text_is_refused_in_plain_words(client, alice_case, alice_api, send):
    from tests.conftest import png_bytes

    scan = html_to_pdf(f'<img src="data:image/png;base64,{base64.b64encode(png_bytes()).decode()}">')
    item = send("scan.pdf", scan, "document")
    redaction = start(client, item, alice_api, reader="platform", status="failed")
    assert "扫描件" in redaction["error"] and redaction["marks"] == []
    # No copy can be made of a redaction whose suggestions failed, nor marks added to it.
    r = client.post(f"/api/v1/redactions/{redaction['id']}/copies", **alice_api)
    assert r.status_code == 400 and "重新建议" in r.json()["error"]


def test_a_copy_that_cannot_be_made_says_so_and_is_never_attached(client, alice, alice_case, alice_api, send):
    from complaints.attachments import letter_attachments
    from complaints.models import Complaint

    item = send("note.txt", "我妈的电话".encode(), "document")
    redaction = start(client, item, alice_api, reader="black_cat")
    # The original went missing from storage before the worker could read it.
    from evidence.storage.originals import evidence_storage

    evidence_storage().delete(item.stored_name)
    with TestCase.captureOnCommitCallbacks(execute=True):
        r = client.post(f"/api/v1/redactions/{redaction['id']}/copies", **alice_api)
    copy = client.get(f"/api/v1/redacted-copies/{r.json()['id']}", **alice_api).json()
    assert copy["status"] == "failed" and copy["error"] and copy["sha256"] == ""
    assert client.get(copy["url"], **alice_api).status_code == 409
    letter = Complaint.objects.create(case=alice_case, channel="black_cat", created_by=alice, draft_text="投诉")
    assert letter_attachments(letter) == []
