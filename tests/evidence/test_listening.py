"""The playable copy of a recording: made by the workers, served with byte ranges to the
case's members only, and the original left as it was."""

import pytest

from evidence.models import CustodyEvent
from evidence.processing import audio
from tests.conftest import sha256, wav_bytes

pytestmark = pytest.mark.django_db


def test_a_recording_gets_a_playable_copy_apart_from_its_original(send, client, alice, tmp_path):
    data = wav_bytes(2.0)
    item = send("call.wav", data, "call_recording")
    listen = item.derived_files.get(kind="listen")
    assert listen.original_sha256 == item.sha256 == sha256(data) and listen.mime == "audio/ogg"
    client.force_login(alice)
    r = client.get(f"/items/{item.id}/listen/")
    assert r.status_code == 200 and r["Accept-Ranges"] == "bytes" and r["X-Content-Type-Options"] == "nosniff"
    copy = tmp_path / "copy.ogg"
    copy.write_bytes(r.content)
    assert audio.probe_audio(str(copy)).codec == "opus"
    assert abs(audio.probe_audio(str(copy)).duration_s - 2.0) < 0.1
    page = client.get(f"/items/{item.id}/").content.decode()
    assert 'id="player"' in page


def test_byte_ranges_let_the_player_seek_and_only_a_listen_from_the_start_is_recorded(send, client, alice):
    item = send("call.wav", wav_bytes(2.0), "call_recording")
    client.force_login(alice)
    whole = client.get(f"/items/{item.id}/listen/").content
    part = client.get(f"/items/{item.id}/listen/", HTTP_RANGE="bytes=100-199")
    assert part.status_code == 206 and part.content == whole[100:200]
    assert part["Content-Range"] == f"bytes 100-199/{len(whole)}"
    tail = client.get(f"/items/{item.id}/listen/", HTTP_RANGE="bytes=-50")
    assert tail.content == whole[-50:]
    assert client.get(f"/items/{item.id}/listen/", HTTP_RANGE=f"bytes={len(whole)}-").status_code == 416
    assert CustodyEvent.objects.filter(item=item, action="recording_played").count() == 1


def test_screenshots_have_no_player(send, client, alice):
    from tests.conftest import png_bytes

    item = send("a.png", png_bytes(), "screenshot")
    client.force_login(alice)
    assert client.get(f"/items/{item.id}/listen/").status_code == 404
