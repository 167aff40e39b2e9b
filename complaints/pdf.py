"""The letter as a clean final PDF: the saved text without the draft line, set in Noto Sans CJK
(embedded) like the court bundle."""

from django.template.loader import render_to_string

from complaints.channels import channel as channel_of
from complaints.models import Complaint
from evidence import pdf_signing
from evidence.bundle.pdf import html_to_pdf

DRAFT_MARK = "【草稿】"


def paragraphs(text: str) -> list[str]:
    """The text's lines; blank lines become empty paragraphs that keep the letter's spacing."""
    return text.replace("\r\n", "\n").split("\n")


def final_lines(text: str) -> list[str]:
    """The letter as it is filed: the lines of the saved text without the "【草稿】…" note the draft
    opens with, and without the blank lines that leaves at the top."""
    lines = [line for line in paragraphs(text) if not line.startswith(DRAFT_MARK)]
    while lines and not lines[0].strip():
        lines.pop(0)
    return lines


def render_pdf(complaint: Complaint) -> bytes:
    """Return the PDF bytes of the complaint's saved text, as a final letter, signed by the site
    (and time-stamped when a TSA is configured)."""
    ch = channel_of(complaint.channel)
    context = {
        "complaint": complaint,
        "channel": ch,
        "lines": final_lines(complaint.draft_text),
        "signature": pdf_signing.signature_notice(),
    }
    html = render_to_string("complaints/draft_pdf.html", context)
    return pdf_signing.sign(html_to_pdf(html), "letter")
