"""The letter as a PDF: the saved text, set in Noto Sans CJK like the court bundle, marked as a draft."""

from django.template.loader import render_to_string

from complaints.channels import channel as channel_of
from complaints.channels import load_channels
from complaints.models import Complaint
from evidence.bundle.pdf import html_to_pdf


def paragraphs(text: str) -> list[str]:
    """The text's lines; blank lines become empty paragraphs that keep the letter's spacing."""
    return text.replace("\r\n", "\n").split("\n")


def render_pdf(complaint: Complaint) -> bytes:
    """Return the PDF bytes of the complaint's saved draft text."""
    ch = channel_of(complaint.channel)
    html = render_to_string("complaints/draft_pdf.html", {
        "complaint": complaint, "channel": ch, "lines": paragraphs(complaint.draft_text),
        "disclaimer": load_channels().disclaimer,
    })
    return html_to_pdf(html)
