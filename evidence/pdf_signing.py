"""The site's signature on the PDFs it hands out (bundles and final letters), from its settings.

One place reads the signing certificate (PDF_SIGNING_*; a local one is made once when none is
configured) and the time-stamping authority (TSA_URL, TSA_CA_FILE), signs, and checks again.
"""

import time
from pathlib import Path
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID
from django.conf import settings

from evidence.processing import pdfsign, timestamps

LOCAL_CERT, LOCAL_KEY = "pdf-signing.pem", "pdf-signing.key"
REASON_TSA = (
    "HarassGuard 签署{what}：签署后未经改动；签署时间由时间戳机构（RFC 3161）证明。"
    " / Signed by HarassGuard ({what_en}): unchanged since signing; the time is certified by a time-stamping authority."
)
REASON_SERVER = (
    "HarassGuard 签署{what}：签署后未经改动；签署时间为本站服务器时间（未配置时间戳机构，非独立时间证明）。"
    " / Signed by HarassGuard ({what_en}): unchanged since signing; the time is this server's own clock"
    " (no time-stamping authority is configured)."
)
WHAT = {"bundle": ("证据材料", "evidence bundle"), "letter": ("函件", "letter")}


def local_files() -> tuple[Path, Path]:
    """Where the site-made certificate and key are kept when none is configured."""
    folder = settings.SIGNING_KEY_FILE.parent
    return folder / LOCAL_CERT, folder / LOCAL_KEY


def is_local_certificate() -> bool:
    """Whether the site signs with the certificate it made itself (no operator's certificate set)."""
    return not (settings.PDF_SIGNING_P12_FILE or settings.PDF_SIGNING_CERT_FILE or settings.PDF_SIGNING_KEY_FILE)


def _ensure_local() -> tuple[Path, Path]:
    cert, key = local_files()
    if not key.exists():
        host = urlsplit(settings.SITE_URL).netloc or "localhost"
        try:
            pdfsign.create_local_certificate(cert, key, f"HarassGuard {host} (site-made certificate)")
        except FileExistsError:
            pass  # another process made it at the same moment; its certificate follows the key
    for _ in range(50):
        if cert.exists():
            break
        time.sleep(0.1)
    return cert, key


def site_signer():
    """Return the site's pyHanko signer; raises pdfsign.SignerUnusable."""
    if settings.PDF_SIGNING_P12_FILE:
        return pdfsign.load_signer(
            p12_path=Path(settings.PDF_SIGNING_P12_FILE), passphrase=settings.PDF_SIGNING_PASSPHRASE
        )
    if is_local_certificate():
        cert, key = _ensure_local()
    else:
        cert, key = Path(settings.PDF_SIGNING_CERT_FILE), Path(settings.PDF_SIGNING_KEY_FILE)
    return pdfsign.load_signer(cert_path=cert, key_path=key, passphrase=settings.PDF_SIGNING_PASSPHRASE)


def site_certificates() -> list[x509.Certificate]:
    """The site's signing certificate first, then the chain it was configured with."""
    signer = site_signer()
    leaf = signer.signing_cert.dump()
    others = [c.dump() for c in signer.cert_registry if c.dump() != leaf]
    return [x509.load_der_x509_certificate(der) for der in (leaf, *others)]


def site_certificate_pem() -> bytes:
    """The signing certificate and its chain as PEM, for a reader's (or an NSS database's) trust list."""
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in site_certificates())


def signature_notice() -> dict:
    """What a PDF says of its own signature, before it is signed: by whom, and whose time."""
    certificate = site_certificates()[0]
    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return {
        "signer": str(names[0].value) if names else certificate.subject.rfc4514_string(),
        "server_time": server_time_only(),
        "local_certificate": is_local_certificate(),
    }


def server_time_only() -> bool:
    """Whether signed PDFs carry only the server's time (no time-stamping authority configured)."""
    return not settings.TSA_URL


def sign(pdf: bytes, what: str) -> bytes:
    """Return `pdf` signed with the site's certificate, time-stamped by the TSA when one is set.

    `what` is "bundle" or "letter" (named in the signature's reason). Raises TsaUnavailable,
    TsaInvalid or TsaRefused when the authority gives no valid stamp, SignerUnusable without a key."""
    zh, en = WHAT[what]
    stamper = None
    if settings.TSA_URL:
        roots = timestamps.tsa_roots(settings.TSA_CA_FILE)
        stamper = pdfsign.VerifiedTimeStamper(settings.TSA_URL, settings.TSA_CA_FILE, roots)
    reason = (REASON_SERVER if stamper is None else REASON_TSA).format(what=zh, what_en=en)
    return pdfsign.sign_pdf(
        pdf, site_signer(), reason=reason, location=settings.PDF_SIGNING_LOCATION, timestamper=stamper
    )


def signature_report(pdf: bytes) -> pdfsign.SignatureReport:
    """Check a PDF's signature against the site's certificate and its time stamps against the TSA's roots."""
    try:
        certs = site_certificates()
    except pdfsign.SignerUnusable as exc:
        return pdfsign.SignatureReport(problems=[f"the site's signing certificate cannot be read: {exc}"])
    try:
        roots = timestamps.tsa_roots(settings.TSA_CA_FILE)
    except timestamps.TsaRefused:
        roots = []
    return pdfsign.check_pdf(pdf, certs[0], roots, trusted=certs)
