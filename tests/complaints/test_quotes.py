"""Quotes a letter may use: only words whose speaker and wording the user confirmed are the collector's "原话"."""

import re

import pytest

from cases.services import case_analyse
from evidence.models import CustodyEvent, Transcript
from tests.conftest import wav_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

WORDS = "你再骂我老赖我就报警"
COLLECTOR = "你就是个老赖，明天去你单位找你"


@pytest.fixture
def recording(send, full_case):
    """A call recording whose machine transcript holds the victim's angry reply and the collector's insult."""
    item = send("13812345678_20250512231500.wav", wav_bytes(seconds=3, freq_step=3), "call_recording")
    Transcript.objects.update_or_create(
        item=item,
        defaults={
            "original_sha256": item.sha256,
            "engine": "openai-whisper",
            "model": "small",
            "language": "zh",
            "text": f"{COLLECTOR}\n{WORDS}",
            "speakers": [],
            "segments": [{"start": 3.0, "end": 7.5, "text": COLLECTOR}, {"start": 135.2, "end": 139.0, "text": WORDS}],
        },
    )
    return item


def review(client, alice_api, item, *changes, reviewed=False):
    r = client.patch(
        f"/api/v1/evidence/{item.id}/transcript",
        {"segments": list(changes), "reviewed": reviewed},
        content_type="application/json",
        **alice_api,
    )
    assert r.status_code == 200, r.content
    return r.json()


def quoted_section(text: str) -> str:
    return text.split("三、威胁、辱骂的原话", 1)[1].split("四、", 1)[0]


def make_bundle(client, case, alice_api, capture):
    from evidence.models import Bundle

    with capture(execute=True):
        r = client.post(f"/api/v1/cases/{case.id}/bundles", {}, content_type="application/json", **alice_api)
    return Bundle.objects.get(pk=r.json()["id"])


def test_words_nobody_confirmed_are_never_quoted_but_wait_to_be_checked(
    client, alice, alice_api, full_case, recording, draft
):
    text = draft(full_case, "police").draft_text
    assert "老赖" not in quoted_section(text)
    pending = case_analyse(full_case).pending
    assert {p["text"] for p in pending} >= {WORDS, COLLECTOR}
    client.force_login(alice)
    page = client.get(f"/cases/{full_case.id}/").content.decode()
    assert "pending-phrases" in page and WORDS in page and f"/items/{recording.id}/transcript/" in page


def test_the_victims_words_attributed_to_the_victim_put_nothing_in_the_police_letters_quotes(
    client, alice_api, full_case, recording, draft
):
    review(client, alice_api, recording, {"id": 1, "speaker": "victim", "text": WORDS}, reviewed=True)
    text = draft(full_case, "police").draft_text
    assert WORDS not in text and "老赖" not in quoted_section(text)
    assert WORDS not in {p["text"] for p in case_analyse(full_case).pending}  # given to the victim: settled


def test_the_same_words_confirmed_as_the_collectors_are_quoted_with_exhibit_time_and_speaker(
    client, alice_api, full_case, recording, draft, django_capture_on_commit_callbacks
):
    body = review(client, alice_api, recording, {"id": 1, "speaker": "collector"})
    assert body["segments"][1]["speaker_source"] == "user" and not body["reviewed"]
    # The speaker alone is not enough: the words are not checked yet.
    assert "老赖" not in quoted_section(draft(full_case, "police").draft_text)
    body = review(client, alice_api, recording, reviewed=True)
    assert body["reviewed"] and body["reviewed_by"] == "alice" and body["reviewed_at"]
    bundle = make_bundle(client, full_case, alice_api, django_capture_on_commit_callbacks)
    exhibit = bundle.entries.get(item=recording).label
    text = draft(full_case, "police", bundle=bundle).draft_text
    quotes = quoted_section(text)
    assert re.search(rf"“{WORDS}”（辱骂.*?）（证据{exhibit}，录音02:15，说话人：催收方，经本人核对）", quotes), quotes
    assert COLLECTOR not in quotes  # never marked as the collector's: still waiting to be checked


def test_a_corrected_sentence_keeps_the_machine_text_and_both_hashes_go_in_custody(client, alice_api, recording):
    body = review(
        client, alice_api, recording, {"id": 0, "text": "你就是个老赖，明天去你公司找你", "speaker": "collector"}
    )
    row = body["segments"][0]
    assert row["text"] == "你就是个老赖，明天去你公司找你" and row["machine_text"] == COLLECTOR
    assert Transcript.objects.get(item=recording).segments[0]["text"] == COLLECTOR
    event = CustodyEvent.objects.filter(item=recording, action="transcript_corrected").get()
    assert len(event.detail["machine_sha256"]) == 64 and len(event.detail["reviewed_sha256"]) == 64
    assert event.detail["machine_sha256"] != event.detail["reviewed_sha256"] and event.detail["sentences"] == [0]


def test_a_bad_change_is_refused_and_a_stranger_gets_404(client, alice_api, bob_api, recording):
    r = client.patch(
        f"/api/v1/evidence/{recording.id}/transcript",
        {"segments": [{"id": 9, "speaker": "collector"}]},
        content_type="application/json",
        **alice_api,
    )
    assert r.status_code == 400
    r = client.patch(
        f"/api/v1/evidence/{recording.id}/transcript",
        {"segments": [{"id": 0, "speaker": "boss"}]},
        content_type="application/json",
        **alice_api,
    )
    assert r.status_code == 400
    r = client.patch(
        f"/api/v1/evidence/{recording.id}/transcript",
        {"segments": [{"id": 0, "speaker": "victim"}]},
        content_type="application/json",
        **bob_api,
    )
    assert r.status_code == 404


def test_the_evidence_api_shows_transcript_ocr_and_time_stamp(client, alice_api, recording):
    body = client.get(f"/api/v1/evidence/{recording.id}", **alice_api).json()
    assert body["transcript"]["segments"][1] == {
        "id": 1,
        "start": 135.2,
        "end": 139.0,
        "text": WORDS,
        "speaker": "unknown",
        "speaker_source": "machine",
        "machine_text": WORDS,
        "text_checked": False,
        "flags": [],
    }
    assert body["transcript"]["reviewed"] is False and body["ocr"] is None
    assert body["timestamp"]["kind"] == "server_receipt" and body["timestamp"]["time"]


def test_the_bundle_prints_the_review_line_or_says_it_is_unchecked(
    client, alice_api, full_case, recording, django_capture_on_commit_callbacks
):
    from evidence.bundle.content import exhibit_for

    assert exhibit_for(1, recording).sentences[0]["who"] == "说话人未确认"
    review(client, alice_api, recording, {"id": 0, "speaker": "collector"}, reviewed=True)
    recording.refresh_from_db()
    sentences = exhibit_for(1, recording).sentences
    assert [s["who"] for s in sentences] == ["催收方（13812345678）", "说话人未确认"]


def test_the_bundle_page_says_who_checked_the_transcript(
    client, alice_api, full_case, recording, django_capture_on_commit_callbacks
):
    from django.template.loader import render_to_string

    from evidence.bundle.services import bundle_context

    html = render_to_string(
        "bundle/bundle.html",
        bundle_context(make_bundle(client, full_case, alice_api, django_capture_on_commit_callbacks)),
    )
    assert "机器转写，未经核对" in html and "经本人逐句核对" not in html
    review(client, alice_api, recording, reviewed=True)
    html = render_to_string(
        "bundle/bundle.html",
        bundle_context(make_bundle(client, full_case, alice_api, django_capture_on_commit_callbacks)),
    )
    assert "经本人逐句核对，与录音内容一致（核对人：alice" in html


def test_transcribing_again_never_replaces_a_reviewed_transcript(client, alice_api, recording):
    from evidence.processing.steps import step_transcribe

    review(client, alice_api, recording, {"id": 1, "speaker": "collector", "text": WORDS})
    result = step_transcribe(recording)
    assert result["skipped"] and Transcript.objects.get(item=recording).segments[1]["text"] == WORDS
    assert Transcript.objects.get(item=recording).edits["1"]["speaker"] == "collector"
