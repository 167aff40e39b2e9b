"""The letter as a Word document (DOCX), the format lawyers edit: the same final text as the PDF,
with its Chinese font declared so that Word does not fall back to a Latin one."""

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from complaints.channels import channel as channel_of
from complaints.models import Complaint
from complaints.pdf import final_lines

# 宋体 (SimSun) is on every Chinese Windows and is what courts' own templates use; Latin text in Times New Roman.
CJK_FONT = "宋体"
LATIN_FONT = "Times New Roman"
# The titles the draft templates open with (templates/complaints/drafts/): centred and bold.
TITLES = {
    "关于要求停止违规催收的投诉函",
    "金融消费投诉材料",
    "关于小额贷款公司违规催收的投诉材料",
    "骚扰电话及短信举报材料",
    "关于违规催收的投诉材料（实名投诉）",
    "报案材料",
    "民事起诉状",
}


def _declare_fonts(document) -> None:
    style = document.styles["Normal"]
    style.font.name = LATIN_FONT
    style.font.size = Pt(12)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), CJK_FONT)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)


def render_docx(complaint: Complaint) -> bytes:
    """Return the DOCX bytes of the complaint's saved text, as a final letter (A4, one paragraph a line)."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(22)
    section.top_margin = section.bottom_margin = Mm(25)
    _declare_fonts(document)
    for line in final_lines(complaint.draft_text):
        paragraph = document.add_paragraph(line)
        if line.strip() in TITLES:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            for run in paragraph.runs:
                run.bold = True
    document.core_properties.title = channel_of(complaint.channel).document
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()
