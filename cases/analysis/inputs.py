"""Building the analysis inputs from a case: every call and message as an Event,
every transcript segment, OCR line and statement line as a Sentence."""

from datetime import datetime, timedelta

from cases.analysis.engine import Event, Sentence
from cases.models import Case, ManualEvent
from evidence.callrows import effective_rows
from evidence.models import EvidenceItem, OcrResult, Transcript
from evidence.speakers import ocr_line_rows, quotable, segment_rows
from evidence.storage.originals import evidence_storage
from harassguard.lib import phone

# A row's direction as the timeline names it. A row without a direction is kept as "unknown" (shown as 方向不详,
# never counted): it may be the victim's own outgoing call; the victim's own calls (呼出) are shown, never counted.
BORROWER_DIRECTIONS = {
    "incoming": "incoming",
    "missed": "missed",
    "rejected": "rejected",
    "": "unknown",
    "outgoing": "outgoing",
    "forwarded": "incoming",
}


def _source(item: EvidenceItem, source: str, **where) -> list[dict]:
    return [{"evidence": str(item.pk), "source": source, **where}]


def recording_inputs(item: EvidenceItem, transcript: Transcript | None):
    audio = item.metadata.get("audio") or {}
    named = item.metadata.get("filename") or {}
    duration = round(audio["duration_s"]) if audio.get("duration_s") is not None else None
    from_name = "occurred_at" in (item.metadata.get("from_filename") or [])
    if audio.get("codec") == "silk_v3":  # a WeChat voice message is a message, not a call
        events = [
            Event(
                "message",
                item.occurred_at,
                item.counterparty_number,
                sources=_source(item, "wechat_voice", second=0, at=_iso(item.occurred_at)),
                duration=duration,
            )
        ]
    else:
        direction = named.get("direction") or "incoming"  # only BCR's names say; a recording is taken as a call in
        source = _source(
            item,
            "recording",
            second=0,
            at=_iso(item.occurred_at),
            duration=duration,
            direction=direction,
            from_filename=from_name,
        )
        events = [
            Event(
                "call",
                item.occurred_at,
                item.counterparty_number,
                sources=source,
                direction=direction,
                connected=True,
                duration=duration,
            )
        ]
    sentences = []
    for seg in segment_rows(transcript) if transcript else []:
        at = item.occurred_at + timedelta(seconds=seg["start"]) if item.occurred_at else None
        sentences.append(
            Sentence(
                str(item.pk),
                seg["text"],
                {"start": seg["start"], "end": seg["end"], "segment": seg["id"]},
                at,
                "recording",
                seg["speaker"],
                seg["speaker_source"],
                quotable(seg),
            )
        )
    return events, sentences


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def call_row_inputs(item: EvidenceItem):
    """One call event per row of a call log, a carrier's record or a call-history picture."""
    kind = item.metadata.get("call_log_source") or "call_log"
    events = []
    for row in effective_rows(item):
        if row.get("ignored"):
            continue
        at = datetime.fromisoformat(row["at"]) if row.get("at") else None
        where = {
            "row": row["row"],
            "at": row.get("at"),
            "direction": row.get("direction", ""),
            "duration": row.get("duration_s"),
            "derived_date": bool(row.get("derived_date")),
        }
        if row.get("box"):
            where["box"] = row["box"]
        if row.get("count", 1) > 1:
            where["count"] = row["count"]  # the dialer grouped this many calls into the row
        events.append(
            Event(
                "call",
                at,
                row.get("number", ""),
                contact=row.get("contact", ""),
                sources=_source(item, kind, **where),
                direction=BORROWER_DIRECTIONS.get(row.get("direction", ""), "unknown"),
                connected=bool(row.get("connected")),
                duration=row.get("duration_s"),
                derived_date=bool(row.get("derived_date")),
            )
        )
    return events, []


def screenshot_inputs(item: EvidenceItem, ocr: OcrResult | None, relative: str = ""):
    """Messages in a screenshot; one a relative attached to their statement shows messages to `relative`;
    a picture of the dialer's call history gives its rows as calls instead."""
    if ocr is None:
        return [], []
    if item.metadata.get("call_log") and not relative:
        events, _ = call_row_inputs(item)
    else:
        number = ocr.phone_numbers[0] if len(ocr.phone_numbers) == 1 else item.counterparty_number
        unconfirmed = ocr.times_confirmed_at is None
        target = "third_party" if relative else "borrower"
        kind = "third_party_contact" if relative else "message"
        events = [
            Event(
                kind,
                datetime.fromisoformat(t["at"]),
                number,
                target,
                relative,
                sources=_source(item, "screenshot", text=t["text"]),
                estimated=unconfirmed and t.get("estimated", True),
            )
            for t in ocr.message_times
        ]
    sentences = [
        Sentence(
            str(item.pk),
            line["text"],
            {"line": line["id"], **({"corrected": True} if line["text_source"] == "user" else {})},
            item.occurred_at,
            "screenshot",
            line["speaker"],
            line["speaker_source"],
            line["speaker"] == "collector" and line["speaker_source"] == "user",
        )
        for line in ocr_line_rows(ocr, item)
    ]
    return events, sentences


def screen_recording_inputs(item: EvidenceItem, ocr: OcrResult | None, transcript: Transcript | None):
    """A screen recording: each message time on screen is a message, found at its line and second;
    its lines and its sound's transcript are texts to search."""
    events, sentences = [], []
    if ocr is not None:
        number = ocr.phone_numbers[0] if len(ocr.phone_numbers) == 1 else item.counterparty_number
        events = [
            Event(
                "message",
                datetime.fromisoformat(t["at"]),
                number,
                sources=_source(item, "screen_recording", line=t.get("line"), second=t.get("second"), text=t["text"]),
            )
            for t in ocr.message_times
        ]
        sentences = [
            Sentence(
                str(item.pk),
                line["text"],
                {"line": line["id"], "second": line["t"]},
                item.occurred_at,
                "screen_recording",
            )
            for line in ocr_line_rows(ocr, item)
        ]
    for seg in transcript.segments if transcript else []:
        at = item.occurred_at + timedelta(seconds=seg["start"]) if item.occurred_at else None
        sentences.append(
            Sentence(str(item.pk), seg["text"], {"start": seg["start"], "end": seg["end"]}, at, "screen_recording")
        )
    return events, sentences


def statement_inputs(item: EvidenceItem):
    contact = f"{item.author_relation} {item.author_name}".strip()
    events = [
        Event(
            "third_party_contact",
            item.occurred_at,
            item.counterparty_number,
            "third_party",
            contact,
            _source(item, "statement"),
        )
    ]
    with evidence_storage().open(item.stored_name, "rb") as fh:
        lines = fh.read().decode("utf-8", errors="replace").splitlines()
    sentences = [
        Sentence(str(item.pk), line, {"line": i}, item.occurred_at, "statement", "third_party")
        for i, line in enumerate(lines)
        if line.strip() and i >= 4
    ]  # after the author header
    return events, sentences


def spoken_statement_inputs(item: EvidenceItem, transcript: Transcript | None):
    """A statement said into the page (kind spoken_statement), read from its transcript as a typed one
    is from its lines: a relative's (through a statement link) is their account of being contacted, a
    third_party_contact; the victim's own is her account. Nothing until it is transcribed. The number
    is the one the statement gives, else the first number said in it other than the witness's own."""
    rows = [seg for seg in segment_rows(transcript) if seg["text"].strip()] if transcript else []
    if not rows:
        return [], []
    relative = spoken_by_relative(item)
    sentences = [
        Sentence(
            str(item.pk),
            seg["text"],
            {"start": seg["start"], "end": seg["end"], "segment": seg["id"]},
            item.occurred_at,
            "spoken_statement",
            "third_party" if relative else "victim",
            "user",  # who speaks is known: the statement's author
            seg["text_checked"],  # the user checked the words: no longer only a machine's transcription
        )
        for seg in rows
    ]
    if not relative:
        return [], sentences
    own = {phone.normalise(n) for n in phone.find_numbers(item.author_contact)}
    named = [n for seg in rows for n in phone.find_numbers(seg["text"]) if phone.normalise(n) not in own]
    contact = f"{item.author_relation} {item.author_name}".strip()
    number = item.counterparty_number or (named[0] if named else "")
    event = Event(
        "third_party_contact", item.occurred_at, number, "third_party", contact, _source(item, "spoken_statement")
    )
    return [event], sentences


def spoken_by_relative(item: EvidenceItem) -> bool:
    """A spoken statement recorded through a relative's statement link (evidence/intake/resumable.py)."""
    return bool(item.metadata.get("statement_link")) or (item.author_relation or "本人") != "本人"


def manual_inputs(event: ManualEvent):
    third = event.kind == ManualEvent.Kind.THIRD_PARTY
    contact = f"{event.contact_relation} {event.contact_name}".strip()
    source = [{"evidence": "", "source": "manual", "manual_event": str(event.pk)}]
    kind = event.kind if event.kind != ManualEvent.Kind.OTHER else "other"
    events = [
        Event(
            kind,
            event.occurred_at,
            event.number,
            "third_party" if third else "borrower",
            contact,
            source,
            connected=kind == "call" and event.connected,
        )
    ]
    sentences = (
        [Sentence("", event.description, {"manual_event": str(event.pk)}, event.occurred_at, "manual", "victim")]
        if event.description
        else []
    )
    return events, sentences


def _statement_authors(items) -> dict[str, str]:
    """Statement id → "relation name" of its author, for the files a relative attached to it."""
    return {
        str(i.pk): f"{i.author_relation} {i.author_name}".strip()
        for i in items
        if i.kind == EvidenceItem.Kind.STATEMENT
        or (i.kind == EvidenceItem.Kind.SPOKEN_STATEMENT and spoken_by_relative(i))
    }


def case_inputs(case: Case) -> tuple[list[Event], list[Sentence]]:
    """Return every event and sentence the case's evidence and manual records hold."""
    items = case.items.filter(withdrawn_at=None)
    transcripts = {t.item_id: t for t in Transcript.objects.filter(item__case=case)}
    ocrs = {o.item_id: o for o in OcrResult.objects.filter(item__case=case)}
    events: list[Event] = []
    sentences: list[Sentence] = []
    relatives = _statement_authors(items)
    for item in items:
        kind = item.kind
        if kind == EvidenceItem.Kind.CALL_RECORDING:
            found = recording_inputs(item, transcripts.get(item.pk))
        elif kind == EvidenceItem.Kind.CALL_LOG:
            found = call_row_inputs(item)
        elif kind == EvidenceItem.Kind.SCREEN_RECORDING:
            found = screen_recording_inputs(item, ocrs.get(item.pk), transcripts.get(item.pk))
        elif kind == EvidenceItem.Kind.SCREENSHOT:
            found = screenshot_inputs(item, ocrs.get(item.pk), relatives.get(item.metadata.get("statement", ""), ""))
        elif kind == EvidenceItem.Kind.STATEMENT:
            found = statement_inputs(item)
        elif kind == EvidenceItem.Kind.SPOKEN_STATEMENT:
            found = spoken_statement_inputs(item, transcripts.get(item.pk))
        else:
            continue
        events += found[0]
        sentences += found[1]
    for manual in case.manual_events.all():
        found = manual_inputs(manual)
        events += found[0]
        sentences += found[1]
    for event in events:
        # One form for one number, whichever source wrote it (+86 138-…, 138 1234 5678).
        event.number = phone.normalise(event.number or "")
    return events, sentences
