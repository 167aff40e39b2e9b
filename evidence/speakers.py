"""Who said each sentence: the machine's suggestion, the user's confirmation, and the reviewed transcript.

The machine's transcript (`Transcript.segments`) is never changed. What the
user confirms or corrects is kept beside it (`Transcript.edits`, and
`OcrResult.line_speakers` and `OcrResult.line_edits` for screenshot lines), with who did it and when; each
change is a custody event carrying the hashes of both versions. A sentence may
be quoted as a collector's words only when the user has confirmed both its
speaker and its words (see `quotable`).
"""

import hashlib
import json

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from evidence import voices
from evidence.custody import Actor, custody_record
from evidence.models import EvidenceItem, OcrResult, Transcript

SPEAKERS = ("collector", "victim", "third_party", "unknown")
SPEAKER_LABELS = {
    "collector": _("Collector"),
    "victim": _("Me"),
    "third_party": _("Someone else"),
    "unknown": _("Not known"),
}
# The three answers the user picks from, phone-first: 催收方 / 我 / 其他人.
SPEAKER_CHOICES = [(code, SPEAKER_LABELS[code]) for code in ("collector", "victim", "third_party")]
# How the letters and the bundle name a speaker (Chinese documents whatever the interface language).
SPEAKER_ZH = {"collector": "催收方", "victim": "本人", "third_party": "其他人", "unknown": "未确认"}
MAX_TEXT = 2000


class ReviewError(Exception):
    """A change that cannot be applied (no such sentence, an unknown speaker); the message is for the user."""


def _sha256(value) -> str:
    return hashlib.sha256(json.dumps(value, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def segment_rows(transcript: Transcript) -> list[dict]:
    """Each sentence as the API and the pages show it: the reviewed words and speaker where there are, else the machine's."""
    rows = []
    for index, seg in enumerate(transcript.segments):
        edit = transcript.edits.get(str(index), {})
        machine = transcript.speakers[index] if index < len(transcript.speakers) else {}
        user_speaker = edit.get("speaker")
        rows.append(
            {
                "id": index,
                "start": seg["start"],
                "end": seg["end"],
                "text": edit.get("text", seg["text"]),
                "speaker": user_speaker or machine.get("speaker") or "unknown",
                "speaker_source": "user" if user_speaker else "machine",
                "machine_text": seg["text"],
                "voice": machine.get("voice"),
                "heard": seg.get("heard", ""),
                "flags": seg.get("flags", []),
                "text_checked": bool(edit.get("text_checked")) or transcript.reviewed_at is not None,
            }
        )
    return rows


def quotable(row: dict) -> bool:
    """True for a sentence the user confirmed was said by the collector, and whose words they checked."""
    return row["speaker"] == "collector" and row["speaker_source"] == "user" and row["text_checked"]


def machine_sha256(transcript: Transcript) -> str:
    return _sha256(transcript.segments)


def reviewed_sha256(transcript: Transcript) -> str:
    """The hash of the reviewed version: each sentence's words, speaker and whether the user confirmed them."""
    return _sha256(
        [
            {k: r[k] for k in ("id", "start", "end", "text", "speaker", "speaker_source", "text_checked")}
            for r in segment_rows(transcript)
        ]
    )


def _cleaned(change: dict, count: int, missing: str | Promise, too_long: str | Promise) -> tuple[str, dict]:
    """The position, speaker and words of one change to a transcript sentence or a screenshot line,
    checked; `missing` and `too_long` say what is wrong in the words of the thing changed."""
    index = change.get("id")
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < count:
        raise ReviewError(missing)
    clean = {}
    if change.get("speaker") is not None:
        if change["speaker"] not in SPEAKERS:
            raise ReviewError(_("The speaker must be collector, victim, third_party or unknown."))
        clean["speaker"] = change["speaker"]
    if change.get("text") is not None:
        text = str(change["text"]).strip()
        if not text or len(text) > MAX_TEXT:
            raise ReviewError(too_long)
        clean["text"] = text
    return str(index), clean


def _clean_change(change: dict, count: int) -> tuple[str, dict]:
    key, clean = _cleaned(
        change,
        count,
        _("There is no such sentence in this transcript."),
        _("A sentence's words cannot be empty or longer than 2000 characters."),
    )
    if "text" in clean:
        clean["text_checked"] = True
    return key, clean


def transcript_review(*, transcript: Transcript, actor: Actor, changes: list[dict], reviewed: bool = False) -> None:
    """Apply the user's corrections of sentences (words, speaker) and, with `reviewed`, mark every sentence
    checked by its owner; one custody event holds the machine's and the reviewed version's hashes.
    Raises ReviewError for a change that cannot be applied (nothing is applied then)."""
    cleaned = [_clean_change(c, len(transcript.segments)) for c in changes]
    now = timezone.now()
    with transaction.atomic():
        transcript = Transcript.objects.select_for_update().get(pk=transcript.pk)
        for key, clean in cleaned:
            if clean:
                transcript.edits[key] = {
                    **transcript.edits.get(key, {}),
                    **clean,
                    "by": actor.user.get_username(),
                    "at": now.isoformat(),
                }
        _spread_voice(transcript, [key for key, clean in cleaned if "speaker" in clean])
        if reviewed:
            transcript.reviewed_by, transcript.reviewed_at = actor.user, now
        transcript.save(update_fields=["edits", "speakers", "reviewed_by", "reviewed_at"])
        custody_record(
            case=transcript.item.case,
            item=transcript.item,
            action="transcript_reviewed" if reviewed else "transcript_corrected",
            actor=actor,
            sentences=[int(k) for k, c in cleaned if c],
            machine_sha256=machine_sha256(transcript),
            reviewed_sha256=reviewed_sha256(transcript),
            all_checked=transcript.reviewed_at is not None,
        )
    if any("speaker" in clean for _key, clean in cleaned):
        suggest_victim_voice(transcript.item.case)


def _spread_voice(transcript: Transcript, marked: list[str]) -> None:
    """The user named the speaker of some sentences: suggest the same speaker for the other, unmarked
    sentences in the same voice, and for the other voice, 'victim' when they marked a collector and the reverse."""
    other = {"collector": "victim", "victim": "collector"}
    for key in marked:
        voice = transcript.speakers[int(key)].get("voice") if int(key) < len(transcript.speakers) else None
        if voice is None or len(transcript.diarization.get("centroids", [])) != 2:
            continue
        speaker = transcript.edits[key]["speaker"]
        for row in transcript.speakers:
            if row.get("voice") == voice:
                row["speaker"] = speaker
            elif row.get("voice") is not None and speaker in other:
                row["speaker"] = other[speaker]


def speakers_suggest(transcript: Transcript, found: dict, voiceprint: list[float] | None) -> None:
    """Store the machine's diarization (`found`: {"method", "turns": [[start, end, voice]], "centroids"}) and
    each sentence's voice, suggesting 'victim' for the voice like the one the user marked as theirs
    elsewhere and 'collector' for the other (nothing counts until the user confirms)."""
    transcript.diarization = found
    victim = voices.victim_voice(found.get("centroids", []), voiceprint)
    transcript.speakers = []
    for seg in transcript.segments:
        voice = voices.voice_of(seg["start"], seg["end"], found.get("turns", []))
        speaker = "unknown" if victim is None or voice is None else ("victim" if voice == victim else "collector")
        transcript.speakers.append({"voice": voice, "speaker": speaker})


def case_voiceprint(case, exclude=None) -> list[float] | None:
    """The victim's voice: the mean of the voices of the sentences the user marked as their own, in any recording."""
    prints = []
    others = Transcript.objects.filter(item__case=case)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    for transcript in others:
        centroids = transcript.diarization.get("centroids", [])
        for key, edit in transcript.edits.items():
            voice = transcript.speakers[int(key)].get("voice") if int(key) < len(transcript.speakers) else None
            if edit.get("speaker") == "victim" and voice is not None and voice < len(centroids):
                prints.append(centroids[voice])
    if not prints:
        return None
    import numpy as np

    return np.mean(np.array(prints), axis=0).tolist()


def suggest_victim_voice(case) -> None:
    """Re-suggest the speakers of the case's recordings the user has not marked yet, from the victim's voice."""
    for transcript in Transcript.objects.filter(item__case=case).exclude(diarization={}):
        if any(e.get("speaker") for e in transcript.edits.values()):
            continue
        speakers_suggest(transcript, transcript.diarization, case_voiceprint(case, exclude=transcript))
        Transcript.objects.filter(pk=transcript.pk).update(speakers=transcript.speakers)


# --- Screenshots: the side of the chat bubble tells who wrote the line ---------------------------------------


def bubble_side(box: list[list[float]], width: int | None) -> str:
    """'left', 'right' or 'middle' for a text line's box on a chat screenshot `width` pixels wide.

    WeChat, QQ and the SMS apps put the other party's bubbles on the left and the
    phone owner's on the right; times and system notices sit in the middle."""
    if not width or not box:
        return "middle"
    left, right = min(x for x, _y in box) / width, max(x for x, _y in box) / width
    if left < 0.3 and right < 0.75:
        return "left"
    if right > 0.7 and left > 0.25:
        return "right"
    return "middle"


def phone_owner(item: EvidenceItem) -> str:
    """Whose phone a screenshot is from: a relative's when a relative sent it through a statement link."""
    return "third_party" if item.metadata.get("statement") else "victim"  # set by cases/statement_links.py


def ocr_line_rows(ocr: OcrResult, item: EvidenceItem) -> list[dict]:
    """Each OCR line with its speaker and words: the user's where they confirmed a speaker or corrected the words
    (the machine's words beside them), else suggested from the bubble's side and read by the machine."""
    width = (item.metadata.get("image") or {}).get("width")
    owner = phone_owner(item)
    rows = []
    for index, line in enumerate(ocr.lines):
        confirmed = ocr.line_speakers.get(str(index), {}).get("speaker")
        edit = ocr.line_edits.get(str(index), {})
        side = bubble_side(line.get("box") or [], width)
        suggested = {"left": "collector" if owner == "victim" else "unknown", "right": owner}.get(side, "unknown")
        rows.append(
            {
                "id": index,
                "text": edit.get("text", line["text"]),
                "machine_text": line["text"],
                "text_source": "user" if "text" in edit else "machine",
                "box": line.get("box") or [],
                "side": side,
                "t": line.get("t"),
                "speaker": confirmed or suggested,
                "speaker_source": "user" if confirmed else "machine",
            }
        )
    return rows


def _clean_line_change(change: dict, lines: list[dict]) -> tuple[str, dict]:
    key, clean = _cleaned(
        change,
        len(lines),
        _("There is no such line in this screenshot's text."),
        _("A line's words cannot be empty or longer than 2000 characters."),
    )
    if not clean:
        raise ReviewError(_("Give the line's speaker or its corrected words."))
    return key, clean


def ocr_sha256(ocr: OcrResult) -> str:
    """The hash of the machine's reading, which never changes."""
    return _sha256(ocr.lines)


def corrected_sha256(ocr: OcrResult, item: EvidenceItem) -> str:
    """The hash of the lines as they now read: each line's words and where they came from (machine or user)."""
    return _sha256([{k: r[k] for k in ("id", "text", "text_source")} for r in ocr_line_rows(ocr, item)])


def ocr_confirm(*, ocr: OcrResult, actor: Actor, changes: list[dict]) -> None:
    """Record the speakers the user confirmed for screenshot lines (confirming a line also says its words
    match the image) and the words they corrected, kept beside the machine's; one custody event for speakers
    and one for corrected words, each with the hashes of both versions. Raises ReviewError for a change that
    cannot be applied (nothing is applied then)."""
    cleaned = [_clean_line_change(change, ocr.lines) for change in changes]
    now = timezone.now()
    stamp = {"by": actor.user.get_username(), "at": now.isoformat()}
    with transaction.atomic():
        ocr = OcrResult.objects.select_for_update().select_related("item", "item__case").get(pk=ocr.pk)
        spoken = [(key, c["speaker"]) for key, c in cleaned if "speaker" in c]
        corrected = [(key, c["text"]) for key, c in cleaned if "text" in c]
        for key, speaker in spoken:
            ocr.line_speakers[key] = {"speaker": speaker, **stamp}
        for key, text in corrected:
            if text == ocr.lines[int(key)]["text"]:
                ocr.line_edits.pop(key, None)  # back to the machine's words: nothing to keep beside them
            else:
                ocr.line_edits[key] = {"text": text, **stamp}
        ocr.save(update_fields=["line_speakers", "line_edits"])
        if spoken:
            custody_record(
                case=ocr.item.case,
                item=ocr.item,
                action="ocr_speakers_confirmed",
                actor=actor,
                lines=[int(k) for k, _s in spoken],
                ocr_sha256=ocr_sha256(ocr),
                speakers_sha256=_sha256(ocr.line_speakers),
            )
        if corrected:
            custody_record(
                case=ocr.item.case,
                item=ocr.item,
                action="ocr_text_corrected",
                actor=actor,
                lines=[int(k) for k, _t in corrected],
                ocr_sha256=ocr_sha256(ocr),
                corrected_sha256=corrected_sha256(ocr, ocr.item),
            )
