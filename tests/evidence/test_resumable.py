"""Uploads in pieces: resume from the recorded offset, hash exactly the bytes received,
refuse a mismatch with the sender's own hash, and clean up what was abandoned."""

import io
import os
from datetime import timedelta

import pytest
from django.utils import timezone

from evidence.intake import resumable
from evidence.models import ChunkedUpload, CustodyEvent, EvidenceItem
from tests.conftest import png_bytes, sha256, wav_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def begin(client, alice_case, alice_api):
    def begin(data: bytes, *, name="call.wav", kind="call_recording", **extra):
        r = client.post(
            f"/api/v1/cases/{alice_case.id}/uploads",
            {"filename": name, "size": len(data), "kind": kind, **extra},
            content_type="application/json",
            **alice_api,
        )
        return r

    return begin


@pytest.fixture
def piece(client, alice_api, django_capture_on_commit_callbacks):
    def piece(url: str, offset: int, data: bytes, api=alice_api):
        with django_capture_on_commit_callbacks(execute=True):
            return client.generic(
                "PATCH",
                url,
                data,
                content_type="application/offset+octet-stream",
                HTTP_UPLOAD_OFFSET=str(offset),
                **api,
            )

    return piece


def test_pieces_become_one_item_hashed_over_exactly_the_bytes_received(begin, piece, client, alice_api):
    data = wav_bytes(2.0)
    r = begin(data, sha256=sha256(data), counterparty_number="13800001111")
    assert r.status_code == 201, r.content
    upload = r.json()
    assert upload["offset"] == 0 and upload["chunk_bytes"] == resumable.CHUNK_BYTES
    cut = len(data) // 3
    assert piece(upload["url"], 0, data[:cut]).json()["offset"] == cut
    # The connection dropped: the client asks where the upload stands and goes on from there.
    status = client.get(f"/api/v1/uploads/{upload['id']}", **alice_api).json()
    assert status["offset"] == cut and status["complete"] is False
    r = piece(upload["url"], cut, data[cut:])
    assert r.status_code == 201, r.content
    evidence = r.json()["evidence"]
    item = EvidenceItem.objects.get(pk=evidence["id"])
    assert item.sha256 == sha256(data) and item.size == len(data) and item.counterparty_number == "13800001111"
    assert item.status == "ready"
    received = CustodyEvent.objects.get(item=item, action="received")
    assert received.detail["transfer"] == "resumable" and received.detail["client_sha256_matched"] is True
    assert not resumable.part_path(ChunkedUpload.objects.get()).exists()


def test_a_piece_at_the_wrong_offset_is_refused_with_where_to_resume(begin, piece):
    data = png_bytes()
    upload = begin(data, name="shot.png", kind="screenshot").json()
    piece(upload["url"], 0, data[:10])
    r = piece(upload["url"], 5, data[5:])
    assert r.status_code == 409 and r.json()["code"] == "offset_mismatch"
    assert ChunkedUpload.objects.get().offset == 10
    assert piece(upload["url"], 10, data[10:]).status_code == 201


def test_a_lost_reply_to_the_last_piece_is_answered_again_without_a_second_item(begin, piece, client, alice_api):
    data = png_bytes()
    upload = begin(data, name="shot.png", kind="screenshot").json()
    assert piece(upload["url"], 0, data).status_code == 201
    again = piece(upload["url"], len(data), b"")
    assert again.status_code == 200 and again.json()["complete"] is True
    assert EvidenceItem.objects.count() == 1


def test_a_hash_mismatch_is_an_error_and_nothing_is_kept(begin, piece):
    data = png_bytes()
    upload = begin(data, name="shot.png", kind="screenshot", sha256="0" * 64).json()
    r = piece(upload["url"], 0, data)
    assert r.status_code == 400 and r.json()["code"] == "hash_mismatch"
    assert sha256(data) in r.json()["error"]
    assert not EvidenceItem.objects.exists() and not ChunkedUpload.objects.exists()


def test_a_file_of_the_wrong_type_is_refused_at_the_end(begin, piece):
    data = b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"
    upload = begin(data, name="x.png", kind="screenshot").json()
    r = piece(upload["url"], 0, data)
    assert r.status_code == 415 and not EvidenceItem.objects.exists() and not ChunkedUpload.objects.exists()


@pytest.mark.parametrize(
    "extra, code",
    [
        ({"name": "../etc/passwd"}, "unsafe_filename"),
        ({"kind": "poem"}, "invalid_kind"),
        ({"sha256": "xyz"}, "invalid"),
    ],
)
def test_bad_announcements_are_refused(begin, extra, code):
    r = begin(png_bytes(), **extra)
    assert r.status_code == 400 and r.json()["code"] == code


def test_too_large_files_and_pieces_are_refused(begin, piece, settings):
    settings.MAX_UPLOAD_MB = 1
    assert begin(b"x" * (2 * 1024 * 1024)).status_code == 413
    upload = begin(b"x" * 100).json()
    assert piece(upload["url"], 0, b"x" * 101).json()["code"] == "beyond_end"


def test_a_piece_cut_short_is_not_counted(begin):
    data = png_bytes()
    upload = ChunkedUpload.objects.get(pk=begin(data, name="shot.png", kind="screenshot").json()["id"])
    # The body ends before the length the client announced: the connection dropped mid-piece.
    with pytest.raises(resumable.services.IntakeError) as caught:
        resumable.upload_append(upload, offset=0, stream=io.BytesIO(data[:20]), length=len(data))
    assert caught.value.code == "upload_incomplete"
    assert ChunkedUpload.objects.get().offset == 0 and resumable.part_path(upload).stat().st_size == 0


def test_only_the_uploader_sees_or_feeds_an_upload(begin, piece, client, bob_api):
    data = png_bytes()
    upload = begin(data, name="shot.png", kind="screenshot").json()
    assert client.get(f"/api/v1/uploads/{upload['id']}", **bob_api).status_code == 404
    assert piece(upload["url"], 0, data, api=bob_api).status_code == 404
    assert ChunkedUpload.objects.get().offset == 0


def test_abandoned_uploads_are_deleted_with_their_pieces(begin, piece, settings):
    data = png_bytes()
    upload = begin(data, name="shot.png", kind="screenshot").json()
    piece(upload["url"], 0, data[:10])
    row = ChunkedUpload.objects.get()
    path = resumable.part_path(row)
    stray = path.parent / "not-an-upload.part"
    stray.write_bytes(b"x")
    old = (timezone.now() - timedelta(hours=settings.UPLOAD_RESUME_HOURS + 1)).timestamp()
    os.utime(stray, (old, old))
    assert resumable.uploads_clean_abandoned() == 0 and path.exists()
    later = timezone.now() + timedelta(hours=settings.UPLOAD_RESUME_HOURS, minutes=1)
    assert resumable.uploads_clean_abandoned(now=later) == 1
    assert not path.exists() and not stray.exists() and not ChunkedUpload.objects.exists()
    assert not EvidenceItem.objects.exists()


def test_bytes_a_crashed_request_wrote_past_the_offset_are_overwritten(begin, piece):
    data = png_bytes()
    upload = begin(data, name="shot.png", kind="screenshot").json()
    piece(upload["url"], 0, data[:10])
    path = resumable.part_path(ChunkedUpload.objects.get())
    with open(path, "ab") as fh:
        fh.write(b"GARBAGE")  # written, but the offset was never recorded
    r = piece(upload["url"], 10, data[10:])
    assert r.status_code == 201 and r.json()["evidence"]["sha256"] == sha256(data)


def test_without_a_kind_each_file_is_taken_for_what_its_content_shows(begin, piece):
    for name, data, kind in [("call.wav", wav_bytes(), "call_recording"), ("shot.png", png_bytes(), "screenshot")]:
        upload = begin(data, name=name, kind="").json()
        assert piece(upload["url"], 0, data).json()["evidence"]["kind"] == kind


def test_with_a_key_an_unfinished_upload_waits_sealed_and_no_plaintext_is_left(
    begin, piece, settings, media, client, alice_api
):
    import base64

    settings.EVIDENCE_ENCRYPTION_KEY = base64.b64encode(b"k" * 32).decode()
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "evidence.encryption.EncryptedFileSystemStorage",
            "OPTIONS": {"location": str(media / "evidence"), "file_permissions_mode": 0o440},
        },
    }
    data = wav_bytes(6.0)  # 96 KB, sent in three pieces
    upload = begin(data, sha256=sha256(data)).json()
    cut = len(data) // 3
    piece(upload["url"], 0, data[:cut])
    path = resumable.part_path(ChunkedUpload.objects.get())
    # A request that crashed mid-write left half a record behind; the next piece cuts it off.
    with open(path, "ab") as fh:
        fh.write(b"\x00\x00\x10\x00" + b"x" * 100)
    piece(upload["url"], cut, data[cut : 2 * cut])
    on_disk = path.read_bytes()
    assert (
        on_disk.startswith(b"HGPART1") and data[100:400] not in on_disk and data[cut + 100 : cut + 400] not in on_disk
    )
    assert media / "tmp" / "resumable" == path.parent
    r = piece(upload["url"], 2 * cut, data[2 * cut :])
    assert r.status_code == 201, r.content
    item = EvidenceItem.objects.get(pk=r.json()["evidence"]["id"])
    assert item.sha256 == sha256(data) and not path.exists()
    assert [p.name for p in (media / "tmp").iterdir() if p.is_file()] == []


def test_a_sealed_part_changed_on_disk_is_refused_not_taken_in(begin, piece, settings, media):
    import base64

    settings.EVIDENCE_ENCRYPTION_KEY = base64.b64encode(b"k" * 32).decode()
    data = png_bytes()
    upload = begin(data, name="shot.png", kind="screenshot").json()
    piece(upload["url"], 0, data[:50])
    path = resumable.part_path(ChunkedUpload.objects.get())
    sealed = bytearray(path.read_bytes())
    sealed[-5] ^= 1
    path.write_bytes(bytes(sealed))
    r = piece(upload["url"], 50, data[50:])
    assert r.status_code == 409 and r.json()["code"] == "upload_damaged"
    assert not EvidenceItem.objects.exists() and not ChunkedUpload.objects.exists()


def test_a_scratch_file_lost_on_the_server_ends_the_upload_so_the_page_starts_again(begin, piece, client, alice_api):
    # Found by the API fuzz test once it reached real uploads: this was a 500.
    data = png_bytes()
    upload = begin(data, name="shot.png", kind="screenshot").json()
    assert piece(upload["url"], 0, data[:10]).status_code == 200
    resumable.part_path(ChunkedUpload.objects.get()).unlink()
    r = piece(upload["url"], 10, data[10:])
    assert r.status_code == 410 and r.json()["code"] == "upload_lost"
    assert not ChunkedUpload.objects.exists() and not EvidenceItem.objects.exists()
    assert client.get(f"/api/v1/uploads/{upload['id']}", **alice_api).status_code == 404


def test_the_upload_url_answers_a_tus_client(begin, piece, client, alice_api):
    """HEAD and every piece's answer carry the tus headers tus-js-client reads to resume."""
    data = png_bytes()
    upload = begin(data, name="shot.png", kind="screenshot").json()
    head = client.head(upload["url"], **alice_api)
    assert head.status_code == 200 and head["Tus-Resumable"] == "1.0.0"
    assert (head["Upload-Offset"], head["Upload-Length"], head["Cache-Control"]) == ("0", str(len(data)), "no-store")
    r = piece(upload["url"], 0, data[:10])
    assert r["Upload-Offset"] == "10"
    r = piece(upload["url"], 10, data[10:])
    assert r.status_code == 201 and r["Upload-Offset"] == str(len(data))
    head = client.head(upload["url"], **alice_api)
    assert head["Upload-Offset"] == head["Upload-Length"] == str(len(data))
