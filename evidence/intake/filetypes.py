"""Which file types each kind of evidence accepts, judged from content alone."""

import magic

# Types sniffed from the bytes, never from the name or the browser's claim.
AUDIO_CONTAINERS = {"video/3gpp", "video/mp4", "application/ogg", "video/webm"}
IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "image/heic", "image/heif", "image/bmp"}
TEXT_TYPES = {"text/plain", "text/csv"}
PDF = "application/pdf"

# Everything scriptable a browser could run (SVG, HTML) is refused on purpose.
REFUSED = {"image/svg+xml", "text/html", "application/xhtml+xml", "text/xml", "application/xml"}


def sniff_mime(path: str) -> str:
    """Return the MIME type python-magic reads from the file's first bytes."""
    with open(path, "rb") as fh:
        head = fh.read(8192)
    return magic.from_buffer(head, mime=True)


def _is_audio(mime: str) -> bool:
    return mime.startswith("audio/") or mime in AUDIO_CONTAINERS


def accepts(kind: str, mime: str) -> bool:
    """Return True when an item of `kind` may hold a file of type `mime`."""
    if mime in REFUSED:
        return False
    if kind == "call_recording":
        return _is_audio(mime)
    if kind == "screenshot":
        return mime in IMAGE_TYPES
    if kind == "call_log":
        return mime in TEXT_TYPES or mime in IMAGE_TYPES or mime == PDF
    # Documents and attached statements: anything of the evidence types.
    return _is_audio(mime) or mime in IMAGE_TYPES or mime in TEXT_TYPES or mime == PDF


def kind_for(mime: str) -> str:
    """The kind of evidence a file of type `mime` most likely is, when the user did not say."""
    if _is_audio(mime):
        return "call_recording"
    if mime in IMAGE_TYPES:
        return "screenshot"
    return "call_log" if mime == "text/csv" else "document"
