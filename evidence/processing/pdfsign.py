"""Signing the site's PDFs (PAdES, with pyHanko) and checking such a signature again.

A signed PDF carries the site's certificate, and, when a time-stamping authority is configured,
an RFC 3161 time stamp of the signature and a document time stamp over the whole signed file, so
a PDF reader shows "signed, not changed since" with a time from outside the server. Every reply
of the authority is verified (evidence/processing/timestamps.py) before it goes into the file.
"""

import asyncio
import functools
import io
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.keys import load_certs_from_pemder, load_private_key_from_pemder
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from evidence.processing import timestamps

FIELD = "HarassGuard"
SELF_SIGNED_YEARS = 10


class SignerUnusable(Exception):
    """The configured key and certificate cannot be loaded (missing, wrong passphrase, mismatched)."""


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(subject: str, issuer: str, public, issuer_key, *, ca: bool) -> x509.Certificate:
    now = datetime.now(UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer))
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=365 * SELF_SIGNED_YEARS))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
    )
    if ca:  # keyCertSign and cRLSign
        usage = x509.KeyUsage(False, False, False, False, False, True, True, False, False)
    else:  # digitalSignature and nonRepudiation (contentCommitment)
        usage = x509.KeyUsage(True, True, False, False, False, False, False, False, False)
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )  # what NSS (Poppler, Firefox) asks of a document signer
    return builder.add_extension(usage, critical=True).sign(issuer_key, hashes.SHA256())


def create_local_certificate(cert_path: Path, key_path: Path, common_name: str) -> None:
    """Write a new P-256 signing key (mode 0600) and, into `cert_path`, its certificate followed by
    the self-signed root that issued it. The root's key is thrown away once the certificate is made.

    PDF readers (NSS's certificate checks in particular) trust a root, not a self-signed signer,
    hence the two levels. Refuses to overwrite: a certificate judges may have been given must stay."""
    root_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    root_name = f"{common_name} Root"
    root = _certificate(root_name, root_name, root_key.public_key(), root_key, ca=True)
    cert = _certificate(common_name, root_name, key.public_key(), root_key, ca=False)
    key_path.parent.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    chain = cert.public_bytes(serialization.Encoding.PEM) + root.public_bytes(serialization.Encoding.PEM)
    cert_path.write_bytes(chain)


def load_signer(
    *, cert_path: Path | None = None, key_path: Path | None = None, p12_path: Path | None = None, passphrase: str = ""
) -> signers.SimpleSigner:
    """Return a signer from a PKCS#12 file, or from PEM/DER key and certificate files (the
    certificate file holds the signing certificate first, then its chain). Raises SignerUnusable."""
    secret = passphrase.encode() or None
    try:
        if p12_path is not None:
            signer = signers.SimpleSigner.load_pkcs12(str(p12_path), passphrase=secret)
        elif cert_path is not None and key_path is not None:
            chain = list(load_certs_from_pemder([str(cert_path)]))
            key = load_private_key_from_pemder(str(key_path), passphrase=secret)
            signer = signers.SimpleSigner(chain[0], key, SimpleCertificateStore.from_certs(chain))
        else:
            raise SignerUnusable("neither a PKCS#12 file nor a key and a certificate are configured")
    except (OSError, ValueError, TypeError, IndexError) as exc:
        raise SignerUnusable(f"the signing key or certificate could not be read: {exc}") from exc
    if signer is None:
        raise SignerUnusable("the PKCS#12 file could not be read (format or passphrase)")
    return signer


def certificates(cert_path: Path) -> list[x509.Certificate]:
    """The certificates of a PEM file: the signing certificate first, then its chain."""
    return x509.load_pem_x509_certificates(cert_path.read_bytes())


class VerifiedTimeStamper(TimeStamper):
    """pyHanko's time stamper over this site's TSA client: the same transport, and every reply
    verified (signature, chain to the roots, timeStamping usage, imprint, nonce) before use."""

    def __init__(self, url: str, ca_file: str, roots: list[x509.Certificate]):
        super().__init__(include_nonce=True)
        self.url, self.ca_file, self.roots = url, ca_file, roots

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        reply = await asyncio.to_thread(timestamps.post_query, req.dump(), self.url, self.ca_file)
        imprint = req["message_imprint"]["hashed_message"].native.hex()
        timestamps.rfc3161_verify(reply, imprint, self.roots, nonce=req["nonce"].native)
        return tsp.TimeStampResp.load(reply)


def _outside_event_loops(fn):
    """pyHanko's synchronous calls run their work with asyncio.run, which refuses to start inside a
    running event loop (an async server; Playwright's loop in the browser tests): there, the call
    runs on a thread of its own, which has none."""

    @functools.wraps(fn)
    def run(*args, **kwargs):
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return fn(*args, **kwargs)
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(fn, *args, **kwargs).result()

    return run


@_outside_event_loops
def sign_pdf(
    pdf: bytes,
    signer: signers.SimpleSigner,
    *,
    reason: str,
    location: str = "",
    timestamper: TimeStamper | None = None,
) -> bytes:
    """Return `pdf` signed (PAdES baseline: B-B, or B-T plus a document time stamp with a TSA).

    Raises TsaUnavailable, TsaInvalid or TsaRefused when the authority gives no valid stamp."""
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD,
        reason=reason,
        location=location or None,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    signed = signers.PdfSigner(meta, signer=signer, timestamper=timestamper).sign_pdf(writer)
    if timestamper is None:
        return signed.getvalue()
    # The document time stamp covers the whole signed file, the signature's own stamp included.
    writer = IncrementalPdfFileWriter(signed, strict=False)
    stamped = signers.PdfTimeStamper(timestamper, field_name=f"{FIELD}DocTimeStamp").timestamp_pdf(writer, "sha256")
    return stamped.getvalue()


@dataclass
class SignatureReport:
    """What a PDF's signatures show; `problems` is empty when they prove what they should."""

    problems: list[str] = field(default_factory=list)
    signer: str = ""
    signed_at: datetime | None = None  # the signer's own clock
    stamped_at: datetime | None = None  # the signature's RFC 3161 time stamp, when there is one
    document_stamped_at: datetime | None = None  # the document time stamp, when there is one


def _context(roots: list[x509.Certificate]) -> ValidationContext:
    ders = [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in roots]
    return ValidationContext(trust_roots=ders, allow_fetching=False, revocation_mode="soft-fail")


@_outside_event_loops
def check_pdf(
    pdf: bytes,
    site_cert: x509.Certificate,
    tsa_roots: list[x509.Certificate],
    trusted: list[x509.Certificate] | None = None,
) -> SignatureReport:
    """Check the PDF's signature: intact, by `site_cert` (valid, chained to one of `trusted`,
    default itself), nothing changed after it but a document time stamp, and every time stamp in
    it valid and chained to `tsa_roots`."""
    report = SignatureReport()
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        sigs, stamps = reader.embedded_regular_signatures, reader.embedded_timestamp_signatures
    except Exception as exc:  # pyHanko raises many kinds on a damaged file
        return SignatureReport(problems=[f"the PDF cannot be read: {exc}"])
    if len(sigs) != 1:
        report.problems.append(f"the PDF carries {len(sigs)} signatures, not the site's one")
        return report
    ts_context = _context(tsa_roots) if tsa_roots else None
    _check_signature(sigs[0], site_cert, _context(trusted or [site_cert]), ts_context, report)
    for stamp in stamps:
        _check_document_stamp(stamp, ts_context, report)
    # Whatever was signed or stamped last must reach the end of the file: bytes appended after it
    # (an incremental update) would show in a reader as a later change.
    last = stamps[-1] if stamps else sigs[0]
    if last.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        report.problems.append("the PDF was changed after it was signed or time-stamped (bytes added after it)")
    return report


def _check_signature(sig, site_cert, context, ts_context, report: SignatureReport) -> None:
    site_der = site_cert.public_bytes(serialization.Encoding.DER)
    try:
        status = validate_pdf_signature(sig, context, ts_validation_context=ts_context)
    except (SigningError, ValueError) as exc:
        report.problems.append(f"the signature cannot be checked: {exc}")
        return
    report.signer = status.signing_cert.subject.human_friendly
    report.signed_at = status.signer_reported_dt
    if status.signing_cert.dump() != site_der:
        report.problems.append("the PDF was signed with another certificate than the site's")
    if not status.intact:
        report.problems.append("the PDF was changed after it was signed (its signed bytes do not match)")
    elif not status.valid:
        report.problems.append("the PDF's signature value does not verify")
    elif not status.trusted:
        report.problems.append("the signing certificate is not valid now (expired or unusable for signing)")
    if sig.coverage < SignatureCoverageLevel.ENTIRE_REVISION:
        report.problems.append("the signature does not cover its whole revision of the PDF")
    if status.modification_level is not None and status.modification_level.value > 1:
        report.problems.append("the PDF was changed after it was signed (more than a document time stamp)")
    ts = status.timestamp_validity
    if ts is not None:
        report.stamped_at = ts.timestamp
        if not (ts.intact and ts.valid and ts.trusted):
            report.problems.append("the signature's time stamp does not verify against the time-stamping authority")


def _check_document_stamp(stamp, ts_context, report: SignatureReport) -> None:
    if ts_context is None:
        report.problems.append("the PDF has a document time stamp but no authority's roots to check it against")
        return
    status = validate_pdf_timestamp(stamp, validation_context=ts_context)
    report.document_stamped_at = status.timestamp
    if not (status.intact and status.valid and status.trusted):
        report.problems.append("the document time stamp does not verify against the time-stamping authority")
