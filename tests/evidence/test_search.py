"""Search over a case's words: Chinese two-character words and phrases, on PostgreSQL and on SQLite.

Run this module under both databases (DATABASE_URL=sqlite:// and the PostgreSQL one): the index is
built differently on each (migration evidence 0016) and both must find the same places."""

import hashlib
import io

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone

from cases.models import Case, Membership
from complaints.models import Complaint
from evidence.curation import item_withdraw, note_add
from evidence.custody import Actor
from evidence.intake.services import evidence_create, evidence_create_statement
from evidence.models import EvidenceItem, OcrResult, SearchEntry, Transcript
from evidence.search.query import search
from evidence.speakers import ocr_confirm, transcript_review
from tests.conftest import make_user, png_bytes, wav_bytes
from tests.search_samples import CALL, CHAT

pytestmark = pytest.mark.django_db


def _call(case, user, name: str, sentences: list[str], seconds: float = 4.5) -> EvidenceItem:
    data = wav_bytes(0.4, freq_step=len(name) + 3) + name.encode()
    item, _created = evidence_create(
        case=case,
        actor=Actor(user=user),
        content=ContentFile(data),
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        mime="audio/wav",
        fields={"kind": "call_recording", "original_filename": name},
    )
    segments = [
        {"start": round(i * seconds, 2), "end": round((i + 1) * seconds - 0.3, 2), "text": s}
        for i, s in enumerate(sentences)
    ]
    # As the transcription step writes it (evidence/processing/steps.py).
    Transcript.objects.update_or_create(
        item=item,
        defaults={
            "original_sha256": item.sha256,
            "engine": "faster-whisper",
            "model": "small",
            "language": "zh",
            "segments": segments,
            "text": "".join(sentences),
        },
    )
    return item


def _screenshot(case, user, lines: list[str]) -> EvidenceItem:
    data = png_bytes((10, len(lines) * 9 % 255, 90))
    item, _created = evidence_create(
        case=case,
        actor=Actor(user=user),
        content=ContentFile(data),
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        mime="image/png",
        fields={"kind": "screenshot", "original_filename": "Screenshot_20231012-234701.png"},
    )
    # As the OCR step writes it: a box and a confidence per line.
    OcrResult.objects.update_or_create(
        item=item,
        defaults={
            "original_sha256": item.sha256,
            "engine": "rapidocr-onnxruntime",
            "lines": [
                {
                    "text": t,
                    "box": [[40, 80 + 60 * i], [600, 80 + 60 * i], [600, 120 + 60 * i], [40, 120 + 60 * i]],
                    "confidence": 0.96,
                }
                for i, t in enumerate(lines)
            ],
            "text": "\n".join(lines),
        },
    )
    return item


@pytest.fixture
def call(alice, alice_case):
    return _call(alice_case, alice, "13800138000_20231012_2347.wav", CALL)


@pytest.fixture
def chat(alice, alice_case):
    return _screenshot(alice_case, alice, CHAT)


def places(user, q, case=None) -> list[tuple]:
    return [(h["kind"], h["item"], h["where"].get("start"), h["where"].get("line")) for h in search(user, q, case).hits]


def test_the_database_under_test_is_named(db):
    # The module is meant to run twice; this says which run this is in the test report.
    assert connection.vendor in {"postgresql", "sqlite"}


def test_two_character_words_find_the_sentence_and_its_start(alice, call):
    assert places(alice, "上门") == [("transcript", call.pk, 8 * 4.5, None)]
    assert places(alice, "你妈") == [("transcript", call.pk, 7 * 4.5, None)]
    hit = search(alice, "上门").hits[0]
    assert hit["url"] == f"/items/{call.pk}/#t-8"
    assert hit["snippet"][hit["highlight"][0] : hit["highlight"][1]] == "上门"


def test_a_phrase_is_found_only_where_its_characters_stand_together(alice, call):
    # Sentence 12 holds 爆, 通讯 and 讯录 too, but not as one phrase.
    assert places(alice, "爆通讯录") == [("transcript", call.pk, 5 * 4.5, None)]
    assert [h["where"]["sentence"] for h in search(alice, "通讯录").hits] == [5, 12]


def test_punctuation_and_spaces_between_words_do_not_hide_them(alice, call):
    # "喂，你好" is one phrase to the reader whatever Whisper put between them.
    assert places(alice, "喂你好") == [("transcript", call.pk, 0.0, None)]
    # Words separated by a space must all be in the place found.
    assert places(alice, "投诉 违法") == [("transcript", call.pk, 9 * 4.5, None)]
    assert places(alice, "上门 投诉") == []


def test_screenshot_lines_are_found_at_their_line(alice, call, chat):
    found = places(alice, "上门")
    assert ("ocr", chat.pk, None, 1) in found and ("transcript", call.pk, 8 * 4.5, None) in found
    hit = next(h for h in search(alice, "你妈").hits if h["kind"] == "ocr")
    assert hit["where"]["line"] == 3 and hit["url"] == f"/items/{chat.pk}/#line-3"
    assert places(alice, "13812345678") == [("ocr", chat.pk, None, 3)]


def test_a_word_that_is_nowhere_finds_nothing(alice, call, chat):
    assert places(alice, "法院") == []
    assert places(alice, "，。") == []  # nothing but punctuation


def test_the_owners_correction_is_found_and_the_machine_words_still_are(alice, call):
    transcript = call.transcript
    before = {e.position: e.pk for e in SearchEntry.objects.filter(source=call.pk)}
    transcript_review(
        transcript=transcript, actor=Actor(user=alice), changes=[{"id": 2, "text": "我知道，我这个月工资还没到账。"}]
    )
    assert places(alice, "到账") == [("transcript", call.pk, 2 * 4.5, None)]
    machine = search(alice, "工资还没发").hits
    assert [(h["where"]["sentence"], h["matched"]) for h in machine] == [(2, "machine_text")]
    # Only the corrected sentence's row was rewritten; the others stayed as they were.
    after = {e.position: e.pk for e in SearchEntry.objects.filter(source=call.pk)}
    assert after == before


def test_a_corrected_screenshot_line_is_found_by_its_corrected_words_and_its_machine_words(alice, chat):
    """OCR misread "上门" as "上们"; the owner corrects the line on the item page."""
    chat.ocr.lines[1]["text"] = "今天不还款，明天上们拜访你的家人"
    chat.ocr.save(update_fields=["lines"])
    assert places(alice, "上门") == []
    ocr_confirm(ocr=chat.ocr, actor=Actor(user=alice), changes=[{"id": 1, "text": "今天不还款，明天上门拜访你的家人"}])
    assert places(alice, "上门") == [("ocr", chat.pk, None, 1)]
    assert [h["matched"] for h in search(alice, "上们").hits] == ["machine_text"]


def test_statements_notes_and_letters_are_found(alice, alice_case, call):
    statement, _created = evidence_create_statement(
        case=alice_case,
        actor=Actor(user=alice),
        author_name="王芳",
        relation="母亲",
        contact="13912345678",
        text="十月十二日晚上，有人打我电话说要上门。\n他们还说要把我女儿的事发到通讯录里。",
        fields={},
    )
    note = note_add(case=alice_case, item=call, actor=Actor(user=alice), text="第8句说要上门，要求律师重点听。")
    letter = Complaint.objects.create(
        case=alice_case,
        channel="platform",
        created_by=alice,
        draft_text="尊敬的平台：\n贵司催收人员威胁上门并爆通讯录。",
    )
    found = {(h["kind"], h["source"], h["where"].get("line")) for h in search(alice, "上门").hits}
    assert ("statement", statement.pk, 4) in found
    assert ("note", note.pk, None) in found
    assert ("letter", letter.pk, 1) in found
    letter.draft_text = "尊敬的平台：\n贵司催收人员威胁到我单位。"
    letter.save(update_fields=["draft_text", "edited_at", "updated"])
    assert ("letter", letter.pk, 1) not in {
        (h["kind"], h["source"], h["where"].get("line")) for h in search(alice, "上门").hits
    }


def test_withdrawn_items_drop_out(alice, call, chat):
    item_withdraw(item=call, actor=Actor(user=alice), reason="录错了")
    assert places(alice, "上门") == [("ocr", chat.pk, None, 1)]
    assert places(alice, "爆通讯录") == []


def test_search_never_leaks_another_case(alice, bob, alice_case, call):
    bobs = Case.objects.create(owner=bob, title="另一个案子")
    _call(bobs, bob, "bob.wav", ["明天上门找你"])
    assert places(bob, "上门") == [("transcript", SearchEntry.objects.get(case=bobs).item_id, 0.0, None)]
    assert {h["case"] for h in search(alice, "上门").hits} == {alice_case.pk}
    with pytest.raises(Exception) as refused:
        search(bob, "上门", alice_case.pk)
    assert refused.type.__name__ == "Http404"


def test_a_lawyer_searches_every_case_shared_with_them_until_revoked(alice, bob, alice_case, call):
    carol = make_user("carol")
    bobs = Case.objects.create(owner=bob, title="另一个案子")
    bobs_call = _call(bobs, bob, "bob.wav", ["明天上门找你"])
    Membership.objects.create(case=alice_case, user=carol, role=Membership.Role.LAWYER)
    shared = Membership.objects.create(case=bobs, user=carol, role=Membership.Role.LAWYER)
    assert {h["item"] for h in search(carol, "上门").hits} == {call.pk, bobs_call.pk}
    assert {h["item"] for h in search(carol, "上门", bobs.pk).hits} == {bobs_call.pk}
    shared.revoked_at = timezone.now()
    shared.save()
    assert {h["item"] for h in search(carol, "上门").hits} == {call.pk}


def test_the_api_returns_hits_with_where_they_are(client, alice_api, bob_api, alice_case, call, chat):
    r = client.get("/api/v1/search", {"q": "上门", "case": str(alice_case.pk)}, **alice_api)
    assert r.status_code == 200, r.content
    hits = r.json()["hits"]
    recording = next(h for h in hits if h["kind"] == "transcript")
    assert recording["item"] == str(call.pk) and recording["where"]["start"] == 36.0
    assert "上门" in recording["snippet"]
    assert next(h for h in hits if h["kind"] == "ocr")["where"]["line"] == 1
    # Across all cases when no case is named; a stranger's case is not found at all.
    assert len(client.get("/api/v1/search", {"q": "上门"}, **alice_api).json()["hits"]) == 2
    assert client.get("/api/v1/search", {"q": "上门"}, **bob_api).json()["hits"] == []
    assert client.get("/api/v1/search", {"q": "上门", "case": str(alice_case.pk)}, **bob_api).status_code == 404
    assert client.get("/api/v1/search", {"q": "上门"}).status_code == 401


def test_the_page_takes_the_words_by_post_and_keeps_them_out_of_the_address(client, alice, bob, alice_case, call):
    client.force_login(alice)
    page = client.get(f"/search/?case={alice_case.pk}")
    assert page.status_code == 200
    assert b'method="post"' in page.content and b'id="search-form"' in page.content
    sent = client.post("/search/", {"q": "爆通讯录", "case": str(alice_case.pk)})
    assert sent.status_code == 302 and "爆" not in sent["Location"] and "%E7%88%86" not in sent["Location"]
    found = client.get(sent["Location"])
    assert f'href="/items/{call.pk}/#t-5"'.encode() in found.content
    assert "<mark>爆通讯录</mark>".encode() in found.content
    # Words put in the address are not searched for; another session's key finds nothing.
    assert b"<mark>" not in client.get("/search/", {"q": "爆通讯录"}).content
    client.force_login(bob)
    assert b"<mark>" not in client.get(sent["Location"]).content


def test_reindexing_writes_what_was_there_before_the_search_and_then_nothing(alice, call, chat):
    from django.core.management import call_command

    SearchEntry.objects.all().delete()  # a database from before migration 0016's entries were written
    assert places(alice, "上门") == []
    call_command("search_reindex", stdout=io.StringIO())
    assert {p[0] for p in places(alice, "上门")} == {"transcript", "ocr"}
    count = SearchEntry.objects.count()
    assert count == len(CALL) + len(CHAT)
    call_command("search_reindex", stdout=io.StringIO())
    assert SearchEntry.objects.count() == count
