"""Numbers read out in a call reach the case's number list as suggestions, with where they were heard; nothing
is confirmed by it, and a number is counted only once the owner confirms it."""

import pytest

from cases.models import CaseNumber
from evidence.models import Transcript
from evidence.processing.spoken_numbers import normalise_numbers
from tests.conftest import wav_bytes

pytestmark = pytest.mark.django_db

COLLECTOR, CALLBACK, CORRECTED = "13812345678", "13800001234", "13900005555"
# What the collector said, as whisper writes it (Chinese words for digits); the transcription step stores
# it with the digits written as digits.
HEARD = ["你欠款逾期了，赶紧还钱", "还不上就打这个号码幺三八零零零零一二三四找我们经理"]


def numbers(client, case, api) -> dict:
    r = client.get(f"/api/v1/cases/{case.id}/numbers", **api)
    assert r.status_code == 200, r.content
    return {row["number"]: row for row in r.json()}


@pytest.fixture
def recording(alice_case, send):
    item = send(f"{COLLECTOR}_20250512231500.wav", wav_bytes(seconds=1), "call_recording")
    segments = [
        {"start": start, "end": start + 4.0, "text": normalise_numbers(words), "heard": words}
        for start, words in zip((12.0, 135.0), HEARD, strict=True)
    ]
    Transcript.objects.filter(item=item).update(segments=segments, text="".join(str(s["text"]) for s in segments))
    return item


def test_the_transcript_holds_the_number_as_digits():
    assert CALLBACK in normalise_numbers(HEARD[1])


def test_a_number_read_out_in_a_call_is_suggested_with_where_it_was_heard(client, alice_case, alice_api, recording):
    row = numbers(client, alice_case, alice_api)[CALLBACK]
    assert f"号码在录音02:15处被念出（{recording.original_filename}）" in row["reasons"], row["reasons"]
    assert "在1段录音中被念出" in row["reasons"]
    # A suggestion only: no role is confirmed and nothing is stored for it.
    assert (row["role"], row["confirmed"], row["calls"]) == ("unknown", False, 0)
    assert not CaseNumber.objects.filter(case=alice_case, number=CALLBACK).exists()


def test_the_users_corrected_words_are_what_is_read(client, alice_case, alice_api, recording):
    r = client.patch(
        f"/api/v1/evidence/{recording.id}/transcript",
        {"segments": [{"id": 1, "text": f"还不上就打这个号码{CORRECTED}找我们经理"}]},
        content_type="application/json",
        **alice_api,
    )
    assert r.status_code == 200, r.content
    rows = numbers(client, alice_case, alice_api)
    assert CORRECTED in rows and "号码在录音02:15处被念出" in rows[CORRECTED]["reasons"][0]
    assert CALLBACK not in rows  # no longer in any words, and never classified


def test_a_heard_number_counts_once_the_owner_confirms_it(client, alice_case, alice_api, recording):
    r = client.put(
        f"/api/v1/cases/{alice_case.id}/numbers/{CALLBACK}",
        {"role": "collector"},
        content_type="application/json",
        **alice_api,
    )
    assert r.status_code == 200, r.content
    row = numbers(client, alice_case, alice_api)[CALLBACK]
    assert row["role"] == "collector" and row["confirmed"]
    assert any("被念出" in reason for reason in row["reasons"])
