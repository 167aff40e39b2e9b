"""Encryption at rest: sealed on disk, the same bytes and hashes through the site."""

import base64
import io
import os

import pytest
from cryptography.exceptions import InvalidTag
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile

from evidence.encryption import CHUNK, DecryptingReader, encrypt_file, load_key
from evidence.models import EvidenceItem
from tests.conftest import png_bytes, sha256

KEY = os.urandom(32)


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 17])
def test_sealing_round_trips_any_size(size):
    data = os.urandom(size)
    sealed = io.BytesIO()
    encrypt_file(io.BytesIO(data), sealed, KEY)
    assert size < 64 or data[:64] not in sealed.getvalue()
    sealed.seek(0)
    reader = DecryptingReader(sealed, KEY)
    assert b"".join(iter(lambda: reader.read(100_000), b"")) == data


def test_a_changed_or_cut_file_does_not_open():
    sealed = io.BytesIO()
    encrypt_file(io.BytesIO(os.urandom(2 * CHUNK + 5)), sealed, KEY)
    flipped = bytearray(sealed.getvalue())
    flipped[100] ^= 1
    with pytest.raises(InvalidTag):
        DecryptingReader(io.BytesIO(bytes(flipped)), KEY).read()
    cut = sealed.getvalue()[: 6 + 8 + CHUNK + 16]  # only the first chunk: the end marker is missing
    with pytest.raises(InvalidTag):
        DecryptingReader(io.BytesIO(cut), KEY).read()


def test_a_bad_key_is_refused_by_name():
    with pytest.raises(ImproperlyConfigured, match="EVIDENCE_ENCRYPTION_KEY"):
        load_key("too-short")


@pytest.mark.django_db
def test_uploads_are_sealed_on_disk_and_come_back_exactly(
    client, alice_case, alice_api, settings, media, django_capture_on_commit_callbacks
):
    settings.EVIDENCE_ENCRYPTION_KEY = base64.b64encode(KEY).decode()
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "evidence.encryption.EncryptedFileSystemStorage",
            "OPTIONS": {"location": str(media / "evidence"), "file_permissions_mode": 0o440},
        },
    }
    data = png_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(
            f"/api/v1/cases/{alice_case.id}/evidence",
            {"file": SimpleUploadedFile("a.png", data), "kind": "screenshot"},
            **alice_api,
        )
    item = EvidenceItem.objects.get(pk=r.json()["id"])
    assert item.sha256 == sha256(data) and item.status == "ready", item.status_detail
    on_disk = (media / "evidence" / item.stored_name).read_bytes()
    assert on_disk.startswith(b"HGENC1") and data not in on_disk
    download = client.get(f"/api/v1/evidence/{item.id}/original", **alice_api)
    assert b"".join(download.streaming_content) == data
    assert item.derived_files.get(kind="thumbnail")  # the worker read the sealed original
