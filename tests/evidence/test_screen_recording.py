"""Screen recordings (录屏) of a chat: frames where the picture changes, each line once with the moment it
first appears, the sound transcribed; anything without a picture refused."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from evidence.models import OcrResult
from tests.audio_samples import encode, speak
from tests.screen_video import chat_screen, screen_recording

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
TITLE = "138 0013 8000"
FIRST = [("time", "10月11日 23:47"), ("them", "你再不还钱我们就去你单位"), ("me", "我下周还")]
THEN = [*FIRST, ("time", "10月12日 01:15"), ("them", "明天上门找你家人")]
RECALLED = [*FIRST, ("time", "10月12日 01:15"), ("them", "“对方”撤回了一条消息")]


@pytest.fixture(scope="module")
def video(tmp_path_factory):
    folder = tmp_path_factory.mktemp("screen")
    wav = speak("They said they will come to my home tomorrow.", folder / "s.wav")
    screens = [(0.0, chat_screen(TITLE, FIRST)), (4.0, chat_screen(TITLE, THEN)), (8.0, chat_screen(TITLE, RECALLED))]
    return screen_recording(folder / "Screenrecorder-2023-10-12-08-10-11-530.mp4", screens, 12, speech=wav)


def test_a_chat_screen_recording_is_read_once_per_line_with_the_moment_it_appears(
    client, alice_case, alice_api, django_capture_on_commit_callbacks, video
):
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(
            f"/api/v1/cases/{alice_case.id}/evidence",
            {"file": SimpleUploadedFile(video.name, video.read_bytes())},
            **alice_api,
        )
    assert r.status_code == 201, r.content
    assert r.json()["kind"] == "screen_recording"
    from evidence.models import EvidenceItem

    item = EvidenceItem.objects.get(pk=r.json()["id"])
    assert item.status == "ready", item.status_detail
    assert item.metadata["video"]["frames_read"] == [0.0, 4.0, 8.0] and item.metadata["video"]["has_audio"]
    lines = OcrResult.objects.get(item=item).lines
    first = {line["text"].replace(" ", ""): line["t"] for line in lines}
    assert first["你再不还钱我们就去你单位"] == 0.0 and first["10月12日01:15"] == 4.0
    assert first["“对方”撤回了一条消息"] == 8.0
    # A line that stays on screen through all three frames is kept once.
    assert sum("你再不还钱" in line["text"] for line in lines) == 1
    assert any(line["t"] == 4.0 and "找你家人" in line["text"] for line in lines)  # before it was recalled
    assert "home" in item.transcript.text.lower()
    events = client.get(f"/api/v1/cases/{alice_case.id}/events", **alice_api).json()
    night = next(e for e in events if e["start"].startswith("2023-10-12T01:15"))
    assert night["kind"] == "message" and night["number"] == "13800138000"
    assert night["sources"][0]["kind"] == "screen_recording" and night["sources"][0]["second"] == 4.0


def test_a_file_without_a_picture_is_refused_as_a_screen_recording(client, alice_case, alice_api, tmp_path):
    m4a = encode(speak("hello", tmp_path / "s.wav"), tmp_path / "s.m4a", "m4a")
    r = client.post(
        f"/api/v1/cases/{alice_case.id}/evidence",
        {"file": SimpleUploadedFile("s.mp4", m4a.read_bytes()), "kind": "screen_recording"},
        **alice_api,
    )
    assert r.status_code == 415
    r = client.post(
        f"/api/v1/cases/{alice_case.id}/evidence", {"file": SimpleUploadedFile("s.m4a", m4a.read_bytes())}, **alice_api
    )
    assert r.status_code == 201 and r.json()["kind"] == "call_recording"
