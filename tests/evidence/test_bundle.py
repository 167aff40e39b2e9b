"""The court bundle, checked with real tools: pdftotext, pdffonts, pdfinfo, pypdf, and the verifier."""

import hashlib
import io
import json
import re
import subprocess
import uuid
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from evidence.bundle.services import bundle_context
from evidence.models import Bundle, BundleItem, CustodyEvent, EvidenceItem, Transcript
from tests.conftest import png_bytes, wav_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def case_items(client, alice_case, alice_api, django_capture_on_commit_callbacks):
    alice_case.victim_name, alice_case.collection_company = "李明", "某某信息咨询有限公司"
    alice_case.save()

    def post(data):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(f"/api/v1/cases/{alice_case.id}/evidence", data, **alice_api).json()["id"]

    rec = post(
        {
            "file": SimpleUploadedFile("13812345678_20250512231500.wav", wav_bytes(seconds=1)),
            "kind": "call_recording",
            "capture_note": "小米13自带通话录音，2025年5月13日导出",
        }
    )
    Transcript.objects.filter(item_id=rec).update(
        segments=[{"start": 12.0, "end": 19.0, "text": "明天就去你单位找你"}], text="明天就去你单位找你"
    )
    shot = post(
        {
            "file": SimpleUploadedFile("chat.png", png_bytes()),
            "kind": "screenshot",
            "occurred_at": "2025-05-12T23:47:00+08:00",
        }
    )
    statement = post(
        {
            "kind": "statement",
            "author_name": "王芳",
            "relation": "母亲",
            "text": "5月12日晚上十一点，一个陌生号码打给我，说我儿子欠钱不还。",
        }
    )
    return [rec, shot, statement]


@pytest.fixture
def bundle(client, alice_case, alice_api, case_items, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(
            f"/api/v1/cases/{alice_case.id}/bundles",
            {"case_number": "（2025）京0105民初123号"},
            content_type="application/json",
            **alice_api,
        )
    assert r.status_code == 202, r.content
    return Bundle.objects.get(pk=r.json()["id"])


def download(client, url, headers) -> bytes:
    response = client.get(url, **headers)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def run(tool: str, *args, data: bytes, tmp_path) -> str:
    path = tmp_path / "bundle.pdf"
    path.write_bytes(data)
    return subprocess.run([tool, *args, str(path)], capture_output=True, text=True, check=True).stdout


def test_the_pdf_reads_like_a_court_filing(client, alice_api, bundle, case_items, tmp_path):
    status = client.get(f"/api/v1/bundles/{bundle.id}", **alice_api).json()
    assert status["status"] == "ready" and status["progress"] == 100, status
    pdf = download(client, status["pdf_url"], alice_api)
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    for expected in (
        "证据目录",
        "证明目的",
        "提交人",
        "（2025）京0105民初123号",
        "李明",
        "某某信息咨询有限公司",
        "明天就去你单位找你",
        "机器转写，未经核对",
        "说话人未确认",
        "说我儿子欠钱不还",
        "附件一",
        "附件二",
        "第九十三条",
        "小米13自带通话录音",
        "哈希值只能证明文件自系统接收之后未被改动",
    ):
        assert expected in text, expected
    for item in EvidenceItem.objects.filter(pk__in=case_items):
        assert item.sha256 in text.replace("\n", "").replace(" ", "")
    # Annex 1 lists every custody event made before the bundle, by its hash and in words.
    for event in CustodyEvent.objects.filter(case=bundle.case, at__lt=bundle.finished).exclude(action="bundle_built"):
        assert event.hash[:16] in text, event.action
    assert "接收" in text and "处理：时间戳或签名回执" in text
    assert re.search(r"第 2 页\s*共 \d+ 页", text)
    fonts = run("pdffonts", data=pdf, tmp_path=tmp_path).splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts  # the "emb" column
    assert (
        int(
            next(
                line.split()[-1]
                for line in run("pdfinfo", data=pdf, tmp_path=tmp_path).splitlines()
                if line.startswith("Pages:")
            )
        )
        >= 7
    )
    outline = [o.title if not isinstance(o, list) else "" for o in PdfReader(io.BytesIO(pdf)).outline]
    assert "证据目录" in outline and "附件一　保管链记录及核验方法" in outline
    assert status["sha256"] == hashlib.sha256(pdf).hexdigest()


def page_text(path, page: int, *options: str) -> str:
    return subprocess.run(
        ["pdftotext", *options, "-f", str(page), "-l", str(page), str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_the_index_page_numbers_links_and_bookmarks_lead_to_each_exhibit(
    client, alice_api, bundle, case_items, tmp_path
):
    pdf = download(client, f"/api/v1/bundles/{bundle.id}/pdf", alice_api)
    path = tmp_path / "bundle.pdf"
    path.write_bytes(pdf)
    # The first line of each index row: 序号 (证据2-1: group, then place in it) … 页码 and the start of the hash.
    listed = {
        label: int(page)
        for label, page in re.findall(
            r"^证据(\d+-\d+)\s.*?\s(\d+)\s+[0-9a-f]{6,}$", page_text(path, 2, "-layout"), re.M
        )
    }
    assert list(listed) == ["2-1", "2-2", "3-1"]  # the recording and screenshot, then the relative's statement
    number = {"2-1": 1, "2-2": 2, "3-1": 3}
    reader = PdfReader(io.BytesIO(pdf))
    bookmarks = {o.title.split("\u3000")[0]: reader.get_destination_page_number(o) + 1 for o in flatten(reader.outline)}
    for label, page in listed.items():
        n = number[label]
        assert page_text(path, page).split("证据", 1)[1].startswith(label), (label, page)  # the heading opens the page
        assert f"证据{label} · SHA-256" not in page_text(path, page - 1)  # and the page before is not the exhibit's
        assert reader.get_destination_page_number(reader.named_destinations[f"exhibit-{n}"]) + 1 == page
        assert bookmarks[f"证据{label}"] == page
    links = {a.get_object()["/Dest"] for a in reader.pages[1]["/Annots"].get_object()}
    assert links == {"exhibit-1", "exhibit-2", "exhibit-3"}


def test_every_page_of_an_exhibit_names_it_and_its_first_page_has_the_qr_code(
    client, alice_api, bundle, case_items, tmp_path
):
    pdf = download(client, f"/api/v1/bundles/{bundle.id}/pdf", alice_api)
    path = tmp_path / "bundle.pdf"
    path.write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    starts = [reader.get_destination_page_number(reader.named_destinations[f"exhibit-{n}"]) + 1 for n in (1, 2, 3)]
    annex = next(p for p in range(starts[-1], len(reader.pages) + 1) if "附件一" in page_text(path, p))
    items = {i.pk: i for i in EvidenceItem.objects.filter(pk__in=case_items)}
    labels = ["2-1", "2-2", "3-1"]
    for n, (first, end) in enumerate(zip(starts, [*starts[1:], annex], strict=True), start=1):
        sha = items[uuid.UUID(case_items[n - 1])].sha256
        for page in range(first, end):
            assert f"证据{labels[n - 1]} · SHA-256 {sha[:16]}" in page_text(path, page), (n, page)
        assert f"/verify/{bundle.verify_secret}/{sha}/" in page_text(path, first).replace("\n", "")
        images = run("pdfimages", "-list", "-f", str(first), "-l", str(first), data=pdf, tmp_path=tmp_path)
        squares = [line for line in images.splitlines()[2:] if line.split()[3] == line.split()[4]]
        assert squares, images  # the QR code


def flatten(outline: list) -> list:
    return [entry for o in outline for entry in (flatten(o) if isinstance(o, list) else [o])]


def test_the_bundle_context_takes_as_many_queries_for_three_exhibits_as_for_one(alice_case, case_items):
    def queries(item_ids) -> int:
        bundle = Bundle.objects.create(case=alice_case, created_by=alice_case.owner)
        BundleItem.objects.bulk_create(
            [BundleItem(bundle=bundle, item_id=i, position=n) for n, i in enumerate(item_ids, start=1)]
        )
        with CaptureQueriesContext(connection) as captured:
            bundle_context(bundle)
        return len(captured)

    queries(case_items)  # fills the case's analysis cache
    assert queries(case_items) == queries(case_items[:1])


def test_the_zip_holds_the_originals_byte_for_byte_and_verifies(client, alice_api, bundle, case_items, tmp_path):
    data = download(client, f"/api/v1/bundles/{bundle.id}/zip", alice_api)
    path = tmp_path / "bundle.zip"
    path.write_bytes(data)
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        names = archive.namelist()
        first = manifest["items"][0]
        assert archive.read(first["file"]) == open_original(first["id"])
    assert {"bundle.pdf", "manifest.json", "README.txt"} <= set(names)
    assert [i["exhibit"] for i in manifest["items"]] == [1, 2, 3]
    assert all(i["timestamp"]["file"] in names for i in manifest["items"])
    call_command("verify_bundle", str(path))
    assert CustodyEvent.objects.filter(action="bundle_zip_downloaded").count() == 1


def open_original(item_id) -> bytes:
    from evidence.storage.originals import evidence_storage

    with evidence_storage().open(EvidenceItem.objects.get(pk=item_id).stored_name, "rb") as fh:
        return fh.read()


def test_a_changed_byte_is_caught_and_named(client, alice_api, bundle, tmp_path, capsys):
    data = download(client, f"/api/v1/bundles/{bundle.id}/zip", alice_api)
    source = zipfile.ZipFile(io.BytesIO(data))
    manifest = json.loads(source.read("manifest.json"))
    target = manifest["items"][1]["file"]
    changed = tmp_path / "changed.zip"
    with zipfile.ZipFile(changed, "w") as out:
        for name in source.namelist():
            content = source.read(name)
            out.writestr(name, content[:-1] + bytes([content[-1] ^ 1]) if name == target else content)
    with pytest.raises(CommandError):
        call_command("verify_bundle", str(changed))
    assert target in capsys.readouterr().out


def test_anyone_with_the_bundles_code_can_check_a_file_on_the_verify_page(client, bundle, case_items):
    original = open_original(case_items[1])
    page = client.post(
        "/verify/", {"file": SimpleUploadedFile("whatever.png", original), "code": bundle.verify_secret}
    ).content.decode()
    assert "找到匹配" in page
    assert "小米借贷" not in page and "王芳" not in page  # nothing about the case
    page = client.post(
        "/verify/",
        {"file": SimpleUploadedFile("x.png", original + b"\0"), "code": bundle.verify_secret},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "No match" in page.content.decode()
    sha = EvidenceItem.objects.get(pk=case_items[0]).sha256
    qr = client.get(f"/verify/{bundle.verify_secret}/{sha}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Exhibit 1 of this bundle" in qr.content.decode()
    assert "Exhibit" not in client.get(f"/verify/{sha}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_bob_gets_404_on_every_bundle_url(client, alice_case, bundle, bob, bob_api):
    for url in (f"/api/v1/bundles/{bundle.id}", f"/api/v1/bundles/{bundle.id}/pdf", f"/api/v1/bundles/{bundle.id}/zip"):
        assert client.get(url, **bob_api).status_code == 404
    assert (
        client.post(
            f"/api/v1/cases/{alice_case.id}/bundles", {}, content_type="application/json", **bob_api
        ).status_code
        == 404
    )
    client.force_login(bob)
    for url in (f"/bundles/{bundle.id}/", f"/bundles/{bundle.id}/pdf/", f"/bundles/{bundle.id}/zip/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/cases/{alice_case.id}/bundles/new/").status_code == 404


def test_a_case_without_ready_evidence_gets_a_clear_error(client, alice_case, alice_api):
    r = client.post(f"/api/v1/cases/{alice_case.id}/bundles", {}, content_type="application/json", **alice_api)
    assert r.status_code == 400 and r.json()["code"] == "no_items"
