"""BCR's `.json` sidecar beside a recording: the contact's name and the direction, whichever is uploaded first."""

import pytest

from tests.audio_samples import speak

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


SIDECAR = (
    '{"timestamp_unix_ms": 1697039232000, "timestamp": "2023-10-11T23:47:12+08:00", "direction": "in",'
    ' "sim_slot": 1, "call_log_name": "王经理", "calls": [{"phone_number": "+8613800138000",'
    ' "phone_number_formatted": "138 0013 8000", "caller_name": null, "contact_name": "王经理"}],'
    ' "output": {"recording": {"duration_secs_total": 3.1}}}'
).encode()


@pytest.mark.parametrize("sidecar_first", [True, False])
def test_bcrs_json_sidecar_completes_its_recording_whichever_arrives_first(send, tmp_path, sidecar_first):
    from tests.audio_samples import encode

    stem = "20231011_154712.000+0000_in_sim1_13800138000"
    audio = encode(speak("Pay now.", tmp_path / "s.wav"), tmp_path / "r.m4a", "m4a").read_bytes()
    if sidecar_first:
        send(f"{stem}.json", SIDECAR, "document")
    recording = send(f"{stem}.m4a", audio, "call_recording")
    if not sidecar_first:
        sidecar = send(f"{stem}.json", SIDECAR, "document")
        assert sidecar.metadata["bcr_sidecar"]["contact"] == "王经理"
        recording.refresh_from_db()
    named = recording.metadata["filename"]
    assert named["maker"] == "bcr" and named["contact"] == "王经理" and named["direction"] == "incoming"
    assert named["sidecar"] and recording.occurred_at.isoformat() == "2023-10-11T15:47:12+00:00"
