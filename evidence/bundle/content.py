"""What goes into a bundle: the exhibits in order, each with its facts and content."""

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ObjectDoesNotExist

from evidence.models import EvidenceItem, OcrResult, Timestamp, Transcript
from evidence.speakers import SPEAKER_ZH, ocr_line_rows, segment_rows
from evidence.storage.originals import evidence_storage

# 证明目的 when the user wrote none: what each kind of exhibit usually proves.
DEFAULT_PURPOSE: dict[str, str] = {
    EvidenceItem.Kind.CALL_RECORDING: "证明催收方于该时间致电，通话内容及催收方式",
    EvidenceItem.Kind.SCREENSHOT: "证明催收方发送的信息内容、发送时间及号码",
    EvidenceItem.Kind.STATEMENT: "证明催收方联系、骚扰受害人亲友的事实",
    EvidenceItem.Kind.DOCUMENT: "证明与借款及催收有关的事实",
    EvidenceItem.Kind.CALL_LOG: "证明催收来电的次数、时间及号码",
}
SOURCE: dict[str, str] = {
    EvidenceItem.Kind.CALL_RECORDING: "受害人手机通话录音",
    EvidenceItem.Kind.SCREENSHOT: "受害人手机截图",
    EvidenceItem.Kind.STATEMENT: "证人书面陈述",
    EvidenceItem.Kind.DOCUMENT: "受害人提供的文件",
    EvidenceItem.Kind.CALL_LOG: "受害人手机通话记录导出",
}
MAX_TEXT = 6000  # characters of a document's text layer shown in the PDF


@dataclass
class Exhibit:
    number: int
    item: EvidenceItem
    purpose: str
    source: str
    stamp: Timestamp | None
    transcript: Transcript | None = None
    ocr: OcrResult | None = None
    thumbnail: str = ""  # storage name of the preview image
    text: str = ""  # statement or document text
    call_rows: list[dict] = field(default_factory=list)
    verify_url: str = ""  # the public page that checks this exhibit's hash
    qr: str = ""  # a QR code of verify_url, as a data URI
    # The transcript's sentences with who said them ("说话人未确认" until the user confirmed it), and OCR lines likewise.
    sentences: list[dict] = field(default_factory=list)
    lines: list[dict] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.item.get_kind_display()}：{self.item.original_filename}"


def default_items(case) -> list[EvidenceItem]:
    """All ready items of the case, by when they happened (received time when unknown)."""
    items = list(case.items.filter(status=EvidenceItem.Status.READY, withdrawn_at=None))
    return sorted(items, key=lambda i: (i.occurred_at or i.received_at, i.received_at))


def _read_text(name: str) -> str:
    with evidence_storage().open(name, "rb") as fh:
        return fh.read().decode("utf-8", errors="replace")


def entries_with_results(bundle) -> list:
    """The bundle's entries in order, their items loaded with every processing result in two
    queries, rather than four more per exhibit."""
    return list(bundle.entries.select_related("item__uploaded_by", "item__timestamp", "item__transcript", "item__ocr")
                .prefetch_related("item__derived_files"))


def _result(item: EvidenceItem, name: str) -> Any:
    """The item's processing result `name` (a Timestamp, Transcript or OcrResult), or None."""
    try:
        return getattr(item, name)
    except ObjectDoesNotExist:
        return None


def exhibit_for(number: int, item: EvidenceItem) -> Exhibit:
    """Collect one exhibit's facts and content from the processing results."""
    exhibit = Exhibit(number, item, item.purpose or DEFAULT_PURPOSE.get(item.kind, ""), SOURCE.get(item.kind, ""),
                      _result(item, "timestamp"), _result(item, "transcript"), _result(item, "ocr"))
    derived = {d.kind: d for d in item.derived_files.all()}
    if "thumbnail" in derived:
        exhibit.thumbnail = derived["thumbnail"].stored_name
    if item.kind == EvidenceItem.Kind.STATEMENT or item.mime.startswith("text/") and item.kind != "call_log":
        exhibit.text = _read_text(item.stored_name)[:MAX_TEXT]
    elif "text" in derived:
        exhibit.text = _read_text(derived["text"].stored_name)[:MAX_TEXT]
    exhibit.call_rows = item.metadata.get("call_log", [])[:200]
    if exhibit.transcript is not None:
        exhibit.sentences = [{**row, "who": _who(row, item.counterparty_number)} for row in segment_rows(exhibit.transcript)]
    if exhibit.ocr is not None:
        exhibit.lines = [{**row, "who": _who(row)} for row in ocr_line_rows(exhibit.ocr, item)]
    return exhibit


def _who(row: dict, number: str = "") -> str:
    """The speaker as the bundle prints it (催收方（号码）／本人／其他人): only what the user confirmed is stated."""
    if row["speaker_source"] != "user":
        return "说话人未确认"
    return f"催收方（{number}）" if row["speaker"] == "collector" and number else SPEAKER_ZH[row["speaker"]]


def kind_counts(exhibits: list[Exhibit]) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for exhibit in exhibits:
        label = exhibit.item.get_kind_display()
        counts[label] = counts.get(label, 0) + 1
    return sorted(counts.items())


def date_range(exhibits: list[Exhibit]) -> tuple:
    times = [e.item.occurred_at for e in exhibits if e.item.occurred_at]
    return (min(times), max(times)) if times else (None, None)


def exhibit_numbers_for(findings, exhibits: list[Exhibit]) -> list[dict]:
    """Findings with their evidence ids turned into exhibit numbers of this bundle."""
    number = {str(e.item.pk): e.number for e in exhibits}
    rows = []
    for f in findings:
        numbers = sorted({number[eid] for eid in f.evidence if eid in number})
        rows.append({"finding": f, "exhibits": numbers,
                     "provision": "；".join(f"{p['document']}{p['article']}" for p in f.provisions)})
    return rows
