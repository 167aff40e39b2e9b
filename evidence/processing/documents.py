"""PDF documents: page count and the text layer, when there is one."""

from dataclasses import dataclass

from pypdf import PdfReader
from pypdf.errors import PdfReadError


class DocumentUnreadable(Exception):
    """The PDF is corrupt or encrypted."""


@dataclass(frozen=True)
class DocumentText:
    pages: int
    text: str

    @property
    def has_text_layer(self) -> bool:
        return bool(self.text.strip())


def pdf_text(path: str, max_pages: int = 200) -> DocumentText:
    """Return the page count and the text of the first `max_pages` pages."""
    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            raise DocumentUnreadable("the PDF is encrypted")
        pages = [page.extract_text() or "" for page in reader.pages[:max_pages]]
        return DocumentText(len(reader.pages), "\n\f".join(pages))
    except (PdfReadError, ValueError, KeyError) as exc:
        raise DocumentUnreadable(str(exc)) from exc
