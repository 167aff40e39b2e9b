"""With a time-stamping authority, a final letter's PDF carries a document time stamp that pyHanko
validates against the authority's root (and not against another authority's)."""

import io
from pathlib import Path

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp

from complaints.models import ComplaintPdf
from evidence import pdf_signing
from tests.evidence.test_pdf_signature import pyhanko_context, site_root_pem
from tests.tsa_server import LocalTsa

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def tsa(settings):
    with LocalTsa() as tsa:
        settings.TSA_URL, settings.TSA_CA_FILE = tsa.url, str(tsa.ca_file)
        yield tsa


def test_a_final_letter_carries_a_valid_document_time_stamp(
    client, alice, full_case, draft, tsa, django_capture_on_commit_callbacks
):
    complaint = draft(full_case, "police")
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(f"/complaints/{complaint.id}/pdf/").status_code == 202
    row = ComplaintPdf.objects.get(complaint=complaint)
    assert row.status == ComplaintPdf.Status.READY, row.error
    pdf = b"".join(client.get(f"/complaints/{complaint.id}/pdf/").streaming_content)
    tsa_root = Path(tsa.ca_file).read_bytes()

    reader = PdfFileReader(io.BytesIO(pdf))
    [signature] = reader.embedded_regular_signatures
    [doc_stamp] = reader.embedded_timestamp_signatures
    stamp = validate_pdf_timestamp(doc_stamp, pyhanko_context(tsa_root))
    assert stamp.intact and stamp.valid and stamp.trusted and stamp.timestamp is not None
    status = validate_pdf_signature(signature, pyhanko_context(site_root_pem()), pyhanko_context(tsa_root))
    assert status.bottom_line and status.timestamp_validity is not None and status.timestamp_validity.trusted
    assert "函件" in signature.sig_object["/Reason"] and "时间戳机构" in signature.sig_object["/Reason"]
    report = pdf_signing.signature_report(pdf)
    assert report.problems == [] and report.document_stamped_at == stamp.timestamp
    # The test can fail: checked against another authority's root, the same stamp is not trusted.
    with LocalTsa() as other:
        assert not validate_pdf_timestamp(doc_stamp, pyhanko_context(Path(other.ca_file).read_bytes())).trusted
