"""The bundle's summary counts calls, days and numbers from confirmed collectors' numbers only (a mother who
rang four times is no collector), and each exhibit's 证明目的 carries the collector's words the user confirmed.
Read from the real PDF."""

import subprocess
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.analysis.engine import contact_counts
from cases.services import case_analyse
from evidence.models import Bundle, Transcript
from tests.conftest import wav_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
COLLECTOR, MOTHER = "13812345678", "13900005678"
# The mother rings four times (all answered); the collector three times, two answered, one of them recorded.
CALLS = (
    "号码,类型,通话时间,通话时长\n"
    f"{MOTHER},来电,2025-05-12 08:30:00,120秒\n{MOTHER},来电,2025-05-12 10:30:00,60秒\n"
    f"{MOTHER},来电,2025-05-12 13:30:00,30秒\n{MOTHER},来电,2025-05-12 19:30:00,90秒\n"
    f"{COLLECTOR},来电,2025-05-12 09:00:00,30秒\n{COLLECTOR},未接,2025-05-12 12:00:00,0秒\n"
    f"{COLLECTOR},来电,2025-05-12 23:15:00,60秒\n"
)
WORDS = "明天就去你单位找你"


def put(client, case, headers, number, role):
    r = client.put(
        f"/api/v1/cases/{case.id}/numbers/{number}", {"role": role}, content_type="application/json", **headers
    )
    assert r.status_code == 200, r.content


@pytest.fixture
def case_with_mother(client, alice_case, alice_api, django_capture_on_commit_callbacks):
    def post(data):
        with django_capture_on_commit_callbacks(execute=True):
            r = client.post(f"/api/v1/cases/{alice_case.id}/evidence", data, **alice_api)
        assert r.status_code == 201, r.content
        return r.json()["id"]

    post({"file": SimpleUploadedFile("calls.csv", CALLS.encode()), "kind": "call_log"})
    recording = post(
        {"file": SimpleUploadedFile(f"{COLLECTOR}_20250512231500.wav", wav_bytes(seconds=1)), "kind": "call_recording"}
    )
    Transcript.objects.filter(item_id=recording).update(
        segments=[{"start": 135.0, "end": 138.0, "text": WORDS}], text=WORDS
    )
    put(client, alice_case, alice_api, COLLECTOR, "collector")
    r = client.patch(
        f"/api/v1/evidence/{recording}/transcript",
        {"segments": [{"id": 0, "speaker": "collector", "text": WORDS}], "reviewed": True},
        content_type="application/json",
        **alice_api,
    )
    assert r.status_code == 200, r.content
    return alice_case, recording


def bundle_text(client, case, headers, capture) -> tuple[str, Bundle]:
    with capture(execute=True):
        r = client.post(f"/api/v1/cases/{case.id}/bundles", {}, content_type="application/json", **headers)
    assert r.status_code == 202, r.content
    bundle = Bundle.objects.get(pk=r.json()["id"])
    assert bundle.status == Bundle.Status.READY, bundle.error
    r = client.get(f"/api/v1/bundles/{bundle.id}/pdf", **headers)
    pdf = b"".join(r.streaming_content)
    text = subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return text.replace("\n", "").replace(" ", ""), bundle


def test_the_summary_counts_only_confirmed_collector_numbers(
    client, alice_api, case_with_mother, django_capture_on_commit_callbacks
):
    case, _recording = case_with_mother
    text, _bundle = bundle_text(client, case, alice_api, django_capture_on_commit_callbacks)
    summary = text.split("提交人对证据的整理与说明（非证据本身）", 1)[1]
    assert "催收来电（含未接、拒接）3次，其中接通2次" in summary, summary[:600]
    assert "有催收来电或消息的天数1天" in summary and "经提交人确认的催收号码1个" in summary
    # The mother's four calls (seven with the collector's) are in no count, and the page says why.
    assert "7次" not in summary and "其中接通6次" not in summary
    assert "未确认的号码不计入（另有1个号码未经确认）" in summary


def test_a_number_confirmed_as_the_mothers_is_counted_nowhere(client, alice_api, case_with_mother):
    case, _recording = case_with_mother
    put(client, case, alice_api, MOTHER, "third_party")
    analysis = case_analyse(case)
    counts = contact_counts(analysis.events, ZoneInfo(analysis.rule_set.timezone))
    assert counts == {"calls": 3, "connected": 2, "messages": 0, "days": 1, "numbers": 1}
    put(client, case, alice_api, MOTHER, "collector")  # were she a collector, her calls would count
    analysis = case_analyse(case)
    counts = contact_counts(analysis.events, ZoneInfo(analysis.rule_set.timezone))
    assert counts == {"calls": 7, "connected": 6, "messages": 0, "days": 1, "numbers": 2}


def test_the_purpose_of_a_recording_quotes_the_confirmed_words_with_their_time(
    client, alice_api, case_with_mother, django_capture_on_commit_callbacks
):
    case, recording = case_with_mother
    text, bundle = bundle_text(client, case, alice_api, django_capture_on_commit_callbacks)
    index = text.split("证据目录", 1)[1].split("提交人对证据的整理与说明", 1)[0]
    assert f"催收方称“{WORDS}”（录音02:15，经本人核对）" in index, index
    # The call log proves the calls but holds no sentence: no quote in its purpose.
    assert index.count("经本人核对）") == 1
