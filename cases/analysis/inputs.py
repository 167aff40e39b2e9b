"""Building the analysis inputs from a case: every call and message as an Event,
every transcript segment, OCR line and statement line as a Sentence."""

from datetime import datetime, timedelta

from cases.analysis.engine import Event, Sentence
from cases.models import Case, ManualEvent
from evidence.models import EvidenceItem, OcrResult, Transcript
from evidence.speakers import ocr_line_rows, quotable, segment_rows
from evidence.storage.originals import evidence_storage
from harassguard.lib import phone

# Calls made to the victim. A row without a direction is kept as "unknown" (shown as 方向不详, never
# counted): it may be the victim's own outgoing call.
BORROWER_DIRECTIONS = {"incoming": "incoming", "missed": "missed", "rejected": "rejected", "": "unknown"}


def _source(item: EvidenceItem, source: str, **where) -> list[dict]:
    return [{"evidence": str(item.pk), "source": source, **where}]


def recording_inputs(item: EvidenceItem, transcript: Transcript | None):
    events = [Event("call", item.occurred_at, item.counterparty_number, sources=_source(item, "recording"),
                    connected=True)]
    sentences = []
    for seg in segment_rows(transcript) if transcript else []:
        at = item.occurred_at + timedelta(seconds=seg["start"]) if item.occurred_at else None
        sentences.append(Sentence(str(item.pk), seg["text"], {"start": seg["start"], "end": seg["end"], "segment": seg["id"]},
                                  at, "recording", seg["speaker"], seg["speaker_source"], quotable(seg)))
    return events, sentences


def call_log_inputs(item: EvidenceItem):
    events = [
        Event("call", datetime.fromisoformat(row["at"]) if row["at"] else None, row["number"],
              sources=_source(item, "call_log", row=row["row"]), direction=BORROWER_DIRECTIONS[row["direction"]],
              connected=row["direction"] == "incoming" and (row.get("duration_s") or 0) > 0)
        for row in item.metadata.get("call_log", []) if row["direction"] in BORROWER_DIRECTIONS
    ]
    return events, []


def screenshot_inputs(item: EvidenceItem, ocr: OcrResult | None, relative: str = ""):
    """Messages in a screenshot; one a relative attached to their statement shows messages to `relative`."""
    if ocr is None:
        return [], []
    number = ocr.phone_numbers[0] if len(ocr.phone_numbers) == 1 else item.counterparty_number
    unconfirmed = ocr.times_confirmed_at is None
    target = "third_party" if relative else "borrower"
    kind = "third_party_contact" if relative else "message"
    events = [Event(kind, datetime.fromisoformat(t["at"]), number, target, relative,
                    sources=_source(item, "screenshot", text=t["text"]),
                    estimated=unconfirmed and t.get("estimated", True))
              for t in ocr.message_times]
    sentences = [Sentence(str(item.pk), line["text"], {"line": line["id"]}, item.occurred_at, "screenshot",
                          line["speaker"], line["speaker_source"],
                          line["speaker"] == "collector" and line["speaker_source"] == "user")
                 for line in ocr_line_rows(ocr, item)]
    return events, sentences


def statement_inputs(item: EvidenceItem):
    contact = f"{item.author_relation} {item.author_name}".strip()
    events = [Event("third_party_contact", item.occurred_at, item.counterparty_number, "third_party", contact,
                    _source(item, "statement"))]
    with evidence_storage().open(item.stored_name, "rb") as fh:
        lines = fh.read().decode("utf-8", errors="replace").splitlines()
    sentences = [Sentence(str(item.pk), line, {"line": i}, item.occurred_at, "statement", "third_party")
                 for i, line in enumerate(lines) if line.strip() and i >= 4]  # after the author header
    return events, sentences


def manual_inputs(event: ManualEvent):
    third = event.kind == ManualEvent.Kind.THIRD_PARTY
    contact = f"{event.contact_relation} {event.contact_name}".strip()
    source = [{"evidence": "", "source": "manual", "manual_event": str(event.pk)}]
    kind = event.kind if event.kind != ManualEvent.Kind.OTHER else "other"
    events = [Event(kind, event.occurred_at, event.number, "third_party" if third else "borrower", contact, source,
                    connected=kind == "call" and event.connected)]
    sentences = [Sentence("", event.description, {"manual_event": str(event.pk)}, event.occurred_at, "manual", "victim")] \
        if event.description else []
    return events, sentences


def _statement_authors(items) -> dict[str, str]:
    """Statement id → "relation name" of its author, for the files a relative attached to it."""
    return {str(i.pk): f"{i.author_relation} {i.author_name}".strip()
            for i in items if i.kind == EvidenceItem.Kind.STATEMENT}


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
            found = call_log_inputs(item)
        elif kind == EvidenceItem.Kind.SCREENSHOT:
            found = screenshot_inputs(item, ocrs.get(item.pk), relatives.get(item.metadata.get("statement", ""), ""))
        elif kind == EvidenceItem.Kind.STATEMENT:
            found = statement_inputs(item)
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
