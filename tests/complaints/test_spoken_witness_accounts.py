"""A relative's statement spoken into the statement-link page feeds the case analysis and the letters as a
typed one does: the contact of a relative (with the number said in it), and the witness's account
("证人称：…"), marked as transcribed from a recording, by machine and unchecked until the owner checks it."""

import re

import pytest

from cases.analysis.inputs import case_inputs
from cases.services import case_analyse
from evidence.models import Bundle, EvidenceItem, Transcript
from tests.conftest import sha256
from tests.evidence.test_spoken_statements import DEVICE, browser_recording, put_pieces

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

# What the mother said, as the transcription writes Mandarin (spoken digits as digits). The test's speech
# synthesiser only speaks English that the test model understands, so the recording the phone sends is English
# speech, transcribed for real, and these are the words the engine writes for the statement she would give.
SAID = [
    {"start": 0.0, "end": 4.5, "text": "昨天晚上13812345678打电话给我，说我女儿欠钱不还。"},
    {"start": 4.5, "end": 8.0, "text": "他们说再不还钱就小心你家人的安全。"},
    {"start": 8.0, "end": 11.0, "text": "还跟我说你女儿是个老赖，不要脸。"},
]
MACHINE = "据陈述录音机器转写，未经核对"


@pytest.fixture
def spoken(client, alice, full_case, tmp_path, django_capture_on_commit_callbacks):
    """The mother records her statement through the link the owner sent her; it is transcribed."""
    client.force_login(alice)
    page = client.post(f"/cases/{full_case.id}/statement-links/", {"name": "王芳", "relation": "母亲"})
    client.logout()
    token = re.search(r"http://testserver/s/([^<\s/]+)/", page.content.decode()).group(1)
    data = browser_recording(tmp_path / "mother.webm", "webm")
    body = {"filename": "witness.webm", "size": len(data), "sha256": sha256(data), "name": "王芳芳", **DEVICE}
    r = client.post(f"/api/v1/statement-links/{token}/uploads", body, content_type="application/json")
    assert r.status_code == 201, r.content
    done = put_pieces(client, r.json()["url"], data, django_capture_on_commit_callbacks)
    item = EvidenceItem.objects.get(pk=done.json()["evidence"]["id"])
    assert item.kind == "spoken_statement" and item.status == "ready" and item.transcript.segments
    Transcript.objects.filter(item=item).update(
        segments=SAID, speakers=[], edits={}, text="".join(str(s["text"]) for s in SAID)
    )
    return item


def make_bundle(client, case, alice_api, capture) -> Bundle:
    with capture(execute=True):
        r = client.post(f"/api/v1/cases/{case.id}/bundles", {}, content_type="application/json", **alice_api)
    assert r.status_code == 202, r.content
    return Bundle.objects.get(pk=r.json()["id"])


def test_a_spoken_statement_feeds_the_analysis_like_a_typed_one(full_case, spoken):
    events, sentences = case_inputs(full_case)
    contact = [e for e in events if e.sources[0]["evidence"] == str(spoken.pk)]
    assert len(contact) == 1
    assert contact[0].kind == "third_party_contact" and contact[0].target == "third_party"
    assert contact[0].number == "13812345678" and contact[0].contact == "母亲 王芳芳"
    assert contact[0].sources[0]["source"] == "spoken_statement"
    said = [s for s in sentences if s.evidence == str(spoken.pk)]
    assert [s.text for s in said] == [s["text"] for s in SAID]
    assert {s.speaker for s in said} == {"third_party"} and not any(s.confirmed or s.pending for s in said)
    analysis = case_analyse(full_case)
    third = [f for f in analysis.findings if f.category == "third_party_contact" or f.rule.endswith("third-party")]
    assert any(str(spoken.pk) in str(f.examples) for f in third), [f.rule for f in analysis.findings]
    threat = [f for f in analysis.findings if f.category == "threat"]
    assert threat and any(ex.get("source") == "spoken_statement" for f in threat for ex in f.examples)
    # Insults told to her, a third party, as from a typed statement (cn-public-insult).
    public = [f for f in analysis.findings if f.category == "public_insult"]
    assert any(str(spoken.pk) in ex["evidence"] for f in public for ex in f.examples), public


def test_the_victims_own_spoken_statement_is_her_account_not_a_third_partys(full_case, spoken):
    EvidenceItem.objects.filter(pk=spoken.pk).update(metadata={"recorded_in_page": True}, author_relation="本人")
    events, sentences = case_inputs(full_case)
    assert not [e for e in events if e.sources[0]["evidence"] == str(spoken.pk)]  # no third-party contact
    assert {s.speaker for s in sentences if s.evidence == str(spoken.pk)} == {"victim"}


def test_an_unchecked_spoken_statement_is_nothing_before_it_is_transcribed(full_case, spoken):
    Transcript.objects.filter(item=spoken).delete()
    events, sentences = case_inputs(full_case)
    assert not [e for e in events if e.sources[0]["evidence"] == str(spoken.pk)]
    assert not [s for s in sentences if s.evidence == str(spoken.pk)]


def test_the_police_letter_gives_the_spoken_account_as_machine_transcribed(
    client, alice, alice_api, full_case, spoken, draft, django_capture_on_commit_callbacks
):
    bundle = make_bundle(client, full_case, alice_api, django_capture_on_commit_callbacks)
    label = bundle.entries.get(item=spoken).label
    text = draft(full_case, "police", bundle=bundle).draft_text
    section = text.split("三、威胁、辱骂的原话", 1)[1].split("四、", 1)[0]
    line = f"证人称：“他们说再不还钱就小心你家人的安全。”（{MACHINE}；见证据{label}）"
    assert line in section, section
    assert "“他们说再不还钱就小心你家人的安全。”（以" not in text  # never the collector's own words

    # The owner listens and checks the words: the letter says so.
    client.force_login(alice)
    r = client.post(f"/items/{spoken.id}/transcript/", {"reviewed": "all"})
    assert r.status_code == 302
    bundle = make_bundle(client, full_case, alice_api, django_capture_on_commit_callbacks)
    text = draft(full_case, "police", bundle=bundle).draft_text
    assert "证人称：“他们说再不还钱就小心你家人的安全。”（据陈述录音转写，文字已核对；见证据" in text
    assert MACHINE not in text
