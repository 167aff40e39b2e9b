"""The exported letters: a clean final PDF (read with pdftotext, fonts checked with pdffonts) and a
DOCX (read with python-docx), for every channel, through the pages and the API."""

import io
import subprocess

import docx
import pytest
from docx.oxml.ns import qn

from complaints.models import Complaint
from evidence.models import CustodyEvent

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
CHANNELS = Complaint.Channel.values


def pdf_text(data: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    return out.replace("\n", "").replace(" ", "")


def docx_text(data: bytes) -> str:
    return "".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs).replace(" ", "")


def pdf_of(client, complaint) -> bytes:
    """Ask for the PDF (a worker makes it: tasks run in-process here), then download it."""
    from django.test.testcases import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        first = client.get(f"/complaints/{complaint.id}/pdf/")
    assert first.status_code == 202
    r = client.get(f"/complaints/{complaint.id}/pdf/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r["Cache-Control"] == "private, no-store"
    return b"".join(r.streaming_content)


def docx_of(client, complaint) -> bytes:
    r = client.get(f"/complaints/{complaint.id}/docx/")
    assert r.status_code == 200 and r["Content-Type"].endswith("wordprocessingml.document")
    assert r["Cache-Control"] == "private, no-store"
    return r.content


def test_the_police_report_pdf_reads_in_chinese_with_fonts_embedded(client, alice, full_case, bundle, draft, tmp_path):
    complaint = draft(full_case, "police", bundle=bundle)
    client.force_login(alice)
    data = pdf_of(client, complaint)
    flat = pdf_text(data)
    for expected in (
        "报案材料",
        "李明",
        "母亲王芳",
        "第四十二条第（五）项",
        "证据清单",
        "提交人手机通话记录（共5条）",
        "禁止接触",
        "受案回执",
        "六个月",
        "完整姓名",
    ):
        assert expected in flat, expected
    path = tmp_path / "letter.pdf"
    path.write_bytes(data)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts
    assert (
        CustodyEvent.objects.filter(action="complaint_pdf_exported", detail__complaint=str(complaint.id)).count() == 1
    )


@pytest.mark.parametrize("channel", CHANNELS)
def test_every_letter_exports_as_a_clean_final_pdf_and_docx(client, alice, full_case, bundle, draft, channel):
    complaint = draft(full_case, channel, bundle=bundle)
    client.force_login(alice)
    for text in (pdf_text(pdf_of(client, complaint)), docx_text(docx_of(client, complaint))):
        assert "【草稿】" not in text and "草稿·须核对" not in text and "不构成法律意见" not in text
        assert "证据原件" not in text
        # The relative's narration is never quoted as the collector's words: only as her account (证人称).
        assert text.count("“对方说明天就去你单位找你。”") == text.count("证人称：“对方说明天就去你单位找你。”")
        if "GB/T45251—2025" in text:
            assert "GB/T45251—2025）》（推荐性国家标准，非法律）" in text
    assert CustodyEvent.objects.filter(action="complaint_docx_exported", detail__complaint=str(complaint.id)).exists()


def test_the_docx_declares_its_chinese_font(client, alice, full_case, draft):
    complaint = draft(full_case, "court")
    client.force_login(alice)
    document = docx.Document(io.BytesIO(docx_of(client, complaint)))
    fonts = document.styles["Normal"].element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "宋体"
    centred = [p.text for p in document.paragraphs if p.alignment is not None]
    assert "民事起诉状" in centred


def test_the_court_letter_itemises_the_damages_in_pdf_and_docx(client, alice, full_case, bundle, draft):
    complaint = draft(full_case, "court", bundle=bundle, damages_mental=5000, damages_medical=1200.5)
    client.force_login(alice)
    for text in (pdf_text(pdf_of(client, complaint)), docx_text(docx_of(client, complaint))):
        assert "共计人民币6,200.50元" in text
        assert "精神损害抚慰金人民币5,000.00元（依据：民法典第一千一百八十三条" in text
        assert "医疗费、误工费人民币1,200.50元（依据：民法典第一千一百七十九条" in text
        assert "本起诉状副本2份" in text and "证人名单" in text


def test_the_pdf_carries_the_users_edits_and_the_masked_note(client, alice, full_case, draft):
    complaint = draft(full_case, "platform")
    client.force_login(alice)
    r = client.post(
        f"/complaints/{complaint.id}/edit/", {"text": complaint.draft_text + "\n本人补充：对方还发了短信。"}
    )
    assert r.status_code == 302
    text = pdf_text(pdf_of(client, complaint))
    assert "本人补充：对方还发了短信。" in text and "已作部分隐藏" in text and "王芳" not in text


def test_the_api_drafts_reads_and_exports_a_letter(client, full_case, alice_api):
    r = client.post(
        f"/api/v1/cases/{full_case.id}/complaints", {"channel": "police"}, content_type="application/json", **alice_api
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert {"id", "channel", "masked", "text", "missing", "status", "filed_on", "reply_due"} <= set(body)
    assert body["channel"] == "police" and body["masked"] is False and "报案材料" in body["text"]
    assert "身份证号码" in body["missing"] and "公安局及派出所名称" in body["missing"]
    assert client.get(f"/api/v1/complaints/{body['id']}", **alice_api).json() == body
    from django.test.testcases import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        pending = client.get(f"/api/v1/complaints/{body['id']}/pdf", **alice_api)
    assert pending.status_code == 202 and pending.json()["status"] in ("pending", "running")
    pdf = client.get(f"/api/v1/complaints/{body['id']}/pdf", **alice_api)
    assert (
        pdf.status_code == 200
        and pdf["Content-Type"] == "application/pdf"
        and "报案材料" in pdf_text(b"".join(pdf.streaming_content))
    )
    word = client.get(f"/api/v1/complaints/{body['id']}/docx", **alice_api)
    assert word.status_code == 200 and "报案材料" in docx_text(word.content)
    masked = client.post(
        f"/api/v1/cases/{full_case.id}/complaints",
        {"channel": "black_cat"},
        content_type="application/json",
        **alice_api,
    ).json()
    assert masked["masked"] is True and "王芳" not in masked["text"]
    bad = client.post(
        f"/api/v1/cases/{full_case.id}/complaints", {"channel": "weibo"}, content_type="application/json", **alice_api
    )
    assert bad.status_code in (400, 422)
