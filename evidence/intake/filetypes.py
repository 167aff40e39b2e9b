"""Which file types each kind of evidence accepts, judged from content alone."""

import magic

# Types sniffed from the bytes, never from the name or the browser's claim.
AUDIO_CONTAINERS = {"video/3gpp", "video/mp4", "application/ogg", "video/webm"}
IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "image/heic", "image/heif", "image/bmp"}
TEXT_TYPES = {"text/plain", "text/csv"}
PDF = "application/pdf"
JSON = "application/json"  # BCR writes one beside each recording: the call's direction, SIM and contact
# Carriers' itemised records (运营商详单) and phone exports as Excel workbooks.
SPREADSHEET_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.ms-excel",
    "application/CDFV2",
}

# Everything scriptable a browser could run (SVG, HTML) is refused on purpose.
REFUSED = {"image/svg+xml", "text/html", "application/xhtml+xml", "text/xml", "application/xml"}


# WeChat and QQ voice messages: SILK v3, in files named .amr (WeChat puts one 0x02 byte first).
SILK = "audio/silk"


def is_silk(head: bytes) -> bool:
    return head.startswith(b"#!SILK_V3") or head.startswith(b"\x02#!SILK_V3")


def sniff_mime(path: str) -> str:
    """Return the MIME type python-magic reads from the file's first bytes (SILK, which libmagic
    does not know, from its header)."""
    with open(path, "rb") as fh:
        head = fh.read(8192)
    return sniff_mime_bytes(head)


def sniff_mime_bytes(data: bytes) -> str:
    """Return the MIME type python-magic reads from `data`."""
    return SILK if is_silk(data[:16]) else magic.from_buffer(data[:8192], mime=True)


def _is_audio(mime: str) -> bool:
    return mime.startswith("audio/") or mime in AUDIO_CONTAINERS


def accepts(kind: str, mime: str) -> bool:
    """Return True when an item of `kind` may hold a file of type `mime`."""
    if mime in REFUSED:
        return False
    if kind in ("call_recording", "spoken_statement"):
        return _is_audio(mime)
    if kind == "screenshot":
        return mime in IMAGE_TYPES
    if kind == "screen_recording":
        return mime.startswith("video/")  # services.check_file also requires a picture stream
    if kind == "call_log":
        return mime in TEXT_TYPES or mime in IMAGE_TYPES or mime == PDF or mime in SPREADSHEET_TYPES
    # Documents and attached statements: anything of the evidence types; JSON for BCR's call sidecars.
    return _is_audio(mime) or mime in IMAGE_TYPES or mime in TEXT_TYPES or mime == PDF or mime == JSON


def kind_for(mime: str) -> str:
    """The kind of evidence a file of type `mime` most likely is, when the user did not say."""
    if _is_audio(mime):
        return "call_recording"
    if mime in IMAGE_TYPES:
        return "screenshot"
    return "call_log" if mime == "text/csv" or mime in SPREADSHEET_TYPES else "document"


def has_video_stream(path: str) -> bool:
    """True when the file has a picture (a screen recording), not only sound."""
    import av

    try:
        with av.open(path) as container:
            return bool(container.streams.video)
    except (av.FFmpegError, ValueError):
        return False
