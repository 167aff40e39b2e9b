"""Streaming intake: every uploaded file is hashed while it is written to disk.

The handler replaces Django's default upload handlers (FILE_UPLOAD_HANDLERS),
so the SHA-256 of an original costs no second read of the file. Problems it
finds (too large, unsafe name, cut-off body) are recorded on the request as
`request.upload_problem` for the view to turn into a clear error; the
scratch file is removed in every such case.
"""

import hashlib
import unicodedata

from django.conf import settings
from django.core.files.uploadhandler import SkipFile, StopUpload, TemporaryFileUploadHandler
from django.http.multipartparser import MultiPartParser

# Slack for the form fields that travel beside the file.
FORM_OVERHEAD_BYTES = 1024 * 1024

TOO_LARGE = "too_large"
UNSAFE_NAME = "unsafe_name"
INTERRUPTED = "interrupted"


def max_upload_bytes() -> int:
    return settings.MAX_UPLOAD_MB * 1024 * 1024


def is_safe_filename(name: str) -> bool:
    """Return True when `name` can be shown and stored as given.

    Path separators, dot names, control characters (NUL included) and
    bidirectional overrides (which make "exe.jpg" read as "gpj.exe") are refused.
    """
    if name in {"", ".", ".."} or len(name) > 255 or "/" in name or "\\" in name:
        return False
    return not any(unicodedata.category(ch) in {"Cc", "Cf", "Zl", "Zp"} for ch in name)


class _StrictMultiPartParser(MultiPartParser):
    """Django's parser, except that a dangerous file name is refused rather
    than silently trimmed: evidence keeps the name the user's phone gave it."""

    def __init__(self, *args, handler: "HashingUploadHandler", **kwargs):
        super().__init__(*args, **kwargs)
        self._handler = handler

    def sanitize_file_name(self, file_name: str) -> str | None:
        if is_safe_filename(file_name):
            return file_name
        # Returning None would make Django skip the part without reading its body,
        # and then parse the file's bytes as the next part's headers (a 500 for any
        # file larger than the parser's first read). The handler refuses the file
        # instead, which makes the parser read its body to the end and drop it.
        self._handler.set_problem(UNSAFE_NAME)
        self._handler.refuse_next_file = True
        return file_name


class HashingUploadHandler(TemporaryFileUploadHandler):
    """Writes each file to a scratch file and computes its SHA-256 on the way."""

    _parsing = False
    refuse_next_file = False

    def set_problem(self, problem: str) -> None:
        if self.request is not None and not getattr(self.request, "upload_problem", None):
            self.request.upload_problem = problem  # type: ignore[attr-defined]  # read by intake.web

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length > max_upload_bytes() + FORM_OVERHEAD_BYTES:
            self.set_problem(TOO_LARGE)
            from django.http import QueryDict
            from django.utils.datastructures import MultiValueDict

            return QueryDict(), MultiValueDict()
        if self._parsing:
            return None
        # Parse with the strict parser; it calls back into this handler (with
        # _parsing set) for the ordinary per-chunk work.
        self._parsing = True
        parser = _StrictMultiPartParser(META, input_data, [self], encoding, handler=self)
        return parser.parse()

    def new_file(self, *args, **kwargs) -> None:
        if self.refuse_next_file:
            self.refuse_next_file = False
            # The parser closes every handler's `file` on a skip: leave an earlier
            # part's finished file to the request, which closes it.
            self.__dict__.pop("file", None)
            raise SkipFile()
        super().new_file(*args, **kwargs)
        self._sha256 = hashlib.sha256()
        self._received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self._received += len(raw_data)
        if self._received > max_upload_bytes():
            self.set_problem(TOO_LARGE)
            raise StopUpload(connection_reset=True)
        self._sha256.update(raw_data)
        self.file.write(raw_data)

    def file_complete(self, file_size: int):
        upload = super().file_complete(file_size)
        if upload is not None:
            upload.sha256 = self._sha256.hexdigest()  # type: ignore[attr-defined]  # see sha256_of
        return upload

    def upload_interrupted(self) -> None:
        self.set_problem(INTERRUPTED)
        super().upload_interrupted()


def sha256_of(upload) -> str:
    """The SHA-256 HashingUploadHandler computed while the upload's bytes arrived."""
    return upload.sha256
