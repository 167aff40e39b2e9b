"""Redactions of one item for one reader: suggested marks, the user's changes, and the copy made.

Suggestions come from what the case already knows: the numbers classified as a third party's or
the victim's own (cases.CaseNumber), the names of relatives and colleagues (witness statements,
statement links, hand-recorded contacts, people among the parties), resident ID numbers (with a
valid check character), and faces in images. Nothing is hidden until a copy is made, and the
original is never touched: the copy is a new file that names the original's SHA-256.
"""

import logging
import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from cases.models import CaseNumber, ManualEvent, Party
from complaints.models import Complaint
from evidence import queue
from evidence.custody import Actor, custody_record
from evidence.models import EvidenceItem, OcrResult, RedactedCopy, Redaction, Transcript
from evidence.processing.documents import DocumentUnreadable, pdf_text
from evidence.redaction import finders
from evidence.speakers import segment_rows
from evidence.storage.workfiles import local_original, save_derived
from harassguard.lib import phone

log = logging.getLogger(__name__)
# Whom a copy is for: the complaint channels, so that a letter finds the copies made for it.
READERS = Complaint.Channel
# Kinds of things hidden, as the copy lists them (never the values).
KIND_LABELS = {
    "third_party_number": _("third party's phone number"),
    "own_number": _("own phone number"),
    "name": _("relative's or colleague's name"),
    "id_number": _("ID card number"),
    "face": _("face or avatar"),
    "box": _("area marked by hand"),
    "span": _("words marked by hand"),
    "text": _("words marked by hand"),
}
HAND_KINDS = {"box", "span", "text"}


class RedactionError(Exception):
    """The request cannot be done (a kind of file that cannot be redacted, a bad mark)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Hidden:
    """What the case says must be hidden: number → kind, and names."""

    numbers: dict[str, str]
    names: list[str]


def hidden_values(case) -> Hidden:
    """Numbers classified as a third party's or the victim's own, and relatives' names (longest first)."""
    numbers = {
        n.number: "own_number" if n.role == CaseNumber.Role.BORROWER else "third_party_number"
        for n in case.numbers.filter(role__in=[CaseNumber.Role.THIRD_PARTY, CaseNumber.Role.BORROWER])
    }
    statements = case.items.filter(kind=EvidenceItem.Kind.STATEMENT).exclude(author_name=case.victim_name)
    for contact in statements.values_list("author_contact", flat=True):
        for number in phone.find_numbers(contact):
            numbers.setdefault(number, "third_party_number")
    names = set(statements.values_list("author_name", flat=True))
    names |= set(case.statement_links.values_list("name", flat=True))
    names |= set(case.manual_events.filter(kind=ManualEvent.Kind.THIRD_PARTY).values_list("contact_name", flat=True))
    names |= set(case.parties.filter(kind=Party.Kind.PERSON).values_list("name", flat=True))
    names = {n.strip() for n in names if len(n.strip()) >= 2 and n.strip() != case.victim_name}
    return Hidden(numbers, sorted(names, key=len, reverse=True))


def _mark(kind: str, source: str = "auto", **fields) -> dict:
    return {"id": secrets.token_hex(4), "kind": kind, "source": source, "on": True, **fields}


def _label(kind: str, value: str) -> str:
    """How a found value is shown while reviewing: masked, so a glance over a shoulder learns little."""
    if kind in ("third_party_number", "own_number"):
        return phone.mask(value)
    if kind == "id_number":
        return value[:6] + "********" + value[-4:]
    return value[:1] + "*" * (len(value) - 1)


def _found(text: str, hidden: Hidden) -> list[tuple[int, int, str, str]]:
    """(start, end, kind, value) of what must be hidden in `text`."""
    return [
        (s, e, hidden.numbers[v] if k == "number" else k, v)
        for s, e, k, v in finders.find_values(text, hidden.numbers, hidden.names)
    ]


def is_image(item: EvidenceItem) -> bool:
    return item.mime.startswith("image/")


def item_text(item: EvidenceItem) -> list[dict]:
    """The item's text as lines {"segment", "label", "text"}: transcript sentences, or the text of a
    statement or PDF document (segment None); raise RedactionError for a kind that has no text."""
    transcript = Transcript.objects.filter(item=item).first()
    if transcript is not None:
        return [
            {
                "segment": row["id"],
                "label": f"{int(row['start']) // 60:02d}:{int(row['start']) % 60:02d}",
                "text": row["text"],
            }
            for row in segment_rows(transcript)
        ]
    if item.mime.startswith("text/"):
        with local_original(item) as path, open(path, encoding="utf-8", errors="replace") as fh:
            return [{"segment": None, "label": "", "text": fh.read()}]
    if item.mime == "application/pdf":
        try:
            with local_original(item) as path:
                text = pdf_text(path)
        except DocumentUnreadable as exc:
            raise RedactionError(str(_("The PDF cannot be read, so no copy can be made."))) from exc
        if not text.has_text_layer:
            raise RedactionError(
                str(_("This PDF is a scan without text: upload its pages as images to hide parts of them."))
            )
        return [{"segment": None, "label": "", "text": text.text}]
    raise RedactionError(
        str(
            _(
                "A copy with parts hidden can be made of screenshots, statements, PDF documents and transcribed recordings."
            )
        )
    )


def suggest_marks(item: EvidenceItem) -> list[dict]:
    """The marks the site suggests for `item`: boxes over found text and faces in an image, values in text."""
    hidden = hidden_values(item.case)
    if not is_image(item):
        seen = {(k, v) for line in item_text(item) for _s, _e, k, v in _found(line["text"], hidden)}
        return [_mark(k, value=v, label=_label(k, v)) for k, v in sorted(seen)]
    marks = []
    ocr = OcrResult.objects.filter(item=item).first()
    for line in ocr.lines if ocr else []:
        for start, end, kind, value in _found(line["text"], hidden):
            box = finders.span_box(line["text"], line["box"], start, end)
            marks.append(_mark(kind, box=box, label=_label(kind, value)))
    with local_original(item) as path:
        marks += [_mark("face", box=face.box, label=str(_("face"))) for face in finders.detect_faces(path)]
    return marks


def _check_ready(item: EvidenceItem) -> None:
    """Refuse at once what cannot have suggestions yet (quick: no file is read)."""
    waits_for_text = is_image(item) or item.mime.startswith(("audio/", "video/"))
    if waits_for_text and item.status in (EvidenceItem.Status.RECEIVED, EvidenceItem.Status.PROCESSING):
        # The text read from a screenshot and the transcript are not there yet: suggestions would miss them.
        raise RedactionError(str(_("The item is still being processed. Try again when it is ready.")))


def _suggest(item: EvidenceItem) -> list[dict]:
    _check_ready(item)
    try:
        return suggest_marks(item)
    except finders.UnreadableImage as exc:
        raise RedactionError(str(_("The image cannot be read, so no copy can be made."))) from exc


def redaction_start(*, item: EvidenceItem, reader: str, actor: Actor) -> Redaction:
    """The item's redaction for `reader`; the first time it is made with status "suggesting" and a
    worker looks for what to hide (redaction_suggest_run)."""
    if reader not in READERS.values:
        raise RedactionError(str(_("Unknown reader.")))
    existing = Redaction.objects.filter(item=item, reader=reader).first()
    if existing is not None:
        return existing
    _check_ready(item)
    with transaction.atomic():
        redaction, created = Redaction.objects.get_or_create(
            item=item, reader=reader, defaults={"created_by": actor.user, "status": Redaction.Status.SUGGESTING}
        )
        if created:
            queue.enqueue_redaction_suggestions(redaction.pk)
    return redaction


def redaction_resuggest(*, redaction: Redaction) -> Redaction:
    """Suggest again from what the case knows now (numbers classified since, a corrected transcript),
    on a worker: the site's marks are replaced when it is done, those made by hand are kept."""
    if redaction.status == Redaction.Status.SUGGESTING:
        return redaction  # already on its way
    _check_ready(redaction.item)
    with transaction.atomic():
        Redaction.objects.filter(pk=redaction.pk).update(
            status=Redaction.Status.SUGGESTING, error="", started=None, updated=timezone.now()
        )
        queue.enqueue_redaction_suggestions(redaction.pk)
    redaction.refresh_from_db()
    return redaction


def _claim(model, pk, waiting_status: str, running_after: timedelta):
    """Take one waiting row for this worker (a row another live worker holds is left alone)."""
    now = timezone.now()
    taken = (
        model.objects.filter(pk=pk, status=waiting_status)
        .filter(Q(started__isnull=True) | Q(started__lt=now - running_after))
        .update(started=now)
    )
    return taken == 1


def redaction_suggest_run(redaction_id, running_after: timedelta = timedelta(minutes=30)) -> None:
    """Worker side: find what the redaction should hide and write all of the site's marks at once
    (hand marks kept), or record a failure in plain words and leave the marks as they were."""
    if not _claim(Redaction, redaction_id, Redaction.Status.SUGGESTING, running_after):
        return
    redaction = Redaction.objects.select_related("item", "item__case").get(pk=redaction_id)
    try:
        marks = _suggest(redaction.item)
        error = ""
    except RedactionError as exc:
        marks, error = [], exc.message
    except Exception:
        log.exception("suggestions for redaction %s failed", redaction_id)
        marks, error = [], gettext_noop("What to hide could not be found. Please press “Suggest again”.")
    with transaction.atomic():
        current = Redaction.objects.select_for_update().get(pk=redaction_id)
        if current.status != Redaction.Status.SUGGESTING:
            return
        if error:
            current.status, current.error = Redaction.Status.FAILED, error
        else:
            current.marks = marks + [m for m in current.marks if m.get("source") == "hand"]
            current.status, current.error = Redaction.Status.READY, ""
        current.save(update_fields=["marks", "status", "error", "updated"])


def _not_ready(redaction: Redaction) -> None:
    if redaction.status == Redaction.Status.SUGGESTING:
        raise RedactionError(str(_("The site is still looking for what to hide. Wait a few seconds.")))
    if redaction.status == Redaction.Status.FAILED:
        raise RedactionError(str(_("The suggestions could not be made: press “Suggest again” first.")))


def redactions_requeue_stuck(*, pending_after: timedelta, running_after: timedelta, now=None) -> int:
    """Queue again suggestions and copies never taken by a worker (a lost message) or taken by one
    that died; return how many."""
    now = now or timezone.now()
    count = 0
    stuck = Q(started__isnull=True, updated__lt=now - pending_after) | Q(started__lt=now - running_after)
    for pk in Redaction.objects.filter(stuck, status=Redaction.Status.SUGGESTING).values_list("pk", flat=True):
        queue.enqueue_redaction_suggestions(pk)
        count += 1
    stuck = Q(started__isnull=True, created__lt=now - pending_after) | Q(started__lt=now - running_after)
    for pk in RedactedCopy.objects.filter(stuck, status=RedactedCopy.Status.PENDING).values_list("pk", flat=True):
        queue.enqueue_redacted_copy(pk)
        count += 1
    return count


def _clean_box(box, item: EvidenceItem) -> list[int]:
    image = item.metadata.get("image") or {}
    width, height = image.get("width") or 100_000, image.get("height") or 100_000
    if not isinstance(box, list | tuple) or len(box) != 4 or not all(isinstance(v, int | float) for v in box):
        raise RedactionError(str(_("A box is four numbers: left, top, right, bottom.")))
    x0, y0, x1, y1 = (int(v) for v in box)
    x0, x1 = sorted((max(0, min(x0, width)), max(0, min(x1, width))))
    y0, y1 = sorted((max(0, min(y0, height)), max(0, min(y1, height))))
    if x1 - x0 < 2 or y1 - y0 < 2:
        raise RedactionError(str(_("The box is too small.")))
    return [x0, y0, x1, y1]


def _clean_span(span: dict, lines: list[dict]) -> dict:
    by_segment = {line["segment"]: line["text"] for line in lines}
    segment = span.get("segment")
    start, end = span.get("start"), span.get("end")
    if segment not in by_segment or not isinstance(start, int) or not isinstance(end, int):
        raise RedactionError(str(_("No such sentence.")))
    text = by_segment[segment]
    if not 0 <= start < end <= len(text):
        raise RedactionError(str(_("The words marked are not in that sentence.")))
    return _mark("span", "hand", segment=segment, start=start, end=end, label=text[start:end][:1] + "…")


def redaction_update(
    *,
    redaction: Redaction,
    on: dict[str, bool] | None = None,
    remove: list[str] | None = None,
    boxes: list | None = None,
    spans: list[dict] | None = None,
    texts: list[str] | None = None,
) -> Redaction:
    """Turn marks on or off, remove hand-made ones, and add boxes (images), spans or words (text)."""
    if not (on or remove or boxes or spans or texts):
        return redaction
    _not_ready(redaction)
    item = redaction.item
    marks = [m for m in redaction.marks if m["id"] not in set(remove or [])]
    for mark in marks:
        if mark["id"] in (on or {}):
            mark["on"] = bool(on[mark["id"]])  # type: ignore[index]
    if boxes and not is_image(item):
        raise RedactionError(str(_("Boxes can only be drawn on an image.")))
    marks += [_mark("box", "hand", box=_clean_box(b, item), label=str(_("area"))) for b in boxes or []]
    if spans or texts:
        if is_image(item):
            raise RedactionError(str(_("Draw a box over the words in an image.")))
        lines = item_text(item)
        marks += [_clean_span(s, lines) for s in spans or []]
        marks += [
            _mark("text", "hand", value=t.strip(), label=_label("text", t.strip()))
            for t in texts or []
            if len(t.strip()) >= 1
        ]
    redaction.marks = marks
    redaction.save(update_fields=["marks", "updated"])
    return redaction


NUMBER_KINDS = {"third_party_number", "own_number"}


def _text_spans(line: dict, marks: list[dict]) -> list[tuple[int, int]]:
    """Where the marks fall in one line of text: numbers however they are written, names, ID numbers
    and words wherever they appear, and the spans marked in this very line."""
    numbers = [m["value"] for m in marks if m["kind"] in NUMBER_KINDS and "value" in m]
    words = {m["value"] for m in marks if m["kind"] not in NUMBER_KINDS and "value" in m}
    found = finders.find_values(line["text"], numbers, words)
    spans = [(s, e) for s, e, kind, value in found if kind == "number" or value in words]
    spans += [(m["start"], m["end"]) for m in marks if m["kind"] == "span" and m.get("segment") == line["segment"]]
    return spans


def _copy_bytes(redaction: Redaction, marks: list[dict], hidden_kinds: dict) -> tuple[bytes, str, str]:
    item = redaction.item
    if is_image(item):
        with local_original(item) as path:
            data = _redact_image(
                path, [m["box"] for m in marks if "box" in m], footer=f"Redacted copy of SHA-256 {item.sha256}"
            )
        return data, "png", "image/png"
    lines = [{**line, "text": finders.redact_text(line["text"], _text_spans(line, marks))} for line in item_text(item)]
    from evidence.bundle.pdf import html_to_pdf

    html = render_to_string(
        "evidence/redacted_copy.html",
        {
            "item": item,
            "reader": READERS(redaction.reader).label,
            "lines": lines,
            "kinds": [str(KIND_LABELS[k]) for k in hidden_kinds],
        },
    )
    return html_to_pdf(html), "pdf", "application/pdf"


def _redact_image(path: str, boxes: list, footer: str) -> bytes:
    try:
        return finders.redact_image(path, boxes, footer=footer)
    except finders.UnreadableImage as exc:
        raise RedactionError(str(_("The image cannot be read, so no copy can be made."))) from exc


def redaction_make(*, redaction: Redaction, actor: Actor) -> RedactedCopy:
    """Ask for a new redacted copy from the marks that are on now; a worker makes it (redacted_copy_build)."""
    _not_ready(redaction)
    marks = [m for m in redaction.marks if m.get("on")]
    copy = RedactedCopy.objects.create(
        redaction=redaction,
        item=redaction.item,
        reader=redaction.reader,
        original_sha256=redaction.item.sha256,
        marks=marks,
        hidden=dict(Counter(m["kind"] for m in marks)),
        created_by=actor.user,
    )
    queue.enqueue_redacted_copy(copy.pk)
    return copy


def redacted_copy_build(copy_id, running_after: timedelta = timedelta(minutes=30)) -> None:
    """Make and store one redacted copy (worker side), and record it in the item's custody;
    a failure is recorded on the row. The original is only read."""
    copy = (
        RedactedCopy.objects.select_related("redaction", "item", "item__case", "created_by").filter(pk=copy_id).first()
    )
    if copy is None or not _claim(RedactedCopy, copy.pk, RedactedCopy.Status.PENDING, running_after):
        return
    item = copy.item
    try:
        data, ext, mime = _copy_bytes(copy.redaction, copy.marks, copy.hidden)
    except RedactionError as exc:
        RedactedCopy.objects.filter(pk=copy.pk).update(status=RedactedCopy.Status.FAILED, error=exc.message)
        return
    except Exception:
        log.exception("redacted copy %s failed", copy_id)
        RedactedCopy.objects.filter(pk=copy.pk).update(
            status=RedactedCopy.Status.FAILED, error=gettext_noop("The copy could not be made. Please try again.")
        )
        return
    derived = save_derived(item, f"redacted-{copy.reader}", data, ext, mime)
    with transaction.atomic():
        RedactedCopy.objects.filter(pk=copy.pk).update(
            status=RedactedCopy.Status.READY, stored_name=derived.stored_name, sha256=derived.sha256, mime=mime
        )
        custody_record(
            case=item.case,
            item=item,
            action="redacted_copy_made",
            actor=Actor(user=copy.created_by, user_agent="harassguard-worker"),
            reader=copy.reader,
            original_sha256=item.sha256,
            copy_sha256=derived.sha256,
            hidden=copy.hidden,
        )
