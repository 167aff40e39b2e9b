"""The processing steps a worker runs on an item, one plain function each.

A step reads the stored original (or what earlier steps made), stores what it
produces, and returns a dict for its custody record: what it read and the
hashes of what it wrote. Steps are idempotent: running one twice leaves one
result. A step raises StepFailed for a final, explained failure and
TransientError for one worth retrying.
"""

import hashlib
import json
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_noop
from PIL import Image

from cases.jurisdictions import case_timezone
from evidence import speakers, stamping
from evidence.models import EvidenceItem, OcrResult, Timestamp, Transcript
from evidence.processing import (
    audio,
    callhistory,
    calllog,
    calltables,
    carrier,
    cutoff,
    diarization,
    documents,
    filenames,
    images,
    ocr,
    screen_dates,
    screenrec,
    timestamps,
    transcribe,
)
from evidence.storage.integrity import stored_sha256
from evidence.storage.workfiles import local_original, save_derived

JSON = "application/json"  # a BCR sidecar, as intake sniffs it


class StepFailed(Exception):
    """A final failure; the message (marked for translation) is shown to the user."""


class TransientError(Exception):
    """A failure that may pass (a network time-out); the step is retried with backoff.

    `final` is what the user is told when the retries run out (marked for translation).
    """

    def __init__(self, message: str = "", final: str = ""):
        super().__init__(message)
        self.final = final


def step_integrity(item: EvidenceItem) -> dict:
    """Read the stored original back and check it still hashes to the value taken at intake."""
    try:
        actual = stored_sha256(item.stored_name)
    except FileNotFoundError:
        actual = None
    if actual != item.sha256:
        raise StepFailed(gettext_noop("The stored file does not match the file received."))
    return {"sha256_read": actual}


def step_timestamp(item: EvidenceItem) -> dict:
    """Obtain a trusted time stamp of the original's hash (once)."""
    existing = Timestamp.objects.filter(item=item).first()
    if existing is None:
        existing = Timestamp.objects.create(item=item, original_sha256=item.sha256, **_stamp(item).__dict__)
    return {"timestamp_kind": existing.kind, "gen_time": existing.gen_time.isoformat(), "authority": existing.authority}


def _stamp(item: EvidenceItem) -> timestamps.Stamp:
    try:
        return stamping.stamp_digest(item.sha256, str(item.pk))
    except timestamps.TsaUnavailable as exc:
        raise TransientError(str(exc)) from exc
    except timestamps.TsaInvalid as exc:
        # Not a time stamp: nothing is stored. It may be a tampering network, so ask again.
        raise TransientError(
            str(exc),
            final=gettext_noop(
                "The time-stamping authority's reply could not be verified (wrong signature, certificate or "
                "digest), so this file has no trusted time stamp."
            ),
        ) from exc
    except timestamps.TsaRefused as exc:
        raise StepFailed(gettext_noop("The time-stamping authority refused to stamp this file.")) from exc


# Shown for a recording longer than MAX_AUDIO_MINUTES: the original stays evidence as received.
TOO_LONG = gettext_noop(
    "The recording is too long to be processed here. The original is kept as evidence, "
    "without a transcript or a copy to listen to."
)


def max_audio_seconds() -> float:
    return settings.MAX_AUDIO_MINUTES * 60.0


def step_audio(item: EvidenceItem) -> dict:
    """Record the format of a recording and the number and time its file name carries,
    and make a copy any browser can play (phones record in formats browsers cannot)."""
    limit = max_audio_seconds()
    with local_original(item) as path:
        _flag_cut_off(item, cutoff.cut_off_reason(path))
        try:
            info = audio.probe_audio(path, max_seconds=limit)
            listen = save_derived(item, "listen", audio.listening_copy(path, max_seconds=limit), "ogg", "audio/ogg")
        except audio.AudioTooLong as exc:
            item.metadata = {**item.metadata, "audio": {"too_long": True, "at_least_s": round(exc.seconds)}}
            item.save(update_fields=["metadata"])
            raise StepFailed(TOO_LONG) from exc
        except audio.AudioDecodeError as exc:
            raise StepFailed(gettext_noop("The recording could not be decoded; it may be damaged.")) from exc
    facts = filenames.parse_recording_filename(item.original_filename, case_timezone(item.case))
    sidecar = bcr_sidecar_for(item)
    if sidecar is not None:
        facts = sidecar_facts(facts, sidecar)
    from_name: list[str] = []
    if facts.number and not item.counterparty_number:
        item.counterparty_number, from_name = facts.number, [*from_name, "counterparty_number"]
    if facts.occurred_at and not item.occurred_at:
        item.occurred_at, from_name = facts.occurred_at, [*from_name, "occurred_at"]
    item.metadata = {
        **item.metadata,
        "audio": info.__dict__,
        "from_filename": from_name,
        "filename": facts.as_metadata(),
    }
    item.save(update_fields=["counterparty_number", "occurred_at", "metadata"])
    return {
        "audio": info.__dict__,
        "from_filename": from_name,
        "filename_maker": facts.maker,
        "listening_copy_sha256": listen.sha256,
    }


def _flag_cut_off(item: EvidenceItem, reason: str) -> None:
    """Mark a recording whose container looks cut off; it is still decoded as far as it goes."""
    if reason:
        item.metadata = {**item.metadata, "cut_off": {"reason": reason}}
        item.save(update_fields=["metadata"])


def _stem(name: str) -> str:
    return name.rsplit(".", 1)[0] if "." in name else name


def bcr_sidecar_for(recording: EvidenceItem) -> filenames.FilenameFacts | None:
    """The facts of BCR's `.json` sidecar uploaded to the same case as `recording`, if there is one."""
    wanted = _stem(recording.original_filename) + ".json"
    sidecar = recording.case.items.filter(original_filename=wanted, mime=JSON, withdrawn_at=None).first()
    if sidecar is None:
        return None
    with local_original(sidecar) as path:
        return filenames.parse_bcr_sidecar(Path(path).read_bytes(), case_timezone(recording.case))


def sidecar_facts(named: filenames.FilenameFacts, sidecar: filenames.FilenameFacts) -> filenames.FilenameFacts:
    """The file name's facts completed from the sidecar (which knows the contact's name and the direction)."""
    from dataclasses import replace

    return replace(
        named,
        number=named.number or sidecar.number,
        numbers=named.numbers or sidecar.numbers,
        contact=named.contact or sidecar.contact,
        direction=sidecar.direction or named.direction,
        occurred_at=named.occurred_at or sidecar.occurred_at,
        extra={**named.extra, "sidecar": True},
    )


def step_transcribe(item: EvidenceItem) -> dict:
    """Transcribe a recording with whisper, a window at a time, and store the timed segments
    (one transcript per item)."""
    if item.kind == EvidenceItem.Kind.SCREEN_RECORDING and not (item.metadata.get("video") or {}).get("has_audio"):
        return {"skipped": True, "reason": "the screen recording has no sound"}
    kept = Transcript.objects.filter(item=item).exclude(edits={}, reviewed_at=None).first()
    if kept is not None:  # the user's review is tied to these sentences: never replace them under it
        return {
            "skipped": True,
            "reason": "transcript already reviewed",
            "transcript_sha256": _json_sha256(kept.segments),
        }
    with local_original(item) as path:
        windows = audio.iter_audio(path, max_seconds=max_audio_seconds())
        try:
            result = transcribe.transcribe_windows(
                windows,
                model=settings.WHISPER_MODEL,
                download_root=settings.WHISPER_DOWNLOAD_ROOT,
                language=settings.WHISPER_LANGUAGE,
                device=settings.WHISPER_DEVICE,
                engine=settings.TRANSCRIBE_ENGINE,
                options=transcribe.Options(
                    beam_size=settings.TRANSCRIBE_BEAM_SIZE, threads=settings.TRANSCRIBE_THREADS
                ),
            )
        except audio.AudioTooLong as exc:
            raise StepFailed(TOO_LONG) from exc
        except audio.AudioDecodeError as exc:
            raise StepFailed(gettext_noop("The recording could not be decoded; it may be damaged.")) from exc
        except transcribe.ModelUnavailable as exc:
            raise TransientError(str(exc)) from exc
    segments = [s.as_dict() for s in result.segments]
    Transcript.objects.update_or_create(
        item=item,
        defaults={
            "original_sha256": item.sha256,
            "engine": result.engine,
            "model": Path(result.model).name,
            "language": result.language,
            "segments": segments,
            "text": result.text,
        },
    )
    # Speech that stayed without (enough) text: said in the step's result, so a gap is not taken for silence.
    return {
        "segments": len(segments),
        "engine": result.engine,
        "model": Path(result.model).name,
        "transcript_sha256": _json_sha256(segments),
        "speech_without_text": result.warnings,
        # Phone numbers read out in the call (spoken digits are written as digits by then).
        "phone_numbers": ocr.extract_phone_numbers(result.text),
    }


def step_speakers(item: EvidenceItem) -> dict:
    """Suggest who spoke each sentence: by channel for a two-channel recording, else by voice; the user confirms."""
    transcript = Transcript.objects.filter(item=item).first()
    if transcript is None or not transcript.segments:
        return {"skipped": True, "reason": "no sentences"}
    with local_original(item) as path:
        try:
            found = diarization.diarize_file(path, audio.decode_audio(path))
        except audio.AudioDecodeError as exc:
            raise StepFailed(gettext_noop("The recording could not be decoded; it may be damaged.")) from exc
    speakers.speakers_suggest(transcript, found.as_dict(), speakers.case_voiceprint(item.case, exclude=transcript))
    transcript.save(update_fields=["diarization", "speakers"])
    return {
        "method": found.method,
        "voices": len(found.centroids),
        "turns": len(found.turns),
        "speakers_sha256": _json_sha256(transcript.speakers),
    }


def _json_sha256(value) -> str:
    """The SHA-256 of a result stored as JSON, for the custody record of what a step produced."""
    return hashlib.sha256(json.dumps(value, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def step_image(item: EvidenceItem) -> dict:
    """Keep the screenshot's EXIF as metadata and store a thumbnail beside the original."""
    with local_original(item) as path, tempfile.TemporaryDirectory(dir=settings.FILE_UPLOAD_TEMP_DIR) as tmp:
        try:
            info = images.image_info(path)
            thumb = images.make_thumbnail(path, Path(tmp) / "thumb.jpg")
        except images.ImageRefused as exc:
            raise StepFailed(gettext_noop("The image could not be read safely.")) from exc
        derived = save_derived(item, "thumbnail", thumb.read_bytes(), "jpg", "image/jpeg")
    item.metadata = {
        **item.metadata,
        "image": {"format": info.format, "width": info.width, "height": info.height, "exif": info.exif},
    }
    item.save(update_fields=["metadata"])
    return {"thumbnail_sha256": derived.sha256}


def step_ocr(item: EvidenceItem) -> dict:
    """Read the screenshot's text, phone numbers and message times."""
    with local_original(item) as path:
        try:
            images.image_info(path)  # the same size guard as the image step, before the OCR decodes it
        except images.ImageRefused as exc:
            raise StepFailed(gettext_noop("The image could not be read safely.")) from exc
        lines = ocr.ocr_lines(path, settings.TRANSCRIBE_THREADS)
    text = "\n".join(line.text for line in lines)
    # Relative times are read against the screenshot's own day, never silently the upload day.
    reference, basis = screen_dates.reference_day(
        item.metadata, [line.__dict__ for line in lines], item.occurred_at, item.received_at
    )
    times = screen_dates.message_times(
        [line.__dict__ for line in lines], (item.metadata.get("image") or {}).get("height"), reference
    )
    # A screenshot of the dialer's call history also gives one call per row.
    tz = case_timezone(item.case)
    taken, taken_from = calltables.picture_taken(item, tz)
    with local_original(item) as path, Image.open(path) as image:
        calls = callhistory.read_call_history(lines, image, taken, tz)
    if calls:
        item.metadata = {
            **item.metadata,
            "call_log": calltables.json_rows(calls),
            "call_log_source": "call_screenshot",
            "reference": taken.isoformat(),
            "reference_from": taken_from,
        }
        item.save(update_fields=["metadata"])
    OcrResult.objects.update_or_create(
        item=item,
        defaults={
            "original_sha256": item.sha256,
            "engine": "rapidocr-onnxruntime",
            "text": text,
            "lines": [line.__dict__ for line in lines],
            "phone_numbers": ocr.extract_phone_numbers(text),
            "message_times": times,
            "reference_date": reference,
            "reference_basis": basis,
        },
    )
    return {
        "lines": len(lines),
        "message_times": len(times),
        "call_rows": len(calls),
        "reference_date": reference.isoformat(),
        "reference_basis": basis,
        "ocr_sha256": _json_sha256([line.__dict__ for line in lines]),
    }


def step_document(item: EvidenceItem) -> dict:
    """Count a PDF's pages and keep its text layer as a derived text file; read a BCR sidecar."""
    if item.mime == JSON:
        return _bcr_sidecar(item)
    if item.mime != "application/pdf":
        return {"skipped": True, "reason": "not a PDF"}
    with local_original(item) as path:
        try:
            doc = documents.pdf_text(path)
        except documents.DocumentUnreadable as exc:
            raise StepFailed(gettext_noop("The PDF could not be read; it may be damaged or encrypted.")) from exc
    result: dict[str, object] = {"pages": doc.pages, "has_text_layer": doc.has_text_layer}
    if doc.has_text_layer:
        result["text_sha256"] = save_derived(item, "text", doc.text.encode(), "txt", "text/plain").sha256
    item.metadata = {**item.metadata, "document": {"pages": doc.pages, "has_text_layer": doc.has_text_layer}}
    item.save(update_fields=["metadata"])
    return result


def _bcr_sidecar(item: EvidenceItem) -> dict:
    """A BCR sidecar: keep what it says, and give its recording (same name, .json) the direction and contact."""
    tz = case_timezone(item.case)
    with local_original(item) as path:
        facts = filenames.parse_bcr_sidecar(Path(path).read_bytes(), tz)
    if facts is None:
        return {"skipped": True, "reason": "not a BCR sidecar"}
    item.metadata = {**item.metadata, "bcr_sidecar": facts.as_metadata()}
    item.save(update_fields=["metadata"])
    stem = _stem(item.original_filename)
    updated = []
    for recording in item.case.items.filter(kind=EvidenceItem.Kind.CALL_RECORDING, withdrawn_at=None):
        if _stem(recording.original_filename) != stem or "filename" not in recording.metadata:
            continue
        named = filenames.parse_recording_filename(recording.original_filename, tz)
        recording.metadata = {**recording.metadata, "filename": sidecar_facts(named, facts).as_metadata()}
        recording.save(update_fields=["metadata"])
        updated.append(str(recording.pk))
    return {"bcr_sidecar": True, "direction": facts.direction, "recordings_updated": updated}


def step_scan(item: EvidenceItem) -> dict:
    """A scanned or photographed paper (contract, ID card, medical record, signed form): an image gets
    its preview like a screenshot, a PDF its page count and text like a document."""
    if item.mime.startswith("image/"):
        return step_image(item)
    return step_document(item)


def step_call_log(item: EvidenceItem) -> dict:
    """Read the calls of a call log into the item's metadata: a phone's CSV export, a carrier's
    itemised record (CSV, XLSX, XLS, PDF), or a picture or scan of the call history."""
    with local_original(item) as path:
        try:
            rows, source, facts = calltables.read_rows(
                item, path, case_timezone(item.case), settings.TRANSCRIBE_THREADS
            )
        except (calllog.CallLogUnreadable, carrier.CallTableUnreadable) as exc:
            raise StepFailed(gettext_noop("No phone number and time columns were found in this call log.")) from exc
    if not rows:
        raise StepFailed(gettext_noop("No calls could be read from this picture of a call log."))
    item.metadata = {**item.metadata, "call_log": rows, "call_log_source": source, **facts}
    item.save(update_fields=["metadata"])
    return {"calls": len(rows), "source": source, "rows_sha256": _json_sha256(rows)}


def step_screen(item: EvidenceItem) -> dict:
    """Read a screen recording: OCR of the frames where the picture changes, each line once with
    the second it first appears; the message times in it; the video's own creation time."""
    with local_original(item) as path:
        try:
            found = screenrec.read_screen_recording(path, settings.TRANSCRIBE_THREADS)
        except screenrec.NotAVideo as exc:
            raise StepFailed(gettext_noop("This file has no picture: a screen recording must be a video.")) from exc
        has_audio = screenrec.has_audio_stream(path)
    text = "\n".join(line["text"] for line in found.lines)
    fields = ["metadata"]
    if found.created and not item.occurred_at:
        item.occurred_at = found.created
        fields.append("occurred_at")
    # The day relative times (昨天, 10月12日) are read against: the user's, the video's, the file name's, or receipt.
    taken, basis = calltables.picture_taken(item, case_timezone(item.case))
    reference = taken.date()
    times = []
    for line_no, line in enumerate(found.lines):
        for t in ocr.extract_message_times(line["text"], reference):
            times.append({"text": t["text"], "at": t["at"].isoformat(), "line": line_no, "second": line["t"]})
    OcrResult.objects.update_or_create(
        item=item,
        defaults={
            "original_sha256": item.sha256,
            "engine": "rapidocr-onnxruntime",
            "text": text,
            "lines": found.lines,
            "phone_numbers": ocr.extract_phone_numbers(text),
            "message_times": times,
        },
    )
    item.metadata = {
        **item.metadata,
        "video": {
            "duration_s": found.duration_s,
            "width": found.width,
            "height": found.height,
            "frames_read": found.frames,
            "has_audio": has_audio,
            "reference_from": basis,
            "created": found.created.isoformat() if found.created else None,
        },
    }
    item.save(update_fields=fields)
    return {"lines": len(found.lines), "frames_read": len(found.frames), "ocr_sha256": _json_sha256(found.lines)}


STEPS: dict[str, Callable[[EvidenceItem], dict]] = {
    "integrity": step_integrity,
    "timestamp": step_timestamp,
    "audio": step_audio,
    "transcribe": step_transcribe,
    "speakers": step_speakers,
    "image": step_image,
    "ocr": step_ocr,
    "document": step_document,
    "scan": step_scan,
    "call_log": step_call_log,
    "screen": step_screen,
}

# Which steps each kind of evidence goes through, in order.
STEPS_BY_KIND: dict[str, list[str]] = {
    EvidenceItem.Kind.CALL_RECORDING: ["integrity", "timestamp", "audio", "transcribe", "speakers"],
    EvidenceItem.Kind.SCREENSHOT: ["integrity", "timestamp", "image", "ocr"],
    EvidenceItem.Kind.DOCUMENT: ["integrity", "timestamp", "document"],
    EvidenceItem.Kind.STATEMENT: ["integrity", "timestamp"],
    EvidenceItem.Kind.CALL_LOG: ["integrity", "timestamp", "call_log"],
    EvidenceItem.Kind.SCREEN_RECORDING: ["integrity", "timestamp", "screen", "transcribe"],
    EvidenceItem.Kind.SPOKEN_STATEMENT: ["integrity", "timestamp", "audio", "transcribe"],
    **{
        kind: ["integrity", "timestamp", "scan"]
        for kind in (
            EvidenceItem.Kind.LOAN_CONTRACT,
            EvidenceItem.Kind.ID_DOCUMENT,
            EvidenceItem.Kind.MEDICAL_RECORD,
            EvidenceItem.Kind.DAMAGE_PROOF,
            EvidenceItem.Kind.WITNESS_FORM,
        )
    },
}

# A step that must not run on what an earlier one refused: OCR never decodes an image the image
# step refused as unsafe (it is skipped). Other steps still run after a failure and fail on their
# own (transcription checks the recording's length itself), so one failure hides no other result.
PREREQUISITES: dict[str, str] = {"ocr": "image"}

# Steps that take long or much CPU run on their own queue so uploads never wait behind them.
HEAVY_STEPS: set[str] = {"transcribe", "speakers", "ocr", "screen"}
