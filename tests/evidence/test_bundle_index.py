"""The bundle as 证据规定（2019）第十九条 asks: an index by what the exhibits prove, each exhibit described,
of a stated kind, marked as a copy, with its own purpose and summary; the cover, the submitter's summary,
annex 2, recordings' facts and legible screenshots. Read from the real PDF and ZIP."""

import io
import json
import re
import subprocess
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from evidence.models import Bundle, Transcript
from tests.conftest import png_bytes, wav_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
CALLS = (
    "号码,类型,通话时间,通话时长\n13812345678,来电,2025-05-12 23:15:00,60秒\n13812345678,来电,2025-05-12 09:00:00,5秒\n"
)


def long_screenshot(width: int = 1080, height: int = 5000) -> bytes:
    """A long chat capture: a phone-width image five screens tall, with lines of "text"."""
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    for y in range(40, height, 90):
        draw.rectangle((40, y, 40 + (y * 7) % 800 + 100, y + 50), fill=(120, 200, 120))
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def filing(client, alice_case, alice_api, django_capture_on_commit_callbacks):
    alice_case.victim_name, alice_case.collection_company = "李明", "某某信息咨询有限公司"
    alice_case.save()

    def post(data):
        with django_capture_on_commit_callbacks(execute=True):
            r = client.post(f"/api/v1/cases/{alice_case.id}/evidence", data, **alice_api)
        assert r.status_code == 201, r.content
        return r.json()["id"]

    ids = {
        "recording": post(
            {
                "file": SimpleUploadedFile("13812345678_20250512231500.wav", wav_bytes(seconds=1)),
                "kind": "call_recording",
            }
        ),
        "log": post({"file": SimpleUploadedFile("calls.csv", CALLS.encode()), "kind": "call_log"}),
        "shot": post(
            {
                "file": SimpleUploadedFile("chat-long.png", long_screenshot()),
                "kind": "screenshot",
                "occurred_at": "2025-05-12T23:47:00+08:00",
                "counterparty_number": "13812345678",
            }
        ),
        "own": post(
            {
                "kind": "statement",
                "author_name": "李明",
                "relation": "本人",
                "text": "我从5月起每天接到催收电话，晚上睡不着。",
                "occurred_at": "2025-05-20T10:00:00+08:00",
            }
        ),
        "contract": post(
            {
                "file": SimpleUploadedFile("contract.png", png_bytes()),
                "kind": "loan_contract",
                "description": "小米借贷借款合同（订单号 A123）",
            }
        ),
        "medical": post(
            {
                "file": SimpleUploadedFile("diagnosis.png", png_bytes((30, 30, 200))),
                "kind": "medical_record",
                "description": "某某医院焦虑状态诊断证明",
            }
        ),
    }
    Transcript.objects.filter(item_id=ids["recording"]).update(
        segments=[{"start": 1.0, "end": 4.0, "text": "明天就去你单位找你"}], text="明天就去你单位找你"
    )
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(
            f"/api/v1/cases/{alice_case.id}/bundles",
            {"submitter": "李明", "submitter_role": "plaintiff", "submitted_to": "北京市朝阳区人民法院", "copies": 2},
            content_type="application/json",
            **alice_api,
        )
    assert r.status_code == 202, r.content
    bundle = Bundle.objects.get(pk=r.json()["id"])
    assert bundle.status == Bundle.Status.READY, bundle.error
    return bundle, ids


def pdf_of(client, bundle, headers) -> bytes:
    r = client.get(f"/api/v1/bundles/{bundle.id}/pdf", **headers)
    assert r.status_code == 200
    return b"".join(r.streaming_content)


def flat(pdf: bytes) -> str:
    """The text in the order it was written (cell by cell), without line breaks or spaces."""
    text = subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return text.replace("\n", "").replace(" ", "")


def test_the_exhibits_are_grouped_by_what_they_prove_and_numbered_within_groups(filing):
    bundle, ids = filing
    labels = {str(e.item_id): e.label for e in bundle.entries.all()}
    assert labels[ids["contract"]] == "1-1"  # 借款关系
    assert {labels[ids[k]] for k in ("recording", "log", "shot", "own")} == {"2-1", "2-2", "2-3", "2-4"}
    assert labels[ids["medical"]] == "4-1"  # 损害后果
    positions = [e.label for e in bundle.entries.order_by("position")]
    assert positions == sorted(positions, key=lambda label: tuple(map(int, label.split("-"))))


def test_the_index_has_the_columns_of_the_evidence_rules(client, alice_api, filing):
    bundle, _ids = filing
    pdf = pdf_of(client, bundle, alice_api)
    text = flat(pdf)
    layout = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    assert re.search(r"序号\s+证据名称\s+证据种类\s+原件或副本\s+证明目的\s+内容摘要\s+页码\s+SHA-256", layout.decode())
    for group in (r"第1组\s+证明对象：借款关系", r"第2组\s+证明对象：催收骚扰（本人）", r"第4组\s+证明对象：损害后果"):
        assert re.search(group, layout.decode()), group
    for words in (
        "2025年5月12日23:15号码138****5678致原告的通话录音及整理稿",
        "借款合同或订单：小米借贷借款合同（订单号A123）",
        "电子数据（录音）",
        "书证",
        "当事人陈述",
        "电子数据副本；原始载体由提交人保存，可当庭核对",
        "复印件（扫描件）；原件由提交人保存，可当庭核对",
        "通话时长0分1秒；机器转写1句（未经核对）",
    ):
        assert words in text, words
    # The recording's words are not yet confirmed as the collector's: they prove nothing in the 证明目的 yet.
    assert "并证明：以上门、曝光等方式滋扰、恐吓的言语" not in text


def test_the_cover_names_the_submitter_in_their_role_and_the_summary_is_not_evidence(client, alice_api, filing):
    bundle, _ids = filing
    pdf = pdf_of(client, bundle, alice_api)
    text = flat(pdf)
    cover = subprocess.run(
        ["pdftotext", "-layout", "-l", "1", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    for line in (r"提交人\s+李明（原告）", r"提交对象\s+北京市朝阳区人民法院", r"份数\s+2 份"):
        assert re.search(line, cover), line
    for words in ("提交人对证据的整理与说明（非证据本身）", "可能的违规情形", "（北京时间）"):
        assert words in text, words
    for wrong in ("证据原件", "受害人", "原件随证据包", "必须遵守"):
        assert wrong not in text, wrong


def test_annex_two_refers_to_article_93_names_the_operator_and_disclaims_neutrality(
    client, alice_api, filing, settings
):
    bundle, _ids = filing
    text = flat(pdf_of(client, bundle, alice_api))
    for words in (
        "参照《最高人民法院关于民事诉讼证据的若干规定》（2019年修正）第九十三条所列因素",
        "本站运营者",
        "不是中立的第三方存证平台，也不是公证机构、区块链存证或司法存证平台",
        "不主张适用《人民法院在线诉讼规则》第十六条至第十九条",
        "联合信任时间戳服务中心",
        "originals/中每个文件与本系统接收时的文件逐字节一致，是电子数据副本",
        "请勿恢复出厂设置或更换",
    ):
        assert words in text, words
    assert "根据《最高人民法院关于民事诉讼证据的若干规定》" not in text


def test_a_recording_shows_its_facts_and_the_call_log_that_corroborates_it(client, alice_api, filing):
    bundle, ids = filing
    log_label = bundle.entries.get(item_id=ids["log"]).label
    text = flat(pdf_of(client, bundle, alice_api))
    for words in (
        "来电号码13812345678",
        "日期及开始时间2025年5月12日23:15:00（北京时间）",
        "时长00:01",
        f"相互印证的通话记录证据{log_label}",
        "机器转写，未经核对",
    ):
        assert words in text, words


def test_a_long_screenshot_is_printed_legibly_in_pieces_marked_as_a_reduced_copy(client, alice_api, filing, tmp_path):
    bundle, _ids = filing
    pdf = pdf_of(client, bundle, alice_api)
    assert "原图的缩小打印件（长图分4段打印）" in flat(pdf)
    path = tmp_path / "bundle.pdf"
    path.write_bytes(pdf)
    listing = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    widths = [int(line.split()[3]) for line in listing.splitlines()[2:]]
    assert widths.count(1080) == 4  # four pieces at the phone's own width, not one 216-pixel thumbnail


def test_the_zip_says_copies_not_originals(client, alice_api, filing):
    bundle, _ids = filing
    r = client.get(f"/api/v1/bundles/{bundle.id}/zip", **alice_api)
    archive = zipfile.ZipFile(io.BytesIO(b"".join(r.streaming_content)))
    readme = archive.read("README.txt").decode()
    assert "证据原件" not in readme and "逐字节一致（电子数据副本）" in readme and "原始载体" in readme
    manifest = json.loads(archive.read("manifest.json"))
    assert [i["label"] for i in manifest["items"]][0] == "证据1-1"
