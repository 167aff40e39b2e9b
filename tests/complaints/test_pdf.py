"""The exported letter, checked with pdftotext and pdffonts."""

import subprocess

import pytest

from evidence.models import CustodyEvent

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


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


def test_the_police_report_pdf_reads_in_chinese_with_fonts_embedded(client, alice, full_case, bundle, draft, tmp_path):
    complaint = draft(full_case, "police", bundle=bundle)
    client.force_login(alice)
    data = pdf_of(client, complaint)
    text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    flat = text.replace("\n", "").replace(" ", "")
    for expected in ("报案材料", "草稿", "不构成法律意见", "李明", "母亲王芳", "对方说明天就去你单位找你", "寻衅滋事",
                     "第四十二条", "证据清单", "calls.csv", "含第三人完整信息"):
        assert expected in flat, expected
    path = tmp_path / "letter.pdf"
    path.write_bytes(data)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts
    assert CustodyEvent.objects.filter(action="complaint_pdf_exported", detail__complaint=str(complaint.id)).count() == 1


def test_the_pdf_carries_the_users_edits_and_the_masked_label(client, alice, full_case, draft):
    complaint = draft(full_case, "platform")
    client.force_login(alice)
    r = client.post(f"/complaints/{complaint.id}/edit/", {"text": complaint.draft_text + "\n本人补充：对方还发了短信。"})
    assert r.status_code == 302
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf_of(client, complaint), capture_output=True,
                          check=True).stdout.decode().replace("\n", "")
    assert "本人补充：对方还发了短信。" in text and "第三人信息已隐藏" in text and "王芳" not in text
