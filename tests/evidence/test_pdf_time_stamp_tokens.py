"""A bundle whose embedded document time-stamp token was altered (its time moved) or replaced by
one from another authority fails verify_bundle (tests/complaints/test_letter_time_stamp.py: a valid
one on a final letter)."""

import io
import zipfile

import pytest
from asn1crypto import cms
from django.core.management import call_command
from django.core.management.base import CommandError
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.signers.pdf_signer import PdfTimeStamper
from pyhanko.sign.timestamps import HTTPTimeStamper

from evidence import pdf_signing
from evidence.bundle_check import bundle_problems
from tests.evidence.test_pdf_signature import make_bundle, pdf_of
from tests.tsa_server import LocalTsa

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def tsa(settings):
    with LocalTsa() as tsa:
        settings.TSA_URL, settings.TSA_CA_FILE = tsa.url, str(tsa.ca_file)
        yield tsa


def _stamp_contents(pdf: bytes) -> tuple[int, int]:
    """Where the document time stamp's /Contents hex string lies in the file (inside its '<' '>')."""
    stamp = PdfFileReader(io.BytesIO(pdf)).embedded_timestamp_signatures[0]
    _start, first_len, second_start, _len = stamp.byte_range
    return first_len + 1, second_start - 1


def _with_gen_time_moved(pdf: bytes) -> bytes:
    """The PDF with its document time stamp's token rewritten to claim a time a year earlier; the
    token's signature is left as the authority made it, and the file keeps every other byte."""
    start, end = _stamp_contents(pdf)
    hex_token = pdf[start:end]
    token = cms.ContentInfo.load(bytes.fromhex(hex_token.decode()))  # the zeros after it are padding
    der = token.dump()
    signed = token["content"]
    info = signed["encap_content_info"]["content"].parsed
    moved = info["gen_time"].native.replace(year=info["gen_time"].native.year - 1)
    forged_info = info.copy()
    forged_info["gen_time"] = moved
    signed["encap_content_info"]["content"] = forged_info
    forged = cms.ContentInfo({"content_type": "signed_data", "content": signed}).dump(force=True)
    assert forged != der
    new_hex = forged.hex().encode()
    assert len(new_hex) <= len(hex_token)
    return pdf[:start] + new_hex + b"0" * (len(hex_token) - len(new_hex)) + pdf[end:]


def _stamped_by_another_authority(pdf: bytes, other: LocalTsa) -> bytes:
    """The signed revision time-stamped again by an authority the site does not use."""
    signature = PdfFileReader(io.BytesIO(pdf)).embedded_regular_signatures[0]
    end = signature.byte_range[2] + signature.byte_range[3]
    out = io.BytesIO()
    PdfTimeStamper(HTTPTimeStamper(other.url)).timestamp_pdf(
        IncrementalPdfFileWriter(io.BytesIO(pdf[:end])), "sha256", output=out
    )
    return out.getvalue()


def test_a_bundle_whose_time_stamp_token_was_forged_fails_verify_bundle(
    client, alice_case, alice_api, send, tsa, django_capture_on_commit_callbacks, tmp_path
):
    _bundle, data = make_bundle(client, alice_case, alice_api, send, django_capture_on_commit_callbacks)
    pdf = pdf_of(data)
    assert pdf_signing.signature_report(pdf).problems == []

    def with_pdf(name: str, new_pdf: bytes) -> str:
        source, path = zipfile.ZipFile(io.BytesIO(data)), tmp_path / name
        with zipfile.ZipFile(path, "w") as out:
            for entry in source.namelist():
                out.writestr(entry, new_pdf if entry == "bundle.pdf" else source.read(entry))
        return str(path)

    untouched = tmp_path / "untouched.zip"
    untouched.write_bytes(data)
    call_command("verify_bundle", str(untouched))  # the test can fail: the bundle as made verifies

    moved = _with_gen_time_moved(pdf)
    assert len(moved) == len(pdf)
    problems = bundle_problems(with_pdf("moved.zip", moved))[1]
    assert "pdf signature: the document time stamp does not verify against the time-stamping authority" in problems
    with pytest.raises(CommandError):
        call_command("verify_bundle", with_pdf("moved2.zip", moved))

    with LocalTsa() as other:
        replaced = _stamped_by_another_authority(pdf, other)
    assert PdfFileReader(io.BytesIO(replaced)).embedded_timestamp_signatures
    problems = bundle_problems(with_pdf("other.zip", replaced))[1]
    assert "pdf signature: the document time stamp does not verify against the time-stamping authority" in problems
    with pytest.raises(CommandError):
        call_command("verify_bundle", with_pdf("other2.zip", replaced))
