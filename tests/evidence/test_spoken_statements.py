"""Statements spoken into the page (the victim's own, or a relative's through a statement link) and
the phone's own facts about each file, kept as device-reported."""

import re
from pathlib import Path

import av
import pytest

from cases.models import StatementLink
from evidence.bundle.content import evidence_type, exhibit_for
from evidence.models import CustodyEvent, EvidenceItem
from tests.audio_samples import speak
from tests.conftest import sha256

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

WORDS = "They called my mother at her office three times today and said I must pay the loan back tonight."


def browser_recording(dest: Path, fmt: str) -> bytes:
    """What MediaRecorder hands over: Opus in WebM (Android Chrome) or AAC in MP4 (iOS Safari)."""
    wav = speak(WORDS, dest.with_suffix(".wav"), speed=140)
    rate = 48000
    with av.open(str(wav)) as src, av.open(str(dest), "w", format="webm" if fmt == "webm" else "mp4") as out:
        if fmt == "webm":
            stream = out.add_stream("libopus", rate=rate, layout="mono")
        else:
            stream = out.add_stream("aac", rate=rate, layout="mono")
        resampler = av.AudioResampler(format=stream.codec_context.format.name, layout="mono", rate=rate)
        for frame in src.decode(audio=0):
            for piece in resampler.resample(frame):
                out.mux(stream.encode(piece))
        out.mux(stream.encode(None))
    return dest.read_bytes()


def put_pieces(client, url: str, data: bytes, capture, chunk: int = 20_000, **headers):
    offset, r = 0, None
    while offset < len(data):
        with capture(execute=True):
            r = client.generic(
                "PATCH",
                url,
                data[offset : offset + chunk],
                content_type="application/offset+octet-stream",
                HTTP_UPLOAD_OFFSET=str(offset),
                **headers,
            )
        assert r.status_code in (200, 201), r.content
        offset = r.json()["offset"]
    return r


DEVICE = {
    "file_last_modified": "2025-05-12T21:03:00+08:00",
    "device_clock_picked": "2025-05-12T21:05:00+08:00",
    "device_clock_sent": "2020-01-01T00:00:00+00:00",
    "device_utc_offset_minutes": 480,
    "device_time_zone": "Asia/Shanghai",
}


@pytest.mark.parametrize("fmt", ["webm", "m4a"])
def test_a_victims_recorded_statement_is_her_own_account_transcribed_with_the_phones_facts(
    client, alice, alice_case, alice_api, tmp_path, django_capture_on_commit_callbacks, fmt
):
    data = browser_recording(tmp_path / f"statement.{fmt}", fmt)
    r = client.post(
        f"/api/v1/cases/{alice_case.id}/uploads",
        {
            "filename": f"statement_20250512.{fmt}",
            "size": len(data),
            "sha256": sha256(data),
            "kind": "spoken_statement",
            **DEVICE,
        },
        content_type="application/json",
        **alice_api,
    )
    assert r.status_code == 201, r.content
    done = put_pieces(client, r.json()["url"], data, django_capture_on_commit_callbacks, **alice_api).json()
    assert done["complete"] and done["evidence"]["sha256"] == sha256(data)
    item = EvidenceItem.objects.get(pk=done["evidence"]["id"])
    assert item.kind == "spoken_statement" and item.author_relation == "本人"
    assert item.status == "ready", item.status_detail
    assert "mother" in item.transcript.text.lower() and item.timestamp is not None
    assert evidence_type(item, alice_case.victim_name) == "当事人陈述"
    # The phone's facts, labelled device-reported, and how far its clock was off.
    facts = item.device_facts
    assert facts["source"] == "device-reported" and facts["time_zone"] == "Asia/Shanghai"
    assert facts["file_last_modified"] == "2025-05-12T21:03:00+08:00" and facts["utc_offset_minutes"] == 480
    assert facts["clock_behind_server_s"] > 100_000_000  # the phone's clock said 2020
    received = CustodyEvent.objects.get(item=item, action="received")
    assert received.detail["device_reported"] == facts
    api = client.get(f"/api/v1/evidence/{item.id}", **alice_api).json()
    assert api["device_reported"] == facts
    client.force_login(alice)
    page = client.get(f"/items/{item.id}/").content.decode()
    assert 'id="device-reported"' in page and "Asia/Shanghai" in page and "UTC+08:00" in page
    exhibit = exhibit_for(1, item, victim_name=alice_case.victim_name)
    assert ("手机时区（手机报告）", "UTC+08:00 Asia/Shanghai") in exhibit.device_rows
    assert "口述陈述录音" in exhibit.name or "口述陈述" in exhibit.description


@pytest.fixture
def link_token(client, alice, alice_case):
    client.force_login(alice)
    page = client.post(
        f"/cases/{alice_case.id}/statement-links/", {"name": "王芳", "relation": "母亲"}
    ).content.decode()
    client.logout()
    return re.search(r"http://testserver/s/([^<\s/]+)/", page).group(1)


def test_a_relatives_recording_through_the_link_is_a_witness_account_and_closes_the_link(
    client, alice_case, link_token, tmp_path, django_capture_on_commit_callbacks
):
    page = client.get(f"/s/{link_token}/", follow=True).content.decode()
    assert 'id="recorder"' in page and f"/api/v1/statement-links/{link_token}/uploads" in page
    data = browser_recording(tmp_path / "witness.webm", "webm")
    begin = f"/api/v1/statement-links/{link_token}/uploads"
    body = {"filename": "witness.webm", "size": len(data), "sha256": sha256(data), "name": "王芳芳", **DEVICE}
    assert (
        client.post(f"/api/v1/statement-links/{link_token}x/uploads", body, content_type="application/json").status_code
        == 404
    )
    r = client.post(begin, body, content_type="application/json")
    assert r.status_code == 201, r.content
    upload = r.json()
    assert upload["url"].startswith(begin + "/")
    assert client.get(f"/api/v1/uploads/{upload['id']}").status_code == 401  # not the owner's API
    done = put_pieces(client, upload["url"], data, django_capture_on_commit_callbacks)
    assert done.status_code == 201
    item = EvidenceItem.objects.get(pk=done.json()["evidence"]["id"])
    assert item.kind == "spoken_statement" and item.author_name == "王芳芳" and item.author_relation == "母亲"
    assert item.status == "ready", item.status_detail
    assert "mother" in item.transcript.text.lower()
    assert evidence_type(item, alice_case.victim_name) == "证人证言"
    assert item.device_facts["time_zone"] == "Asia/Shanghai"
    # The recording closed the link, as sending the form does; the phone can still ask how it ended.
    assert StatementLink.objects.get().used_at is not None
    assert CustodyEvent.objects.filter(action="statement_link_used", detail__items=[str(item.pk)]).exists()
    assert client.get(upload["url"]).json()["complete"] is True
    assert client.post(begin, body, content_type="application/json").status_code == 404
    assert client.get(f"/s/{link_token}/").status_code == 404


def test_device_facts_out_of_any_range_are_dropped(client, alice_case, alice_api):
    r = client.post(
        f"/api/v1/cases/{alice_case.id}/uploads",
        {"filename": "a.wav", "size": 10, "device_utc_offset_minutes": 3000, "device_time_zone": "x" * 200},
        content_type="application/json",
        **alice_api,
    )
    assert r.status_code == 201
    from evidence.models import ChunkedUpload

    assert ChunkedUpload.objects.get().device_facts == {}
