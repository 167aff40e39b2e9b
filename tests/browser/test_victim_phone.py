"""The victim's whole path on a 360×740 phone over a slow connection, in Chinese:
sign up, open a case, upload recordings and a screenshot together, watch them become
ready, listen to a recording beside its transcript, and take the court bundle away."""

import hashlib
import subprocess

import pytest
from PIL import Image, ImageDraw, ImageFont

from evidence.models import EvidenceItem
from tests.audio_samples import encode, speak
from tests.browser.conftest import PHONE

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.browser]

CJK_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


@pytest.fixture(scope="module")
def phone_files(tmp_path_factory):
    """Two recordings as phones make them (AMR, m4a) and a screenshot of a collector's text message."""
    folder = tmp_path_factory.mktemp("phone")
    first = speak(
        "This is the collection department. Pay today or we will call your mother and your manager. "
        "We know where you live.",
        folder / "a.wav",
        speed=140,
    )
    second = speak("Why are you not answering. We will call everyone in your contacts tonight.", folder / "b.wav")
    shot = Image.new("RGB", (720, 360), "white")
    draw = ImageDraw.Draw(shot)
    font = ImageFont.truetype(CJK_FONT, 34)
    draw.text((30, 40), "10690000 2026-11-20 23:41", fill="black", font=font)
    draw.text((30, 120), "再不还钱就通知你全部通讯录", fill="black", font=font)
    shot.save(folder / "Screenshot_20261120_234100.png")
    return [
        encode(first, folder / "13800138000_20261120233000.amr", "amr"),
        encode(second, folder / "call_20261121_081500.m4a", "m4a"),
        folder / "Screenshot_20261120_234100.png",
    ]


def test_a_victim_on_a_phone_collects_evidence_and_takes_the_bundle(site, screens, phone_files, tmp_path):
    screen = screens(site.url, PHONE, slow=True)
    page = screen.page
    page.goto("/")
    screen.check_accessible("sign-in")
    page.click("a[href='/accounts/signup/']")
    screen.check_accessible("sign-up")
    assert page.input_value("#id_username").startswith("hg-")  # the offered name is kept
    page.fill("#id_password1", "Harass-guard 2026!")
    page.fill("#id_password2", "Harass-guard 2026!")
    page.click("button.primary")

    page.wait_for_selector(".guide")
    assert "录音" in page.inner_text(".guide") and "不要" in page.inner_text(".guide")
    screen.check_accessible("first-run-guide")
    page.click("a[href='/cases/new/']")
    page.fill("#id_title", "网贷催收骚扰")
    page.fill("#id_platform", "某某借")
    screen.check_accessible("new-case")
    page.click("button.primary")
    page.wait_for_selector("h1:has-text('网贷催收骚扰')")
    screen.check_accessible("case")

    page.click("a[href$='/upload/']")
    screen.check_accessible("upload")
    # On the slow connection the page's script arrives after the form: a person choosing files takes longer.
    page.wait_for_selector("#upload-form[data-ready=pieces]")
    page.set_input_files("#id_file", [str(p) for p in phone_files])
    page.click("#upload-form button[type=submit]")
    rows = page.locator("#upload-list li")
    rows.first.wait_for()
    # The page is not blocked while the files go up: each row has its own bar and status.
    assert rows.count() == 3 and page.locator("#upload-list progress").count() == 3
    page.wait_for_function(
        "() => document.querySelectorAll('#upload-list .stage[data-status=ready]').length === 3", timeout=240_000
    )
    screen.shot("uploaded-and-ready")
    for path, row in zip(phone_files, rows.all(), strict=True):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert digest in row.inner_text()  # the fingerprint computed on the phone and confirmed by the server
        assert "服务器计算出相同的指纹" in row.inner_text()
        assert "时间戳或签名回执" in row.locator(".stage").inner_text()
    assert {i.sha256 for i in EvidenceItem.objects.all()} == {
        hashlib.sha256(p.read_bytes()).hexdigest() for p in phone_files
    }

    rows.first.locator("a").click()
    lines = page.locator(".transcript li")
    lines.first.wait_for()
    screen.check_accessible("recording")
    assert "collection" in page.inner_text(".transcript").lower()
    target = lines.nth(lines.count() - 1)
    start = float(target.get_attribute("data-start"))
    target.locator("a").click()
    page.wait_for_function(f"() => document.getElementById('player').currentTime >= {start}", timeout=20_000)
    screen.shot("listening")

    page.click("main > p > a")  # back to the case
    page.fill("#id_submitter", "李某")
    page.click("form[action$='/bundles/new/'] button")
    pdf_link = page.locator("a[href$='/pdf/']")
    pdf_link.wait_for(timeout=240_000)
    screen.check_accessible("bundle")
    shown = page.inner_text("#item-status dd code")
    with page.expect_download() as download:
        pdf_link.click()
    pdf = tmp_path / "bundle.pdf"
    download.value.save_as(pdf)
    assert hashlib.sha256(pdf.read_bytes()).hexdigest() == shown
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "证据目录" in text and "13800138000" in text
