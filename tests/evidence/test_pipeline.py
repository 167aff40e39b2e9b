"""Every kind of item through its processing steps (tasks run in-process here;
tests/integration runs them on a real worker)."""

import pytest
from asn1crypto import tsp

from evidence.models import CustodyEvent, Timestamp, Transcript
from evidence.storage.originals import evidence_storage
from tests.audio_samples import encode, silence, speak
from tests.evidence.test_ocr import render
from tests.tsa_server import LocalTsa, forge_reply, openssl_verify

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture(scope="module")
def amr_call(tmp_path_factory):
    folder = tmp_path_factory.mktemp("call")
    wav = speak("Please call me back tomorrow about the payment.", folder / "s.wav", speed=140)
    return encode(wav, folder / "13812345678_20230512233000.amr", "amr").read_bytes()


def test_a_recording_is_stamped_described_and_transcribed(send, amr_call):
    item = send("13812345678_20230512233000.amr", amr_call, "call_recording")
    assert item.status == "ready", item.status_detail
    assert item.counterparty_number == "13812345678"
    assert item.occurred_at.isoformat() == "2023-05-12T15:30:00+00:00"
    assert item.metadata["from_filename"] == ["counterparty_number", "occurred_at"]
    assert item.metadata["audio"]["sample_rate"] == 8000 and "amr" in item.metadata["audio"]["codec"]
    transcript = item.transcript
    assert "payment" in transcript.text.lower() and transcript.original_sha256 == item.sha256
    assert transcript.segments[0]["end"] > transcript.segments[0]["start"]
    assert item.timestamp.kind == Timestamp.Kind.SERVER_RECEIPT
    steps = CustodyEvent.objects.filter(item=item, action__startswith="processed_")
    assert [e.action for e in steps] == [
        "processed_integrity",
        "processed_timestamp",
        "processed_audio",
        "processed_transcribe",
        "processed_speakers",
    ]
    assert all(e.detail["sha256"] == item.sha256 for e in steps)
    assert len(steps.get(action="processed_transcribe").detail["transcript_sha256"]) == 64
    assert steps.last().detail["method"] in ("one_voice", "voices") and item.transcript.diarization["turns"]


def test_a_user_given_number_and_time_win_over_the_file_name(send, amr_call):
    item = send(
        "13812345678_20230512233000.amr",
        amr_call,
        "call_recording",
        counterparty_number="13900001111",
        occurred_at="2023-05-13T08:00:00+08:00",
    )
    assert item.counterparty_number == "13900001111"
    assert item.metadata["from_filename"] == []


def test_a_silent_recording_ends_ready_with_an_empty_transcript(send, tmp_path):
    item = send("silence.wav", silence(tmp_path / "s.wav").read_bytes(), "call_recording")
    assert item.status == "ready"
    assert item.transcript.segments == []


def test_a_corrupt_recording_fails_in_plain_words(send):
    item = send("broken.amr", b"#!AMR\n" + b"\x3c\x00" * 5, "call_recording")
    assert item.status == "failed"
    assert item.status_detail == "The recording could not be decoded; it may be damaged."
    # Each later step still runs (one failure must not hide the others' results) and fails on its own.
    assert item.jobs.get(step="audio").status == "failed"
    assert item.jobs.get(step="transcribe").status == "failed"
    assert not Transcript.objects.filter(item=item).exists()


def test_a_screenshot_is_read_and_gets_a_separate_thumbnail(send, tmp_path):
    png = render(["昨天 23:47", "不还钱就去你单位找你", "13812345678"], tmp_path / "chat.png")
    data = open(png, "rb").read()
    item = send("chat.png", data, "screenshot")
    assert item.status == "ready", item.status_detail
    assert "单位" in item.ocr.text and item.ocr.phone_numbers == ["13812345678"]
    seen = item.ocr.message_times[0]
    assert seen["text"].startswith("昨天") and seen["at"].endswith("T23:47:00+08:00")
    thumb = item.derived_files.get(kind="thumbnail")
    assert thumb.original_sha256 == item.sha256 and thumb.stored_name != item.stored_name
    with evidence_storage().open(item.stored_name, "rb") as fh:
        assert fh.read() == data  # the original is untouched


def test_with_a_tsa_the_token_verifies_with_openssl(send, settings, amr_call):
    with LocalTsa() as tsa:
        settings.TSA_URL, settings.TSA_CA_FILE = tsa.url, str(tsa.ca_file)
        item = send("statement.txt", "我是他的母亲，5月12日深夜接到催收电话。".encode(), "document")
        stamp = item.timestamp
        assert stamp.kind == Timestamp.Kind.RFC3161 and stamp.authority == tsa.url
        result = openssl_verify(bytes(stamp.token), item.sha256, tsa)
        assert result.returncode == 0, result.stderr


def test_an_unreachable_tsa_is_retried_then_reported(send, settings):
    settings.TSA_URL = "http://127.0.0.1:9/tsr"
    item = send("note.txt", "记录".encode(), "document")
    assert item.status == "failed"
    assert item.status_detail == "A service needed for this step could not be reached. Please try again later."
    assert item.jobs.get(step="timestamp").attempts == 6


def test_a_reply_that_does_not_verify_is_no_time_stamp(send, settings, monkeypatch):
    with LocalTsa() as tsa:
        settings.TSA_URL, settings.TSA_CA_FILE = tsa.url, str(tsa.ca_file)
        # The authority's own CA key signs, not its time-stamping certificate: no timeStamping usage.
        monkeypatch.setattr(
            tsa,
            "reply",
            lambda query: forge_reply(
                tsp.TimeStampReq.load(query)["message_imprint"]["hashed_message"].native.hex(),
                tsp.TimeStampReq.load(query)["nonce"].native,
                (tsa.dir / "ca.key").read_bytes(),
                (tsa.dir / "ca.pem").read_bytes(),
            ),
        )
        item = send("note.txt", "记录".encode(), "document")
    assert item.status == "failed" and not Timestamp.objects.filter(item=item).exists()
    assert "could not be verified" in item.status_detail and "no trusted time stamp" in item.status_detail
    assert item.jobs.get(step="timestamp").attempts == 6


def test_the_item_page_shows_each_steps_result(send, amr_call, client, alice, tmp_path):
    recording = send("13812345678_20230512233000.amr", amr_call, "call_recording")
    png = render(["不还钱就去你单位找你"], tmp_path / "chat.png")
    screenshot = send("chat.png", open(png, "rb").read(), "screenshot")
    client.force_login(alice)
    page = client.get(f"/items/{recording.id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Machine transcription" in page and "payment" in page.lower() and "[00:0" in page
    assert "Server-signed receipt" in page
    page = client.get(f"/items/{screenshot.id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "单位" in page and f"/items/{screenshot.id}/thumbnail/" in page
    thumb = client.get(f"/items/{screenshot.id}/thumbnail/")
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    receipt = client.get(f"/items/{recording.id}/timestamp/")
    assert receipt["Content-Disposition"].startswith("attachment") and recording.sha256.encode() in receipt.content
