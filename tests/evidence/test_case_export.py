"""The owner's full copy of a case: one ZIP or parts under a size, every original byte for byte,
checked offline by `verify_export`, owner only, recorded in the custody log, deleted on expiry."""

import base64
import hashlib
import io
import json
import os
import random
import wave
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone
from PIL import Image

from cases.models import Membership
from evidence.bundle.services import bundle_create
from evidence.custody import Actor, chain_first_break
from evidence.export.services import exports_clean_expired, exports_requeue_stuck
from evidence.intake.services import evidence_create_statement
from evidence.models import CaseExport, CustodyEvent, EvidenceItem, Note
from evidence.processing import pipeline
from evidence.storage.originals import evidence_storage
from tests.audio_samples import encode, silence, speak
from tests.conftest import bearer, make_user

pytestmark = pytest.mark.slow


def screenshot_300k() -> bytes:
    """A phone-sized PNG of about 300 KB: chat bubbles over a noisy band that does not compress."""
    rng = random.Random(7)
    img = Image.new("RGB", (1080, 2340), (237, 237, 237))
    for y in range(200, 2200, 180):
        img.paste((149, 236, 105) if (y // 180) % 2 else (255, 255, 255), (60 + (y // 180) % 2 * 300, y, 1020, y + 120))
    noise = bytes(rng.getrandbits(8) for _ in range(1080 * 90 * 3))
    img.paste(Image.frombytes("RGB", (1080, 90), noise), (0, 0))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    data = buf.getvalue()
    assert 250_000 < len(data) < 400_000, len(data)
    return data


def call_recording(tmp_path: Path) -> bytes:
    """A three-minute call (8 kHz mono WAV, 2.9 MB): spoken words, then the line left open."""
    said = speak("Pay back the loan today or we will call your mother and your boss.", tmp_path / "said.wav")
    words = encode(said, tmp_path / "words.wav", "wav")
    quiet = silence(tmp_path / "quiet.wav", seconds=180)
    frames = []
    for path in (words, quiet):
        with wave.open(str(path)) as w:
            assert w.getframerate() == 8000
            frames.append(w.readframes(w.getnframes()))
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"".join(frames))
    return out.getvalue()


def upload(client, case, headers, name: str, data: bytes, kind: str) -> EvidenceItem:
    """Upload through the API; its processing is not run (the original is what a copy must hold)."""
    r = client.post(
        f"/api/v1/cases/{case.id}/evidence", {"file": SimpleUploadedFile(name, data), "kind": kind}, **headers
    )
    assert r.status_code == 201, r.content
    return EvidenceItem.objects.get(pk=r.json()["id"])


@pytest.fixture
def filled_case(client, alice, alice_case, alice_api, django_capture_on_commit_callbacks, tmp_path):
    """Alice's case with a 300 KB screenshot and a three-minute recording (stored; their processing
    is run only where a test needs it), a relative's processed statement, a note and a court bundle."""
    shot, audio = screenshot_300k(), call_recording(tmp_path)
    screenshot = upload(client, alice_case, alice_api, "Screenshot_20231120_231502.png", shot, "screenshot")
    upload(client, alice_case, alice_api, "13812345678_20231120230000.wav", audio, "call_recording")
    with django_capture_on_commit_callbacks(execute=True):
        statement, _ = evidence_create_statement(
            case=alice_case,
            actor=Actor(user=alice),
            author_name="王芳",
            relation="母亲",
            contact="13700001234",
            text="11月20日晚上11点，13800138000打给我，说我女儿不还钱就去她单位闹。",
            fields={},
        )
    with django_capture_on_commit_callbacks(execute=True):
        bundle_create(case=alice_case, actor=Actor(user=alice), item_ids=[statement.pk])
    Note.objects.create(case=alice_case, author=alice, text="妈妈说第二天又打来了")
    return {"screenshot": shot, "audio": audio, "screenshot_item": screenshot}


def start(client, case, headers, body=None, callbacks=None):
    with callbacks(execute=True):
        r = client.post(
            f"/api/v1/cases/{case.id}/exports", json.dumps(body or {}), content_type="application/json", **headers
        )
    return r


def download(client, export_id, headers, folder: Path) -> list[Path]:
    r = client.get(f"/api/v1/exports/{export_id}", **headers)
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"] == "ready", body
    paths = []
    for n, url in enumerate(body["parts"], start=1):
        part = client.get(url, **headers)
        assert part.status_code == 200 and part["Content-Type"] == "application/zip"
        assert "no-store" in part["Cache-Control"]
        path = folder / f"part{n}.zip"
        path.write_bytes(b"".join(part.streaming_content))
        paths.append(path)
    return paths


def verify(*paths) -> str:
    out = io.StringIO()
    call_command("verify_export", *map(str, paths), stdout=out)
    return out.getvalue()


def test_the_copy_is_one_zip_holding_every_original_byte_for_byte_and_it_verifies(
    client, alice_case, alice_api, filled_case, django_capture_on_commit_callbacks, tmp_path
):
    with django_capture_on_commit_callbacks(execute=True):  # the screenshot's thumbnail and OCR
        pipeline.pipeline_start(filled_case["screenshot_item"])
    r = start(client, alice_case, alice_api, callbacks=django_capture_on_commit_callbacks)
    assert r.status_code == 202 and r.json()["status"] == "pending"
    [part] = download(client, r.json()["id"], alice_api, tmp_path)
    assert "OK: " in verify(part)
    with zipfile.ZipFile(part) as z:
        manifest = json.loads(z.read("manifest.json"))
        names = set(z.namelist())
        case = json.loads(z.read("case.json"))
        originals = {i["original_filename"]: z.read(i["original"]) for i in case["items"]}
        assert originals["Screenshot_20231120_231502.png"] == filled_case["screenshot"]
        assert originals["13812345678_20231120230000.wav"] == filled_case["audio"]
        assert "王芳" in next(v.decode() for k, v in originals.items() if k.startswith("statement-"))
        assert "妈妈说第二天又打来了" in z.read("notes.txt").decode()
        assert {"bundle/bundle.pdf", "bundle/bundle.zip", "findings.json", "custody/events.json"} <= names
        folder = next(i["folder"] for i in case["items"] if i["kind"] == "screenshot")
        assert {f"{folder}/ocr.txt", f"{folder}/ocr.json"} <= names
        assert any(n.startswith(f"{folder}/derived/") for n in names)
        events = json.loads(z.read("custody/events.json"))
    assert manifest["parts"] == 1 and len(manifest["files"]) == len(names - {"README.txt", "manifest.json"}) - 1
    assert [e["action"] for e in events][-1] == "export_requested"
    assert CustodyEvent.objects.filter(case=alice_case, action="export_built").exists()


def test_parts_under_the_chosen_size_are_each_a_zip_and_verify_together(
    client, alice_case, alice_api, filled_case, django_capture_on_commit_callbacks, tmp_path
):
    r = start(client, alice_case, alice_api, {"part_mb": 1}, django_capture_on_commit_callbacks)
    parts = download(client, r.json()["id"], alice_api, tmp_path)
    assert len(parts) >= 4  # the 2.9 MB recording alone needs three
    for path in parts:
        assert path.stat().st_size <= 1024 * 1024, path.stat().st_size
        with zipfile.ZipFile(path) as z:
            assert z.testzip() is None and "manifest.json" in z.namelist()
    assert f"in {len(parts)} part(s)" in verify(*parts)
    # The recording, joined from its pieces, is the original.
    joined = b""
    with_pieces = [zipfile.ZipFile(p) for p in parts]
    manifest = json.loads(with_pieces[0].read("manifest.json"))
    entry = next(f for f in manifest["files"] if f["path"].endswith(".wav"))
    for piece in entry["pieces"]:
        joined += with_pieces[piece["part"] - 1].read(piece["name"])
    assert len(entry["pieces"]) >= 3 and joined == filled_case["audio"]
    # A part left out is found.
    with pytest.raises(CommandError):
        verify(*parts[:-1])
    downloads = CustodyEvent.objects.filter(case=alice_case, action="export_part_downloaded")
    assert sorted(e.detail["part"] for e in downloads) == list(range(1, len(parts) + 1))
    assert chain_first_break(alice_case) is None


def rewrite(path: Path, change) -> None:
    """Rewrite a part with `change(name, data)` returning the new bytes, or None to leave the file out."""
    with zipfile.ZipFile(path) as z:
        entries = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w") as z:
        for name, data in entries:
            new = change(name, data)
            if new is not None:
                z.writestr(name, new)


@pytest.fixture
def one_part(client, alice_case, alice_api, filled_case, django_capture_on_commit_callbacks, tmp_path) -> Path:
    r = start(client, alice_case, alice_api, callbacks=django_capture_on_commit_callbacks)
    [part] = download(client, r.json()["id"], alice_api, tmp_path)
    return part


def problems(*paths) -> str:
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_export", *map(str, paths), stdout=out)
    return out.getvalue()


def test_a_changed_original_is_found(one_part):
    rewrite(one_part, lambda n, d: d[:-1] + bytes([d[-1] ^ 1]) if n.endswith(".png") and "/original/" in n else d)
    assert "MISMATCH changed file: items/001/original/Screenshot_20231120_231502.png" in problems(one_part)


def test_a_missing_file_is_found(one_part):
    rewrite(one_part, lambda n, d: None if n == "notes.txt" else d)
    assert "MISMATCH missing file: notes.txt" in problems(one_part)


def test_an_extra_file_is_found(one_part):
    with zipfile.ZipFile(one_part, "a") as z:
        z.writestr("items/001/original/receipt.png", b"not received by the site")
    assert "MISMATCH extra file: items/001/original/receipt.png" in problems(one_part)


def test_a_manifest_rewritten_to_match_a_changed_file_is_found_by_its_time_stamp(one_part):
    with zipfile.ZipFile(one_part) as z:
        manifest = json.loads(z.read("manifest.json"))
    entry = next(f for f in manifest["files"] if f["path"] == "notes.txt")
    forged = "我自己编的".encode()
    entry["sha256"], entry["size"] = hashlib.sha256(forged).hexdigest(), len(forged)
    entry["pieces"][0]["size"] = len(forged)
    forged_manifest = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
    rewrite(one_part, lambda n, d: forged if n == "notes.txt" else forged_manifest if n == "manifest.json" else d)
    out = problems(one_part)
    assert "manifest.json's time stamp" in out and "changed file" not in out


def test_a_rewritten_custody_event_breaks_the_exported_chain(one_part):
    def edit(name, data):
        if name != "custody/events.json":
            return data
        events = json.loads(data)
        events[0]["action"] = "nothing_happened"
        return json.dumps(events).encode()

    rewrite(one_part, edit)
    # The file changed (manifest), and with the site's key the event itself no longer matches its HMAC.
    out = problems(one_part)
    assert "changed file: custody/events.json" in out and "does not match its HMAC" in out


def test_only_the_owner_gets_the_copy(
    client, alice, alice_case, alice_api, bob_api, filled_case, django_capture_on_commit_callbacks, tmp_path
):
    lawyer = make_user("lawyer")
    Membership.objects.create(case=alice_case, user=lawyer, role=Membership.Role.LAWYER)
    lawyer_api = bearer(lawyer)
    assert start(client, alice_case, bob_api, callbacks=django_capture_on_commit_callbacks).status_code == 404
    # A member asking for more than their role allows is told so (house rule): 403.
    assert start(client, alice_case, lawyer_api, callbacks=django_capture_on_commit_callbacks).status_code == 403
    export_id = start(client, alice_case, alice_api, callbacks=django_capture_on_commit_callbacks).json()["id"]
    for headers in (bob_api, lawyer_api):
        assert client.get(f"/api/v1/exports/{export_id}", **headers).status_code == 404
        assert client.get(f"/api/v1/exports/{export_id}/parts/1", **headers).status_code == 404
    assert client.get(f"/api/v1/exports/{export_id}").status_code == 401
    client.force_login(lawyer)
    assert client.get(f"/exports/{export_id}/parts/1/").status_code == 404
    assert client.get(f"/cases/{alice_case.id}/export/").status_code == 403
    assert not CustodyEvent.objects.filter(action="export_part_downloaded").exists()


def test_a_part_size_out_of_range_is_refused(client, alice_case, alice_api, django_capture_on_commit_callbacks):
    for body in ({"part_mb": 0}, {"part_mb": 5000}, {"part_mb": "many"}):
        r = start(client, alice_case, alice_api, body, django_capture_on_commit_callbacks)
        assert r.status_code == 400, r.content
    assert not CaseExport.objects.exists()


def test_expired_copies_are_deleted_from_storage(
    client, alice_case, alice_api, filled_case, django_capture_on_commit_callbacks, media
):
    r = start(client, alice_case, alice_api, {"part_mb": 1}, django_capture_on_commit_callbacks)
    export = CaseExport.objects.get(pk=r.json()["id"])
    names = [p["name"] for p in export.parts]
    assert names and all(evidence_storage().exists(n) for n in names)
    assert exports_clean_expired(now=timezone.now() + timedelta(hours=71)) == 0
    assert exports_clean_expired(now=timezone.now() + timedelta(hours=73)) == 1
    assert not any(evidence_storage().exists(n) for n in names)
    assert not any(files for _, _, files in os.walk(media / "evidence" / "exports"))
    body = client.get(f"/api/v1/exports/{export.pk}", **alice_api).json()
    assert body["status"] == "expired" and body["parts"] == []
    assert EvidenceItem.objects.filter(case=alice_case).count() == 3  # the evidence itself stays


@pytest.fixture
def sealed(settings, media):
    """Evidence storage encrypted at rest (EVIDENCE_ENCRYPTION_KEY)."""
    settings.EVIDENCE_ENCRYPTION_KEY = base64.b64encode(os.urandom(32)).decode()
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "evidence.encryption.EncryptedFileSystemStorage",
            "OPTIONS": {"location": str(media / "evidence"), "file_permissions_mode": 0o440},
        },
    }


def test_a_copy_from_sealed_storage_is_plain_zip_to_the_owner_and_sealed_on_disk(
    sealed, client, alice_case, alice_api, django_capture_on_commit_callbacks, media, tmp_path
):
    shot, audio = screenshot_300k(), call_recording(tmp_path)
    with django_capture_on_commit_callbacks(execute=True):  # the screenshot is processed: derived files
        upload(client, alice_case, alice_api, "Screenshot_1.png", shot, "screenshot")
    upload(client, alice_case, alice_api, "call.wav", audio, "call_recording")
    r = start(client, alice_case, alice_api, {"part_mb": 1}, django_capture_on_commit_callbacks)
    export = CaseExport.objects.get(pk=r.json()["id"])
    assert all((media / "evidence" / p["name"]).read_bytes().startswith(b"HGENC1") for p in export.parts)
    parts = download(client, export.pk, alice_api, tmp_path)
    assert "OK: " in verify(*parts)
    with zipfile.ZipFile(parts[0]) as z:
        names = z.namelist()
    assert any("/derived/thumbnail" in n for n in names)


def test_a_copy_whose_message_was_lost_is_made_by_the_periodic_sweep(
    alice, alice_case, filled_case, django_capture_on_commit_callbacks
):
    export = CaseExport.objects.create(case=alice_case, created_by=alice)  # asked for; no message sent
    assert exports_requeue_stuck(older_than=timedelta(hours=3)) == 0
    CaseExport.objects.filter(pk=export.pk).update(created=timezone.now() - timedelta(hours=4))
    with django_capture_on_commit_callbacks(execute=True):
        assert exports_requeue_stuck(older_than=timedelta(hours=3)) == 1
    export.refresh_from_db()
    assert export.status == "ready" and export.parts
