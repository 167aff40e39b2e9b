import hashlib
import io
import os
import struct
import wave
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from accounts.models import ApiToken
from cases.models import Case
from harassguard.celery import app as celery_app

REPO_ROOT = Path(__file__).resolve().parent.parent
# The real English tiny.en checkpoint kept beside the repository (see ../shared/README.md); SHARED_DIR
# names that folder where a checkout lives elsewhere, as for scripts/whisper_base.py.
WHISPER_TINY_EN = Path(os.environ.get("SHARED_DIR") or REPO_ROOT.parent / "shared") / "models" / "whisper-tiny.en.pt"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Each test gets its own media folder, evidence storage and scratch folder, the
    English tiny.en whisper checkpoint, and server-signed receipts (no TSA)."""
    # Argon2 is deliberately slow; tests that are not about passwords use a fast hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.WHISPER_MODEL = str(WHISPER_TINY_EN)
    settings.TRANSCRIBE_ENGINE = "openai-whisper"  # the checkpoint above is openai-whisper's form
    settings.WHISPER_LANGUAGE = "en"
    settings.TSA_URL = ""
    settings.SIGNING_KEY_FILE = tmp_path / "keys" / "receipt.pem"
    settings.CUSTODY_KEY, settings.CUSTODY_KEY_FILE = "", tmp_path / "keys" / "custody-hmac.key"
    root = tmp_path / "media"
    (root / "tmp").mkdir(parents=True)
    settings.MEDIA_ROOT = root
    settings.FILE_UPLOAD_TEMP_DIR = str(root / "tmp")
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root / "evidence"), "file_permissions_mode": 0o440},
        },
    }
    return root


@pytest.fixture(autouse=True)
def eager_celery(request):
    """Unit tests run tasks in-process; integration tests use a real worker."""
    if request.node.get_closest_marker("integration"):
        yield
        return
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


def make_user(username: str):
    return get_user_model().objects.create_user(username=username, password="correct horse 42")


@pytest.fixture
def alice(db):
    """Alice owns a case."""
    return make_user("alice")


@pytest.fixture
def bob(db):
    """Bob has an account but no business with Alice's case."""
    return make_user("bob")


@pytest.fixture
def alice_case(alice):
    return Case.objects.create(owner=alice, title="小米借贷逾期催收", platform="小米借贷", description="每天二十个电话")


def bearer(user) -> dict:
    _row, raw = ApiToken.issue(user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def alice_api(alice):
    return bearer(alice)


@pytest.fixture
def bob_api(bob):
    return bearer(bob)


@pytest.fixture
def send(client, alice_case, alice_api, django_capture_on_commit_callbacks):
    """Upload a file to Alice's case through the API and run its processing; return the item."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from evidence.models import EvidenceItem

    def send(name: str, data: bytes, kind: str, **fields) -> EvidenceItem:
        with django_capture_on_commit_callbacks(execute=True):
            r = client.post(
                f"/api/v1/cases/{alice_case.id}/evidence",
                {"file": SimpleUploadedFile(name, data), "kind": kind, **fields},
                **alice_api,
            )
        assert r.status_code == 201, r.content
        return EvidenceItem.objects.get(pk=r.json()["id"])

    return send


@pytest.fixture
def alice_objects(client, alice, alice_case, alice_api) -> dict:
    """One of each object a URL can name, all in Alice's case: ids by the URL parameter's name."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from cases.models import Invitation
    from cases.statement_links import link_create
    from complaints.models import Complaint
    from evidence.custody import Actor
    from evidence.models import Bundle, BundleShare, CaseExport, ChunkedUpload

    r = client.post(
        f"/api/v1/cases/{alice_case.id}/evidence",
        {"file": SimpleUploadedFile("a.png", png_bytes()), "kind": "screenshot"},
        **alice_api,
    )
    bundle = Bundle.objects.create(case=alice_case, created_by=alice, status=Bundle.Status.READY)
    upload = ChunkedUpload.objects.create(case=alice_case, created_by=alice, filename="b.png", size=10)
    share = BundleShare.objects.create(
        bundle=bundle, token_sha256="0" * 64, created_by=alice, expires_at=bundle.created + timedelta(days=7)
    )
    complaint = Complaint.objects.create(
        case=alice_case,
        channel="police",
        created_by=alice,
        draft_text=f"报案材料 {alice_case.title} {r.json()['sha256']}",
    )
    export = CaseExport.objects.create(case=alice_case, created_by=alice)
    invitation = Invitation.objects.create(
        case=alice_case, role="lawyer", token_hash="0" * 64, expires_at=timezone.now() + timedelta(days=1)
    )
    # A real link with its token: the relative's upload API names it in its path.
    link, link_token = link_create(case=alice_case, actor=Actor(user=alice), name="王芳", relation="母亲")
    redaction, copy = _redaction_of(alice, r.json()["id"])
    return {
        "redaction_id": redaction.id,
        "copy_id": copy.id,
        "case_id": alice_case.id,
        "export_id": export.id,
        "part": "1",
        "item_id": r.json()["id"],
        "bundle_id": bundle.id,
        "upload_id": upload.id,
        "complaint_id": complaint.id,
        "share_id": share.id,
        "number": "13811115678",
        "row": "1",
        "username": "lola",
        "invitation_id": invitation.id,
        "link_id": link.id,
        "token": link_token,
    }


def _redaction_of(user, item_id):
    """A redaction of the item for the platform, and a copy made from it."""
    from evidence.custody import Actor
    from evidence.models import EvidenceItem, Redaction
    from evidence.redaction.services import redacted_copy_build, redaction_make

    # Made directly: the item is not processed here, and suggestions would wait for its text.
    item = EvidenceItem.objects.get(pk=item_id)
    redaction = Redaction.objects.create(item=item, reader="platform", marks=[], created_by=user)
    copy = redaction_make(redaction=redaction, actor=Actor(user=user))
    redacted_copy_build(copy.pk)  # as the worker does
    return redaction, copy


def wav_bytes(seconds: float = 0.5, rate: int = 8000, freq_step: int = 7) -> bytes:
    """A small real 8 kHz mono WAV (a tone), as phones record calls."""
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        frames = b"".join(struct.pack("<h", ((i * freq_step) % 200 - 100) * 100) for i in range(int(seconds * rate)))
        w.writeframes(frames)
    return buf.getvalue()


def png_bytes(color=(200, 30, 30)) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(buf, "PNG")
    return buf.getvalue()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
