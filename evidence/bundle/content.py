"""What goes into a bundle: the exhibits in order, each with its facts and content.

The 证据目录 follows 证据规定（2019）第十九条: each exhibit is numbered within the group of what it
proves (证据1-1…), described rather than named by its file, with its kind of evidence, whether it
is an original or a copy, what it proves and a short summary.
"""

import base64
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ObjectDoesNotExist

from cases.analysis.rules import provision_line
from evidence.bundle import tiles
from evidence.callrows import effective_rows
from evidence.device_facts import facts_rows_zh
from evidence.models import EvidenceItem, OcrResult, Timestamp, Transcript
from evidence.speakers import SPEAKER_ZH, ocr_line_rows, segment_rows
from evidence.storage.originals import evidence_storage
from evidence.storage.workfiles import local_original

K = EvidenceItem.Kind
# What the exhibits prove, in the order a court reads them (证明对象).
GROUPS: dict[int, str] = {
    1: "借款关系",
    2: "催收骚扰（本人）",
    3: "联系第三人（爆通讯录）",
    4: "损害后果",
    5: "身份及主体",
}
GROUP_OF_KIND: dict[str, int] = {
    K.LOAN_CONTRACT: 1,
    K.CALL_RECORDING: 2,
    K.SCREENSHOT: 2,
    K.CALL_LOG: 2,
    K.DOCUMENT: 2,
    K.STATEMENT: 3,
    K.SPOKEN_STATEMENT: 3,
    K.WITNESS_FORM: 3,
    K.MEDICAL_RECORD: 4,
    K.DAMAGE_PROOF: 4,
    K.ID_DOCUMENT: 5,
}
# 证明目的 when neither the user nor the findings say more: what each kind of exhibit usually proves.
DEFAULT_PURPOSE: dict[str, str] = {
    K.CALL_RECORDING: "证明催收方于该时间致电及通话内容",
    K.SCREENSHOT: "证明催收方发送的信息内容、发送时间及号码",
    K.STATEMENT: "证明催收方联系提交人亲友、同事的事实",
    K.SPOKEN_STATEMENT: "证明陈述人所述催收方联系、骚扰的事实",
    K.DOCUMENT: "证明与借款及催收有关的事实",
    K.CALL_LOG: "证明来电的次数、时间及号码",
    K.LOAN_CONTRACT: "证明借款关系、实际放款机构及借款金额",
    K.ID_DOCUMENT: "证明当事人的身份及主体信息",
    K.MEDICAL_RECORD: "证明催收行为对提交人健康造成的损害及医疗费用",
    K.DAMAGE_PROOF: "证明提交人因催收行为遭受的损失",
    K.WITNESS_FORM: "证明证人所述催收方联系证人的事实",
    K.SCREEN_RECORDING: "证明催收方发送的信息内容及发送时间（录屏可保留对方撤回前的内容）",
}
SOURCE: dict[str, str] = {
    K.CALL_RECORDING: "提交人手机通话录音",
    K.SCREENSHOT: "提交人手机截图",
    K.STATEMENT: "书面陈述",
    K.SPOKEN_STATEMENT: "陈述人在本系统页面中录制的口述录音",
    K.DOCUMENT: "提交人提供的文件",
    K.CALL_LOG: "提交人手机通话记录导出",
    K.LOAN_CONTRACT: "提交人提供的借款合同或订单",
    K.ID_DOCUMENT: "提交人提供的身份证明",
    K.MEDICAL_RECORD: "医疗机构出具的病历或诊断证明",
    K.DAMAGE_PROOF: "提交人提供的损失凭证",
    K.WITNESS_FORM: "证人签名的证人证言",
    K.SCREEN_RECORDING: "提交人手机录屏",
}
KIND_ZH: dict[str, str] = {
    K.CALL_RECORDING: "通话录音",
    K.SCREENSHOT: "截图",
    K.STATEMENT: "书面陈述",
    K.SPOKEN_STATEMENT: "口述陈述录音",
    K.DOCUMENT: "文件",
    K.CALL_LOG: "通话记录",
    K.LOAN_CONTRACT: "借款合同或订单",
    K.ID_DOCUMENT: "身份证明",
    K.MEDICAL_RECORD: "病历或诊断证明",
    K.DAMAGE_PROOF: "损失凭证",
    K.WITNESS_FORM: "证人证言（签名扫描件）",
    K.SCREEN_RECORDING: "录屏",
}
# A statement typed or spoken: the victim's own account (当事人陈述) or a witness's (证人证言).
STATEMENT_KINDS: set[str] = {K.STATEMENT, K.SPOKEN_STATEMENT}
PAPER: set[str] = {K.LOAN_CONTRACT, K.ID_DOCUMENT, K.MEDICAL_RECORD, K.DAMAGE_PROOF}
ELECTRONIC_COPY = "电子数据副本；原始载体由提交人保存，可当庭核对"
ROLE_ZH = {"plaintiff": "原告", "reporter": "报案人", "complainant": "投诉人"}
# What a call list is, by what it was read from.
CALL_RECORD_SOURCE = {
    "carrier": "运营商通话详单（第三方数据，由用户从运营商处获取）",
    "call_screenshot": "提交人手机通话记录截图（机器识别，以图片为准）",
}
MAX_TEXT = 6000  # characters of a document's text layer shown in the PDF
SUMMARY_CHARS = 60


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
    # A recording: the rows of other exhibits that record the same call ([{"exhibit": 3, "row": 17, "source": ...}]);
    # None when the exhibit is not a recording.
    corroboration: list[dict] | None = None
    verify_url: str = ""  # the public page that checks this exhibit's hash
    qr: str = ""  # a QR code of verify_url, as a data URI
    label: str = ""  # "1-2": group, then place in the group
    description: str = ""  # the 证据名称 of the index
    evidence_type: str = ""  # 证据种类
    original_or_copy: str = ""
    summary: str = ""  # 内容摘要
    tiles: list[str] = field(default_factory=list)  # a screenshot in legible pieces, as data URIs
    # The transcript's sentences with who said them ("说话人未确认" until the user confirmed it), and OCR lines likewise.
    sentences: list[dict] = field(default_factory=list)
    lines: list[dict] = field(default_factory=list)
    # What the sender's phone reported about the file (its times and time zone): labelled device-reported.
    device_rows: list[tuple[str, str]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.description or f"{KIND_ZH.get(self.item.kind, self.item.kind)}：{self.item.original_filename}"

    @property
    def group(self) -> int:
        return int(self.label.split("-")[0]) if self.label else 0


def from_link(item: EvidenceItem) -> bool:
    """A statement written through a relative's one-time link, or a file attached to one."""
    return bool(item.metadata.get("statement_link") or item.metadata.get("statement"))


def own_account(item: EvidenceItem, victim_name: str) -> bool:
    """A statement the victim typed about their own experience (当事人陈述, not 证人证言)."""
    if item.kind not in STATEMENT_KINDS or from_link(item):
        return False
    return (
        item.author_relation.strip() in ("本人", "自己", "self", "") or item.author_name.strip() == victim_name.strip()
    )


def group_of(item: EvidenceItem, victim_name: str) -> int:
    if item.kind in STATEMENT_KINDS:
        return 2 if own_account(item, victim_name) else 3
    if item.metadata.get("statement"):
        return 3  # a relative's own screenshots and recordings
    return GROUP_OF_KIND.get(item.kind, 2)


def in_groups(items: list[EvidenceItem], victim_name: str) -> list[tuple[EvidenceItem, str]]:
    """The items ordered by what they prove (keeping the given order within a group), each with its label."""
    ordered = sorted(enumerate(items), key=lambda pair: (group_of(pair[1], victim_name), pair[0]))
    seen: dict[int, int] = {}
    labelled = []
    for _index, item in ordered:
        group = group_of(item, victim_name)
        seen[group] = seen.get(group, 0) + 1
        labelled.append((item, f"{group}-{seen[group]}"))
    return labelled


def evidence_type(item: EvidenceItem, victim_name: str) -> str:
    """证据种类 under 民事诉讼法: 电子数据, 书证, 证人证言 or 当事人陈述."""
    if item.kind in STATEMENT_KINDS:
        return "当事人陈述" if own_account(item, victim_name) else "证人证言"
    if item.kind == K.WITNESS_FORM:
        return "证人证言"
    if item.kind in PAPER:
        return "书证"
    details: dict[str, str] = {K.CALL_RECORDING: "录音", K.SCREENSHOT: "短信／即时通讯", K.CALL_LOG: "通话记录"}
    detail = details.get(item.kind, "文件")
    return f"电子数据（{detail}）"


def original_or_copy(item: EvidenceItem, victim_name: str) -> str:
    if item.kind == K.SPOKEN_STATEMENT:
        return (
            "在页面中录制的录音原件（电子数据）；经一次性链接在线提交，陈述人身份未经核验"
            if from_link(item)
            else "在页面中录制的录音原件（电子数据）"
        )
    if item.kind == K.STATEMENT and from_link(item):
        return "在线提交的电子数据副本；经一次性链接在线提交，提交人身份未经核验"
    if item.kind == K.STATEMENT:
        return (
            "电子数据副本（由提交人在本系统录入）"
            if own_account(item, victim_name)
            else "电子数据副本（由提交人代为录入，陈述人身份未经核验）"
        )
    if item.kind == K.WITNESS_FORM:
        return "签名原件的扫描件；原件由提交人保存，可当庭核对"
    if item.kind in PAPER:
        return "复印件（扫描件）；原件由提交人保存，可当庭核对"
    return ELECTRONIC_COPY


def local_time(moment: datetime | None, tz: ZoneInfo) -> str:
    """2023年5月12日14:30 in the rule set's zone; "" for no time."""
    if moment is None:
        return ""
    local = moment.astimezone(tz)
    return f"{local.year}年{local.month}月{local.day}日{local:%H:%M}"


def describe(item: EvidenceItem, tz: ZoneInfo, role: str = "提交人") -> str:
    """The 证据名称: what the exhibit is, not its file name (that is in the exhibit's own table)."""
    when = local_time(item.occurred_at, tz)
    number = f"号码{_masked(item.counterparty_number)}" if item.counterparty_number else "号码不详的来电方"
    what = item.description.strip() or item.original_filename
    if item.kind == K.CALL_RECORDING:
        return f"{when} {number}致{role}的通话录音及整理稿".strip()
    if item.kind == K.SCREENSHOT:
        sender = f"{number}发送的" if item.counterparty_number else ""
        return f"{when} {sender}短信或即时通讯消息截图".strip()
    if item.kind == K.CALL_LOG:
        return f"{role}手机通话记录（共{len(item.metadata.get('call_log', []))}条）"
    if item.kind == K.SPOKEN_STATEMENT:
        who = f"{item.author_relation}{item.author_name}".strip() or "陈述人"
        if own_account(item, ""):
            who = f"{role}本人"
        return f"{who}的口述陈述录音及整理稿 {when}".strip()
    if item.kind == K.STATEMENT:
        who = f"{item.author_relation}{item.author_name}".strip() or "陈述人"
        if from_link(item):
            return f"{who}的书面陈述（经一次性链接在线提交）{when}".strip()
        return (
            f"{role}本人的陈述 {when}".strip()
            if evidence_type(item, "") == "当事人陈述"
            else f"{who}的书面陈述 {when}".strip()
        )
    return f"{KIND_ZH.get(item.kind, '文件')}：{what}"


def _masked(number: str) -> str:
    """138****5678: the index names a number without spelling it out (the exhibit's table gives it)."""
    digits = "".join(ch for ch in number if ch.isdigit())
    return f"{digits[-11:-8]}****{digits[-4:]}" if len(digits) >= 11 else number


def summary(item: EvidenceItem, transcript: Transcript | None, ocr: OcrResult | None, text: str) -> str:
    """内容摘要: a line on what the exhibit holds."""
    if item.kind == K.CALL_RECORDING:
        seconds = int(float((item.metadata.get("audio") or {}).get("duration_s") or 0))
        said = len(transcript.segments) if transcript else 0
        spoken = f"机器转写{said}句（未经核对）" if said else "未识别到说话内容"
        return f"通话时长{seconds // 60}分{seconds % 60}秒；{spoken}"
    if item.kind == K.SPOKEN_STATEMENT:
        seconds = int(float((item.metadata.get("audio") or {}).get("duration_s") or 0))
        said = len(transcript.segments) if transcript else 0
        spoken = f"机器转写{said}句（未经核对）" if said else "未识别到说话内容"
        return f"录音时长{seconds // 60}分{seconds % 60}秒；{spoken}"
    if ocr is not None and ocr.lines:
        return _cut("／".join(line["text"] for line in ocr_line_rows(ocr, item)[:4]))
    if item.kind == K.CALL_LOG:
        return f"通话记录{len(item.metadata.get('call_log', []))}条"
    if text:
        return _cut(" ".join(text.split()))
    pages = (item.metadata.get("document") or {}).get("pages")
    return f"共{pages}页" if pages else KIND_ZH.get(item.kind, "")


def _cut(text: str) -> str:
    return text if len(text) <= SUMMARY_CHARS else text[:SUMMARY_CHARS] + "……"


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
    return list(
        bundle.entries.select_related(
            "item__uploaded_by", "item__timestamp", "item__transcript", "item__ocr"
        ).prefetch_related("item__derived_files")
    )


def _result(item: EvidenceItem, name: str) -> Any:
    """The item's processing result `name` (a Timestamp, Transcript or OcrResult), or None."""
    try:
        return getattr(item, name)
    except ObjectDoesNotExist:
        return None


def statement_body(text: str) -> str:
    """A typed statement's own words, without the author header the site writes above them."""
    head, sep, body = text.partition("\n\n")
    return body if sep and head.startswith("陈述人") else text


def exhibit_for(
    number: int,
    item: EvidenceItem,
    label: str = "",
    tz: ZoneInfo | None = None,
    role: str = "提交人",
    victim_name: str = "",
) -> Exhibit:
    """Collect one exhibit's facts and content from the processing results."""
    tz = tz or ZoneInfo("Asia/Shanghai")
    exhibit = Exhibit(
        number,
        item,
        item.purpose or DEFAULT_PURPOSE.get(item.kind, ""),
        SOURCE.get(item.kind, ""),
        _result(item, "timestamp"),
        _result(item, "transcript"),
        _result(item, "ocr"),
        label=label or str(number),
    )
    derived = {d.kind: d for d in item.derived_files.all()}
    if "thumbnail" in derived:
        exhibit.thumbnail = derived["thumbnail"].stored_name
    if item.kind == K.STATEMENT or item.mime.startswith("text/") and item.kind != "call_log":
        exhibit.text = _read_text(item.stored_name)[:MAX_TEXT]
    elif "text" in derived:
        exhibit.text = _read_text(derived["text"].stored_name)[:MAX_TEXT]
    exhibit.call_rows = effective_rows(item)[:200]
    if item.metadata.get("call_log_source") in CALL_RECORD_SOURCE:
        exhibit.source = CALL_RECORD_SOURCE[item.metadata["call_log_source"]]
    exhibit.device_rows = facts_rows_zh(item.device_facts or {})
    exhibit.description = describe(item, tz, role)
    exhibit.evidence_type = evidence_type(item, victim_name)
    exhibit.original_or_copy = original_or_copy(item, victim_name)
    body = statement_body(exhibit.text) if item.kind == K.STATEMENT else exhibit.text
    exhibit.summary = summary(item, exhibit.transcript, exhibit.ocr, body)
    if item.mime.startswith("image/"):
        exhibit.tiles = print_tiles(item)
    if exhibit.transcript is not None:
        exhibit.sentences = [
            {**row, "who": _who(row, item.counterparty_number)} for row in segment_rows(exhibit.transcript)
        ]
    if exhibit.ocr is not None:
        exhibit.lines = [{**row, "who": _who(row)} for row in ocr_line_rows(exhibit.ocr, item)]
    return exhibit


def print_tiles(item: EvidenceItem) -> list[str]:
    """The image at a legible size, a long one cut into page-sized pieces (data URIs); [] when unreadable."""
    try:
        with local_original(item) as path:
            pieces = tiles.page_tiles(path)
    except tiles.ImageRefused:
        return []
    return ["data:image/jpeg;base64," + base64.b64encode(piece).decode() for piece in pieces]


QUOTE_CHARS = 30
QUOTES_PER_EXHIBIT = 2


def quote_place(example: dict) -> str:
    """Where a confirmed sentence is in its exhibit: "录音02:15" or "截图第3行"."""
    where = example.get("where") or {}
    if example.get("source") == "recording" or "start" in where and "line" not in where:
        seconds = int(where["start"])
        return f"录音{seconds // 60:02d}:{seconds % 60:02d}"
    return f"截图第{int(where.get('line', 0)) + 1}行"


def checked_note(example: dict) -> str:
    """How the user checked a quoted sentence: "经本人核对", and for words they corrected, that too."""
    return "经本人核对，文字经本人更正" if (example.get("where") or {}).get("corrected") else "经本人核对"


def purposes_from_findings(findings, exhibits: list[Exhibit]) -> None:
    """Give each exhibit the user did not describe a 证明目的 of its own: the possible violations it shows and,
    short, the collector's words in it the user confirmed ("催收方称“…”（录音02:15，经本人核对）")."""
    titles: dict[str, list[str]] = {}
    said: dict[str, list[str]] = {}
    for f in findings:
        if getattr(f, "kind", "violation") != "violation":
            continue  # clues and days at the daily limit are no violation an exhibit proves
        for eid in f.evidence:
            titles.setdefault(eid, []).append(f.title)
        for ex in f.examples:
            if ex.get("confirmed") and ex.get("speaker") == "collector" and ex.get("text"):
                text = ex["text"].strip()
                text = text if len(text) <= QUOTE_CHARS else text[:QUOTE_CHARS] + "……"
                for eid in ex.get("evidence") or []:
                    said.setdefault(eid, []).append(f"催收方称“{text}”（{quote_place(ex)}，{checked_note(ex)}）")
    for exhibit in exhibits:
        key = str(exhibit.item.pk)
        found = titles.get(key)
        if found and not exhibit.item.purpose:
            quotes = list(dict.fromkeys(said.get(key, [])))[:QUOTES_PER_EXHIBIT]
            exhibit.purpose = (
                f"{DEFAULT_PURPOSE.get(exhibit.item.kind, '证明')}；并证明：{'；'.join(dict.fromkeys(found))}"
                + (f"；{'；'.join(quotes)}" if quotes else "")
            )


def _who(row: dict, number: str = "") -> str:
    """The speaker as the bundle prints it (催收方（号码）／本人／其他人): only what the user confirmed is stated."""
    if row["speaker_source"] != "user":
        return "说话人未确认"
    return f"催收方（{number}）" if row["speaker"] == "collector" and number else SPEAKER_ZH[row["speaker"]]


def kind_counts(exhibits: list[Exhibit]) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for exhibit in exhibits:
        label = KIND_ZH.get(exhibit.item.kind, exhibit.item.kind)
        counts[label] = counts.get(label, 0) + 1
    return sorted(counts.items())


def date_range(exhibits: list[Exhibit]) -> tuple:
    times = [e.item.occurred_at for e in exhibits if e.item.occurred_at]
    return (min(times), max(times)) if times else (None, None)


def exhibit_numbers_for(findings, exhibits: list[Exhibit]) -> list[dict]:
    """Findings with their evidence ids turned into exhibit labels of this bundle ("1-2")."""
    by_id = {str(e.item.pk): e for e in exhibits}
    rows = []
    for f in findings:
        shown = sorted(
            {by_id[eid].number: by_id[eid] for eid in f.evidence if eid in by_id}.values(), key=lambda e: e.number
        )
        rows.append(
            {
                "finding": f,
                "exhibits": [e.label for e in shown],
                "provision": provision_line(f.provisions),
            }
        )
    return rows


CORROBORATING_SOURCE = {"carrier": "运营商详单", "call_log": "手机通话记录", "call_screenshot": "通话记录截图"}


def add_corroboration(exhibits: list[Exhibit], links: dict[str, list[dict]]) -> None:
    """Give each recording the exhibit labels (证据2-4) and rows of the call records that show the same call."""
    number = {str(e.item.pk): e.label for e in exhibits}
    for exhibit in exhibits:
        if exhibit.item.kind != EvidenceItem.Kind.CALL_RECORDING:
            continue
        exhibit.corroboration = [
            {
                "exhibit": number[s["evidence"]],
                "row": s.get("row"),
                "source": CORROBORATING_SOURCE.get(s["source"], ""),
                "at": (s.get("at") or "").replace("T", " ")[:19],
            }
            for s in links.get(str(exhibit.item.pk), [])
            if s.get("evidence") in number
        ]
