"""On a 360×740 phone, in Chinese and then in English: the victim marks who said each sentence of a call,
corrects what the machine heard, marks the transcript checked, and the case page stops listing the words."""

import pytest

from evidence.models import Transcript
from tests.browser.conftest import PHONE, sign_in
from tests.conftest import wav_bytes

pytestmark = [pytest.mark.slow, pytest.mark.browser]

INSULT = "你就是个老赖，明天去你单位找你"
REPLY = "你再骂我老赖我就报警"


@pytest.fixture
def recording(send):
    item = send("13812345678_20250512231500.wav", wav_bytes(seconds=6, freq_step=3), "call_recording")
    Transcript.objects.update_or_create(
        item=item,
        defaults={
            "original_sha256": item.sha256,
            "engine": "openai-whisper",
            "model": "small",
            "language": "zh",
            "text": "",
            "segments": [
                {"start": 0.5, "end": 2.5, "text": "你就是个老赖，明天去你单位找"},
                {"start": 3.0, "end": 5.5, "text": REPLY},
            ],
        },
    )
    return item


def test_the_victim_marks_speakers_and_checks_a_transcript_on_a_phone(
    live_server, screens, alice, alice_case, recording
):
    screen = screens(live_server.url, PHONE)
    page = screen.page
    sign_in(screen, "alice")
    page.goto(f"/cases/{alice_case.id}/")
    assert "待核对的可能违规用语" in page.inner_text("#pending-phrases")
    screen.check_accessible("case-with-phrases-to-check")

    page.goto(f"/items/{recording.id}/")
    assert "机器转写，未经核对" in page.inner_text("#reviewed-line")
    first = page.locator("#t-0")
    first.locator("summary").click()
    first.locator("textarea").fill(INSULT)
    screen.check_accessible("checking-a-sentence")
    first.locator("button[value=collector]").click()
    page.wait_for_selector("#t-0 .badge.speaker.user")
    assert "催收方" in page.inner_text("#t-0 .badge.speaker") and INSULT in page.inner_text("#t-0")
    second = page.locator("#t-1")
    second.locator("summary").click()
    second.locator("button[value=victim]").click()
    page.wait_for_selector("#t-1 .badge.speaker.user")
    assert "我" in page.inner_text("#t-1 .badge.speaker")
    page.click("button[value=all]")
    page.wait_for_selector("#reviewed-line.ok")
    assert "经本人逐句核对，与录音内容一致" in page.inner_text("#reviewed-line")
    screen.check_accessible("transcript-checked")

    page.goto(f"/cases/{alice_case.id}/")
    assert page.locator("#pending-phrases").count() == 0  # every phrase has its speaker now
    transcript = Transcript.objects.get(item=recording)
    assert transcript.segments[0]["text"] == "你就是个老赖，明天去你单位找"  # the machine's text is kept
    assert transcript.edits["0"]["text"] == INSULT and transcript.reviewed_by == alice

    screen.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto(f"/items/{recording.id}/")
    assert "Checked sentence by sentence by the owner" in page.inner_text("#reviewed-line")
    assert "Collector" in page.inner_text("#t-0 .badge.speaker") and "Me" in page.inner_text("#t-1 .badge.speaker")
    screen.check_accessible("transcript-in-english")
