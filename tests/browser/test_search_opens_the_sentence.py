"""On a 360×740 phone: the lawyer searches the case for a two-character word, opens the hit, and the
call's page is at that sentence with the recording at its start; a screenshot's hit opens at its line.
The words searched for never appear in an address the browser keeps."""

import pytest
from playwright.sync_api import expect

from cases.models import Membership
from evidence.models import OcrResult, Transcript
from tests.browser.conftest import PHONE, sign_in
from tests.conftest import make_user, png_bytes, wav_bytes
from tests.search_samples import CALL, CHAT

pytestmark = [pytest.mark.slow, pytest.mark.browser]

SECONDS = 4.5  # each sentence of CALL in turn; sentence 8 (上门) starts at 36 s


@pytest.fixture
def recording(send):
    item = send("13800138000_20231012234701.wav", wav_bytes(seconds=len(CALL) * SECONDS, freq_step=5), "call_recording")
    Transcript.objects.update_or_create(
        item=item,
        defaults={
            "original_sha256": item.sha256,
            "engine": "faster-whisper",
            "model": "small",
            "language": "zh",
            "text": "".join(CALL),
            "segments": [{"start": i * SECONDS, "end": (i + 1) * SECONDS - 0.3, "text": s} for i, s in enumerate(CALL)],
        },
    )
    return item


@pytest.fixture
def screenshot(send):
    item = send("Screenshot_20231012-234901.png", png_bytes((240, 240, 245)), "screenshot")
    OcrResult.objects.update_or_create(
        item=item,
        defaults={
            "original_sha256": item.sha256,
            "engine": "rapidocr-onnxruntime",
            "text": "\n".join(CHAT),
            "lines": [
                {"text": t, "box": [[40, 80 + 60 * i], [600, 80 + 60 * i], [600, 120 + 60 * i], [40, 120 + 60 * i]]}
                for i, t in enumerate(CHAT)
            ],
        },
    )
    return item


def test_the_lawyer_finds_a_word_and_hears_it_from_its_sentence(
    live_server, screens, alice_case, recording, screenshot
):
    lawyer = make_user("carol")
    Membership.objects.create(case=alice_case, user=lawyer, role=Membership.Role.LAWYER)
    screen = screens(live_server.url, PHONE)
    page = screen.page
    sign_in(screen, "carol")
    page.goto(f"/cases/{alice_case.id}/")
    page.click("#search-case")
    page.fill("#id_q", "上门")
    page.click("#search-form button.primary")
    page.wait_for_selector("#search-results")
    # The words went in the POST body, not the address.
    assert "上门" not in page.url and "%E4%B8%8A" not in page.url
    hits = page.locator("#search-results li.hit")
    assert hits.count() == 2
    screen.check_accessible("search-results")

    page.locator("li.hit-transcript a").click()
    page.wait_for_url(f"**/items/{recording.id}/#t-8")
    # The recording waits at (or plays from) the sentence's start: 36 s into the call.
    page.wait_for_function(
        "() => { const p = document.getElementById('player'); return p.currentTime >= 36 && p.currentTime < 40.2 }"
    )
    sentence = page.locator("#t-8")
    assert "上门" in sentence.inner_text()
    expect(sentence).to_be_in_viewport()
    screen.check_accessible("item-at-the-sentence")

    # Back to the results, without sending the form again.
    page.go_back()
    assert page.locator("#search-results li.hit").count() == 2
    page.goto("/search/")
    page.fill("#id_q", "你妈")
    page.click("#search-form button.primary")
    page.locator("li.hit-ocr a").click()
    page.wait_for_url(f"**/items/{screenshot.id}/#line-3")
    assert page.evaluate("() => document.querySelector(':target').id") == "line-3"
    assert "你妈妈" in page.inner_text("#line-3")
    screen.shot("screenshot-at-the-line")
