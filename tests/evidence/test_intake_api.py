"""Uploading evidence through the JSON API: hashing, sniffing, dedup, refusals."""

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from evidence.models import CustodyEvent, EvidenceItem
from evidence.storage.originals import evidence_storage, original_name
from tests.conftest import png_bytes, sha256, wav_bytes

pytestmark = pytest.mark.django_db


def upload(client, case, headers, **data):
    return client.post(f"/api/v1/cases/{case.id}/evidence", data, **headers)


BOUNDARY = "----harassguard-test"


def raw_multipart(*, kind: str, filename: str, data: bytes) -> bytes:
    """A multipart body with the file name exactly as given."""
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="kind"\r\n\r\n{kind}\r\n'
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    )
    return head.encode("utf-8") + data + f"\r\n--{BOUNDARY}--\r\n".encode()


def leftovers(media) -> list[str]:
    """Files left in the scratch folder or in evidence storage."""
    found = []
    for folder in (media / "tmp", media / "evidence"):
        for root, _dirs, files in os.walk(folder):
            found += [os.path.join(root, f) for f in files]
    return found


def test_it_stores_a_recording_with_its_hash_type_and_custody(client, alice_case, alice_api, media):
    data = wav_bytes()
    f = SimpleUploadedFile("13812345678_20230512143000.wav", data, content_type="application/octet-stream")
    r = upload(
        client,
        alice_case,
        alice_api,
        file=f,
        kind="call_recording",
        occurred_at="2023-05-12T14:30:00+08:00",
        counterparty_number="13812345678",
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["sha256"] == sha256(data)
    assert body["size"] == len(data)
    assert body["mime"] in {"audio/x-wav", "audio/wav"}
    assert body["kind"] == "call_recording"
    assert body["received_at"]
    item = EvidenceItem.objects.get(pk=body["id"])
    assert item.stored_name == original_name(sha256(data))
    with evidence_storage().open(item.stored_name, "rb") as fh:
        assert fh.read() == data
    actions = list(CustodyEvent.objects.filter(item=item).values_list("action", flat=True))
    assert actions[0] == "received"
    assert leftovers(media) == [str(media / "evidence" / item.stored_name)]


def test_the_same_file_twice_is_one_item(client, alice_case, alice_api):
    data = png_bytes()
    first = upload(client, alice_case, alice_api, file=SimpleUploadedFile("a.png", data), kind="screenshot")
    again = upload(client, alice_case, alice_api, file=SimpleUploadedFile("renamed.png", data), kind="screenshot")
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["duplicate"] is True
    assert again.json()["id"] == first.json()["id"]
    assert EvidenceItem.objects.count() == 1


def test_the_stored_original_is_read_only(client, alice_case, alice_api, media):
    r = upload(client, alice_case, alice_api, file=SimpleUploadedFile("a.png", png_bytes()), kind="screenshot")
    path = media / "evidence" / EvidenceItem.objects.get(pk=r.json()["id"]).stored_name
    assert oct(path.stat().st_mode & 0o777) == oct(0o440)


def test_a_typed_statement_becomes_a_hashed_text_original(client, alice_case, alice_api):
    r = upload(
        client,
        alice_case,
        alice_api,
        kind="statement",
        author_name="王芳",
        relation="母亲",
        contact="13900001111",
        text="5月12日晚上11点，一个陌生号码打给我，说我女儿欠钱不还。",
    )
    assert r.status_code == 201, r.content
    item = EvidenceItem.objects.get(pk=r.json()["id"])
    with evidence_storage().open(item.stored_name, "rb") as fh:
        stored = fh.read()
    assert sha256(stored) == item.sha256
    text = stored.decode("utf-8")
    assert "王芳" in text and "母亲" in text and "说我女儿欠钱不还" in text
    assert item.mime == "text/plain" and item.author_relation == "母亲"


@pytest.mark.parametrize(
    "name,data,kind,status,code",
    [
        ("empty.wav", b"", "call_recording", 400, "empty_file"),
        ("photo.jpg", b"\x7fELF\x02\x01\x01" + b"\0" * 200, "screenshot", 415, "unsupported_type"),
        ("photo.jpg", b"MZ" + b"\0" * 200, "screenshot", 415, "unsupported_type"),
        (
            "x.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "screenshot",
            415,
            "unsupported_type",
        ),
        ("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', "document", 415, "unsupported_type"),
        ("page.html", b"<html><body><script>alert(1)</script></body></html>", "document", 415, "unsupported_type"),
        ("song.png", b"RIFF", "screenshot", 415, "unsupported_type"),
        ("a.png", None, "video", 400, "invalid_kind"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_kept(
    client, alice_case, alice_api, media, name, data, kind, status, code
):
    data = png_bytes() if data is None else data
    r = upload(client, alice_case, alice_api, file=SimpleUploadedFile(name, data), kind=kind)
    assert r.status_code == status, r.content
    assert r.json()["code"] == code
    assert r.json()["error"]
    assert EvidenceItem.objects.count() == 0
    assert leftovers(media) == []


def test_a_file_over_the_limit_is_refused_with_413(client, alice_case, alice_api, media, settings):
    settings.MAX_UPLOAD_MB = 1
    big = png_bytes() + b"\0" * (2 * 1024 * 1024)
    r = upload(client, alice_case, alice_api, file=SimpleUploadedFile("big.png", big), kind="screenshot")
    assert r.status_code == 413
    assert r.json()["code"] == "file_too_large"
    assert EvidenceItem.objects.count() == 0
    assert leftovers(media) == []


@pytest.mark.parametrize("name", ["../../etc/passwd.png", "a\x00b.png", "evil\u202egnp.exe", "a\nb.png", "..\\x.png"])
def test_dangerous_file_names_are_refused(client, alice_case, alice_api, media, name):
    # Built by hand: Django's test client would trim the name before sending it.
    body = raw_multipart(kind="screenshot", filename=name, data=png_bytes())
    r = client.generic(
        "POST",
        f"/api/v1/cases/{alice_case.id}/evidence",
        body,
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        **alice_api,
    )
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "unsafe_filename"
    assert EvidenceItem.objects.count() == 0
    assert leftovers(media) == []


def test_a_chinese_file_name_is_kept_as_given(client, alice_case, alice_api):
    name = "通话录音 13812345678 2023-05-12 14-30-00.wav"
    r = upload(client, alice_case, alice_api, file=SimpleUploadedFile(name, wav_bytes()), kind="call_recording")
    assert r.status_code == 201
    assert r.json()["original_filename"] == name


def test_an_upload_cut_off_mid_file_is_refused(client, alice_case, alice_api, media):
    body = raw_multipart(kind="screenshot", filename="a.png", data=png_bytes())
    body = body[: body.rindex(b"\r\n--")]  # no closing boundary: the connection dropped here
    r = client.generic(
        "POST",
        f"/api/v1/cases/{alice_case.id}/evidence",
        body,
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        **alice_api,
    )
    assert r.status_code == 400
    assert r.json()["code"] == "upload_incomplete"
    assert EvidenceItem.objects.count() == 0
    assert leftovers(media) == []


@pytest.mark.parametrize("text", ["", "   \n  "])
def test_an_empty_statement_is_refused(client, alice_case, alice_api, media, text):
    r = upload(client, alice_case, alice_api, kind="statement", author_name="王芳", relation="母亲", text=text)
    assert r.status_code == 400
    assert r.json()["code"] in {"empty_statement", "invalid"}
    assert EvidenceItem.objects.count() == 0
    assert leftovers(media) == []


def test_a_file_upload_without_a_file_is_refused(client, alice_case, alice_api):
    r = upload(client, alice_case, alice_api, kind="screenshot")
    assert r.status_code == 400
    assert r.json()["code"] == "file_missing"


def test_errors_come_in_the_users_language(client, alice_case, alice_api):
    url = f"/api/v1/cases/{alice_case.id}/evidence"
    zh = client.post(
        url,
        {"file": SimpleUploadedFile("e.png", b""), "kind": "screenshot"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
        **alice_api,
    )
    en = client.post(
        url, {"file": SimpleUploadedFile("e.png", b""), "kind": "screenshot"}, HTTP_ACCEPT_LANGUAGE="en", **alice_api
    )
    assert en.json()["error"] == "The file is empty."
    assert zh.json()["error"] == "文件是空的。"


def test_the_original_comes_back_byte_for_byte_as_an_attachment(client, alice_case, alice_api):
    data = wav_bytes(seconds=1.0)
    item_id = upload(
        client, alice_case, alice_api, file=SimpleUploadedFile("r.wav", data), kind="call_recording"
    ).json()["id"]
    r = client.get(f"/api/v1/evidence/{item_id}/original", **alice_api)
    assert r.status_code == 200
    assert b"".join(r.streaming_content) == data
    assert r["Content-Disposition"].startswith("attachment")
    assert r["X-Content-Type-Options"] == "nosniff"
    assert "private" in r["Cache-Control"]
    assert CustodyEvent.objects.filter(item_id=item_id, action="original_downloaded").count() == 1


def test_files_of_a_case_are_never_kept_by_a_cache(client, alice, send):
    """A thumbnail, a time stamp and an original hold case data: on a shared phone the browser's
    cache must not keep them for the next person (they were cached for an hour)."""
    item = send("shot.png", png_bytes(), "screenshot")
    client.force_login(alice)
    for url in (f"/items/{item.id}/thumbnail/", f"/items/{item.id}/timestamp/", f"/items/{item.id}/original/"):
        r = client.get(url)
        assert r.status_code == 200, url
        assert (r["Cache-Control"], r["X-Content-Type-Options"]) == ("private, no-store", "nosniff"), url
