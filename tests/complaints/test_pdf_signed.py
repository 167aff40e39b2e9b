"""A final letter's PDF is signed by the site, like the bundle (tests/evidence/test_pdf_signature.py)."""

import hashlib
import io
import subprocess

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from complaints.models import ComplaintPdf
from evidence import pdf_signing

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def pdf_text(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return out.replace("\n", "").replace(" ", "")


def test_a_final_letter_is_signed_by_the_site(
    client, alice, full_case, draft, django_capture_on_commit_callbacks, tmp_path
):
    complaint = draft(full_case, "police")
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(f"/complaints/{complaint.id}/pdf/").status_code == 202
    row = ComplaintPdf.objects.get(complaint=complaint)
    assert row.status == ComplaintPdf.Status.READY, row.error
    r = client.get(f"/complaints/{complaint.id}/pdf/")
    pdf = b"".join(r.streaming_content)
    assert hashlib.sha256(pdf).hexdigest() == row.sha256
    assert pdf_signing.signature_report(pdf).problems == []
    [signature] = PdfFileReader(io.BytesIO(pdf)).embedded_regular_signatures
    assert "函件" in signature.sig_object["/Reason"]
    text = pdf_text(pdf)
    assert "本函件PDF已由HarassGuard以签名证书" in text
    assert "签署时间为本站服务器时间（未配置时间戳机构）" in text  # no TSA in the tests' settings
    assert "server's own clock" in signature.sig_object["/Reason"]
