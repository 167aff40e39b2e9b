"""The bundle PDF and the final letters are signed (PAdES) with the site's certificate and, with a
TSA, time-stamped: checked with pyHanko and with Poppler's pdfsig against the site's certificate in
an NSS database, broken by one changed byte, and named by verify_bundle."""

import hashlib
import io
import json
import subprocess
import zipfile
from pathlib import Path

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.core.management import call_command
from django.core.management.base import CommandError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko_certvalidator import ValidationContext

from evidence import pdf_signing
from evidence.bundle_check import bundle_problems
from evidence.models import Bundle, CustodyEvent
from evidence.processing import pdfsign
from evidence.storage.originals import evidence_storage
from tests.tsa_server import LocalTsa

DER = serialization.Encoding.DER
pytestmark = [pytest.mark.django_db, pytest.mark.slow]
STATEMENT = "5月12日晚上十一点，一个陌生号码打给我，说我儿子欠钱不还，还说要去他单位闹。" * 20


def make_bundle(client, alice_case, alice_api, send, capture) -> tuple[Bundle, bytes]:
    """A real bundle of two exhibits made through the API; return it and its ZIP's bytes."""
    send("statement.txt", STATEMENT.encode(), "statement")
    send("overdue-notice.txt", ("逾期通知：" + "请于三日内还款。" * 400).encode(), "document")
    with capture(execute=True):
        r = client.post(f"/api/v1/cases/{alice_case.id}/bundles", {}, content_type="application/json", **alice_api)
    bundle = Bundle.objects.get(pk=r.json()["id"])
    assert bundle.status == "ready", bundle.error
    return bundle, b"".join(client.get(f"/api/v1/bundles/{bundle.id}/zip", **alice_api).streaming_content)


def pdf_of(zip_bytes: bytes) -> bytes:
    return zipfile.ZipFile(io.BytesIO(zip_bytes)).read("bundle.pdf")


def one_byte_changed(pdf: bytes) -> bytes:
    """The PDF with one letter of its producer's name changed: still a readable PDF, one byte apart."""
    at = pdf.index(b"WeasyPrint") + 1
    changed = bytearray(pdf)
    changed[at] ^= 0x20  # "e" becomes "E"
    return bytes(changed)


def nss_db(folder: Path, *pem_files: bytes) -> Path:
    """A fresh NSS database trusting the given root certificates (as a judge's reader would once imported)."""
    db = folder / "nss"
    db.mkdir()
    subprocess.run(["certutil", "-N", "-d", f"sql:{db}", "--empty-password"], check=True, capture_output=True)
    for n, pem in enumerate(pem_files):
        path = folder / f"root{n}.pem"
        path.write_bytes(pem)
        subprocess.run(
            ["certutil", "-A", "-d", f"sql:{db}", "-n", f"root{n}", "-t", "CT,C,C", "-i", str(path)],
            check=True,
            capture_output=True,
        )
    return db


def pdfsig(pdf: bytes, folder: Path, db: Path) -> str:
    path = folder / "checked.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(["pdfsig", "-nssdir", f"sql:{db}", str(path)], capture_output=True, text=True, timeout=60)
    return done.stdout + done.stderr


def site_root_pem() -> bytes:
    return pdf_signing.site_certificates()[-1].public_bytes(serialization.Encoding.PEM)


def pyhanko_context(*pems: bytes) -> ValidationContext:
    roots = [asn1_x509.Certificate.load(x509.load_pem_x509_certificate(p).public_bytes(DER)) for p in pems]
    return ValidationContext(trust_roots=roots, allow_fetching=False)


def pdf_text(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return out.replace("\n", "").replace(" ", "")


def test_a_bundle_pdf_with_a_tsa_validates_in_pyhanko_and_pdfsig_and_one_changed_byte_breaks_it(
    client, alice_case, alice_api, send, settings, django_capture_on_commit_callbacks, tmp_path
):
    with LocalTsa() as tsa:
        settings.TSA_URL, settings.TSA_CA_FILE = tsa.url, str(tsa.ca_file)
        bundle, data = make_bundle(client, alice_case, alice_api, send, django_capture_on_commit_callbacks)
        pdf = pdf_of(data)
        tsa_pem = Path(tsa.ca_file).read_bytes()

        reader = PdfFileReader(io.BytesIO(pdf))
        [signature] = reader.embedded_regular_signatures
        status = validate_pdf_signature(signature, pyhanko_context(site_root_pem()), pyhanko_context(tsa_pem))
        assert status.bottom_line and status.intact and status.valid and status.trusted
        assert status.signing_cert.dump() == pdf_signing.site_certificates()[0].public_bytes(serialization.Encoding.DER)
        assert status.timestamp_validity is not None and status.timestamp_validity.trusted
        assert "时间戳机构" in signature.sig_object["/Reason"]
        [doc_stamp] = reader.embedded_timestamp_signatures
        stamp_status = validate_pdf_timestamp(doc_stamp, pyhanko_context(tsa_pem))
        assert stamp_status.valid and stamp_status.trusted and stamp_status.intact

        db = nss_db(tmp_path, site_root_pem(), tsa_pem)
        out = pdfsig(pdf, tmp_path, db)
        assert "Signature Field Name: HarassGuard" in out
        assert "Signature Validation: Signature is Valid." in out and "Certificate is Trusted." in out, out

        changed = one_byte_changed(pdf)
        assert sum(a != b for a, b in zip(pdf, changed, strict=True)) == 1
        out = pdfsig(changed, tmp_path, db)
        assert "Signature Validation: Signature is Valid." not in out and "Digest Mismatch" in out, out
        reader = PdfFileReader(io.BytesIO(changed))
        status = validate_pdf_signature(reader.embedded_regular_signatures[0], pyhanko_context(site_root_pem()))
        assert not status.intact and not status.bottom_line
        report = pdf_signing.signature_report(changed)
        assert "the PDF was changed after it was signed (its signed bytes do not match)" in report.problems
        assert pdf_signing.signature_report(pdf).problems == []


def test_the_bundle_records_the_hash_of_the_signed_pdf_everywhere(
    client, alice_case, alice_api, send, django_capture_on_commit_callbacks
):
    bundle, data = make_bundle(client, alice_case, alice_api, send, django_capture_on_commit_callbacks)
    pdf = pdf_of(data)
    assert PdfFileReader(io.BytesIO(pdf)).embedded_regular_signatures  # what is recorded is the signed file
    sha = hashlib.sha256(pdf).hexdigest()
    with evidence_storage().open(bundle.pdf_name, "rb") as fh:
        assert fh.read() == pdf
    assert bundle.pdf_sha256 == sha
    built = CustodyEvent.objects.get(case=alice_case, action="bundle_built")
    assert built.detail["pdf_sha256"] == sha
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(data)).read("manifest.json"))
    assert manifest["pdf_sha256"] == sha
    r = client.post("/verify/", {"sha256": sha})
    assert r.status_code == 200 and sha in r.content.decode()


def test_without_a_tsa_the_pdf_is_signed_and_says_its_time_is_the_servers(
    client, alice_case, alice_api, send, django_capture_on_commit_callbacks, tmp_path
):
    _bundle, data = make_bundle(client, alice_case, alice_api, send, django_capture_on_commit_callbacks)
    pdf = pdf_of(data)
    reader = PdfFileReader(io.BytesIO(pdf))
    [signature] = reader.embedded_regular_signatures
    assert reader.embedded_timestamp_signatures == []
    assert "服务器时间" in signature.sig_object["/Reason"] and "server's own clock" in signature.sig_object["/Reason"]
    assert "签署时间为本站服务器时间（未配置时间戳机构），不是独立的时间证明" in pdf_text(pdf)
    report = pdf_signing.signature_report(pdf)
    assert report.problems == [] and report.stamped_at is None and report.document_stamped_at is None
    out = pdfsig(pdf, tmp_path, nss_db(tmp_path, site_root_pem()))
    assert "Signature is Valid." in out and "Certificate is Trusted." in out, out


def test_verify_bundle_names_a_changed_pdf_and_one_signed_by_another_certificate(
    client, alice_case, alice_api, send, settings, django_capture_on_commit_callbacks, tmp_path
):
    _bundle, data = make_bundle(client, alice_case, alice_api, send, django_capture_on_commit_callbacks)
    pdf = pdf_of(data)

    def with_pdf(name: str, new_pdf: bytes) -> str:
        source, path = zipfile.ZipFile(io.BytesIO(data)), tmp_path / name
        with zipfile.ZipFile(path, "w") as out:
            for entry in source.namelist():
                out.writestr(entry, new_pdf if entry == "bundle.pdf" else source.read(entry))
        return str(path)

    changed = bundle_problems(with_pdf("changed.zip", one_byte_changed(pdf)))[1]
    assert "pdf signature: the PDF was changed after it was signed (its signed bytes do not match)" in changed
    with pytest.raises(CommandError):
        call_command("verify_bundle", with_pdf("changed2.zip", one_byte_changed(pdf)))

    other_cert, other_key = tmp_path / "other.pem", tmp_path / "other.key"
    pdfsign.create_local_certificate(other_cert, other_key, "Someone Else")
    unsigned = pdf[: pdf.index(b"%%EOF") + 5]  # the first revision: the PDF as rendered, before signing
    forged = pdfsign.sign_pdf(unsigned, pdfsign.load_signer(cert_path=other_cert, key_path=other_key), reason="forged")
    found = bundle_problems(with_pdf("forged.zip", forged))[1]
    assert "pdf signature: the PDF was signed with another certificate than the site's" in found, found


def test_an_operators_pkcs12_certificate_signs_and_is_the_one_checked(settings, tmp_path):
    from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, load_pem_private_key, pkcs12
    from weasyprint import HTML

    cert_file, key_file = tmp_path / "op.pem", tmp_path / "op.key"
    pdfsign.create_local_certificate(cert_file, key_file, "某某律师事务所 HarassGuard")
    chain = pdfsign.certificates(cert_file)
    key = load_pem_private_key(key_file.read_bytes(), password=None)
    p12 = tmp_path / "operator.p12"
    p12.write_bytes(
        pkcs12.serialize_key_and_certificates(b"op", key, chain[0], chain[1:], BestAvailableEncryption(b"s3cret"))  # type: ignore[arg-type]
    )
    settings.PDF_SIGNING_P12_FILE, settings.PDF_SIGNING_PASSPHRASE = str(p12), "s3cret"
    signed = pdf_signing.sign(HTML(string="<p>报案材料</p>").write_pdf(), "letter")
    assert pdf_signing.site_certificates()[0] == chain[0]
    report = pdf_signing.signature_report(signed)
    assert report.problems == [] and "某某律师事务所" in report.signer
    settings.PDF_SIGNING_PASSPHRASE = "wrong"
    with pytest.raises(pdfsign.SignerUnusable):
        pdf_signing.site_signer()
