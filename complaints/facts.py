"""The facts a letter states, gathered from the case's analysis: plain data, no database.

Each function takes the analysis events and findings and a map from evidence
item id to exhibit number, and returns rows the draft templates print. Nothing
here guesses: a fact the case does not hold is simply absent.
"""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from cases.analysis.engine import Event, Finding
from cases.analysis.rules import provision_line
from evidence.bundle.content import checked_note, quote_place

# Findings whose examples are words said or written, quoted in the letters once confirmed.
QUOTED = ("threat", "harassment", "insult", "public_insult", "false_claim", "impersonation", "disclosure")
# What a count means, per finding category ("共3天", not "共3次/项").
UNIT = {
    "frequency": "天",
    "frequency_at_limit": "天",
    "quiet_hours": "次",
    "third_party": "次",
    "number_rotation": "个号码",
    "virtual_numbers": "个号码",
}
# The possible offences a police report names, from the findings (the police decide).
OFFENCE = {
    "threat": "写恐吓信或者以其他方法威胁他人人身安全",
    "harassment": "采取滋扰等方法干扰他人正常生活",
    "insult": "多次发送侮辱、恐吓等信息干扰他人正常生活",
    "public_insult": "公然侮辱他人",
    "false_claim": "多次发送恐吓等信息干扰他人正常生活",
    "frequency": "以频繁来电滋扰他人正常生活",
    "quiet_hours": "以频繁来电滋扰他人正常生活",
    "third_party": "散布他人隐私、非法提供或获取公民个人信息",
    "disclosure": "散布他人隐私、非法提供或获取公民个人信息",
    "impersonation": "冒充国家机关工作人员招摇撞骗或伪造国家机关公文（如经核实）",
}
MAX_QUOTES = 20
# Words heard or read in the evidence itself, which may be quoted once the user confirmed them.
SAID = ("recording", "screenshot")
# Someone's account of what was said: printed as what they say, never as the collector's words.
ACCOUNT = {"statement": "证人", "manual": "本人"}
# How a spoken statement's words came to be written (its transcript, checked by the user or not).
SPOKEN_MACHINE = "据陈述录音机器转写，未经核对"
SPOKEN_CHECKED = "据陈述录音转写，文字已核对"
MAX_DAYS = 60


def day_zh(day: date | datetime | None) -> str:
    """2025年5月12日; an empty string for no date."""
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def _label_key(label) -> tuple:
    return tuple(int(part) if part.isdigit() else 0 for part in str(label).split("-"))


def cite(evidence_ids, numbers: Mapping[str, object]) -> str:
    """ "证据1-1、证据2-3" for the ids that are exhibits of the chosen bundle; "" when none is."""
    found = sorted({str(numbers[i]) for i in evidence_ids if i in numbers}, key=_label_key)
    return "、".join(f"证据{n}" for n in found)


@dataclass
class NumberRow:
    number: str
    party: str = ""
    calls: int = 0
    connected: int = 0
    messages: int = 0
    days: set = field(default_factory=set)
    evidence: set = field(default_factory=set)


def _from_collector(e: Event) -> bool:
    """A call or message to the victim from a number the victim confirmed as a collector's (of known direction)."""
    return (
        e.target == "borrower"
        and e.role == "collector"
        and bool(e.number)
        and (e.kind == "message" or e.kind == "call" and e.direction != "unknown")
    )


def collector_numbers(events: list[Event], tz: ZoneInfo, numbers: dict[str, str]) -> list[dict]:
    """Each number the victim confirmed as a collector's: calls (含未接、拒接) and how many were answered,
    messages, first and last day, exhibits. No other number is ever listed as a collector's."""
    rows: dict[str, NumberRow] = {}
    for e in events:
        if not _from_collector(e):
            continue
        row = rows.setdefault(e.number, NumberRow(e.number, e.party))
        row.calls += e.kind == "call"
        row.connected += e.kind == "call" and e.connected
        row.messages += e.kind == "message"
        row.evidence.update(e.evidence)
        if e.at:
            row.days.add(e.at.astimezone(tz).date())
    return [
        {
            "number": r.number,
            "party": r.party,
            "calls": r.calls,
            "connected": r.connected,
            "messages": r.messages,
            "first": day_zh(min(r.days)) if r.days else "",
            "last": day_zh(max(r.days)) if r.days else "",
            "exhibits": cite(r.evidence, numbers),
        }
        for r in sorted(rows.values(), key=lambda r: (-(r.calls + r.messages), r.number))
    ]


def third_party_contacts(
    events: list[Event], tz: ZoneInfo, numbers: dict[str, str], witness_numbers: dict[str, str] | None = None
) -> list[dict]:
    """Each contact of a relative or colleague: who (as recorded) and their own number where a statement gives it,
    when, the number that contacted them (only when confirmed as a collector's), exhibits."""
    own = witness_numbers or {}
    return [
        {
            "who": e.contact,
            "who_number": next((own[i] for i in e.evidence if i in own), ""),
            "day": day_zh(e.at.astimezone(tz)) if e.at else "",
            "number": e.number if e.role == "collector" else "",
            "exhibits": cite(e.evidence, numbers),
        }
        for e in events
        if e.target == "third_party" and e.role in ("collector", "unknown")
    ]


def finding_rows(findings: list[Finding], numbers: dict[str, str]) -> list[dict]:
    """Each possible violation with its count, the days it was seen on and its exhibits."""
    rows = []
    for f in findings:
        days = sorted({ex["at"][:10] for ex in f.examples if ex.get("at")} | {d["date"] for d in f.worst_days})
        rows.append(
            {
                "title": f.title,
                "count": f.count,
                "category": f.category,
                "unit": UNIT.get(f.category, "处"),
                "days": "、".join(day_zh(date.fromisoformat(d)) for d in days[:5]) + ("等" if len(days) > 5 else ""),
                "exhibits": cite(f.evidence, numbers),
                "provisions": provision_line(f.provisions),
            }
        )
    return rows


def offence_names(findings: list[Finding], unlawful_debt: bool) -> list[str]:
    """The possible offences the findings point to, each once, in the findings' order."""
    names = [OFFENCE[f.category] for f in findings if f.category in OFFENCE]
    if unlawful_debt and findings:
        names.append("催收高利放贷等产生的非法债务")
    return list(dict.fromkeys(names))


def quotes(findings: list[Finding], numbers: dict[str, int]) -> list[dict]:
    """The collector's words quoted as threats, insults and the like ("原话"): only sentences whose speaker
    and words the user confirmed, each with where it is and who said it."""
    rows = []
    for f in findings:
        if f.category not in QUOTED:
            continue
        for ex in f.examples:
            if ex.get("text") and ex.get("source") in SAID:
                at = datetime.fromisoformat(ex["at"]) if ex.get("at") else None
                rows.append(
                    {
                        "kind": f.title,
                        "text": ex["text"].strip(),
                        "day": day_zh(at),
                        "exhibits": cite(ex.get("evidence") or [], numbers),
                        "cite": quote_cite(ex, numbers),
                    }
                )
    return rows[:MAX_QUOTES]


def quote_cite(example: dict, numbers: dict[str, int]) -> str:
    """Where a quote is and who said it: "（证据3，录音02:15，说话人：催收方，经本人核对）"."""
    place = quote_place(example)
    exhibit = cite(example.get("evidence") or [], numbers)
    return f"（{exhibit + '，' if exhibit else ''}{place}，说话人：催收方，{checked_note(example)}）"


def accounts(findings: list[Finding], numbers: dict[str, int]) -> list[dict]:
    """What witnesses (and the user) wrote about the collectors' words: their account, never "原话"."""
    rows = []
    for f in findings:
        if f.category not in QUOTED:
            continue
        for ex in f.examples:
            if ex.get("text") and ex.get("source") in ACCOUNT:
                rows.append(
                    {
                        "who": ACCOUNT[ex["source"]],
                        "text": ex["text"].strip(),
                        "kind": f.title,
                        "exhibits": cite(ex.get("evidence") or [], numbers),
                        "note": "",
                    }
                )
            elif ex.get("text") and ex.get("source") == "spoken_statement":
                # Said into the page: the witness's (or the user's own) account, read from its transcript.
                rows.append(
                    {
                        "who": "证人" if ex.get("speaker") == "third_party" else "本人",
                        "text": ex["text"].strip(),
                        "kind": f.title,
                        "exhibits": cite(ex.get("evidence") or [], numbers),
                        "note": SPOKEN_CHECKED if ex.get("confirmed") else SPOKEN_MACHINE,
                    }
                )
    return rows[:MAX_QUOTES]


def timeline(events: list[Event], tz: ZoneInfo, numbers: dict[str, str]) -> list[dict]:
    """Day by day, in time order: collectors' calls and messages, contacts of third parties, with exhibits.

    Calls from numbers the victim has not confirmed as collectors' (a mother, a courier) are not told."""
    by_day: dict[date | None, list[Event]] = defaultdict(list)
    for e in events:
        if not _from_collector(e) and not (e.target == "third_party" and e.role in ("collector", "unknown")):
            continue
        by_day[e.at.astimezone(tz).date() if e.at else None].append(e)
    known = sorted(d for d in by_day if d is not None)[:MAX_DAYS]
    rows = [_day_row(d, by_day[d], numbers) for d in known]
    if None in by_day:
        rows.append(_day_row(None, by_day[None], numbers))
    return rows


def _day_row(day: date | None, events: list[Event], numbers: dict[str, str]) -> dict:
    calls = [e for e in events if e.kind == "call" and _from_collector(e)]
    messages = [e for e in events if e.kind == "message" and _from_collector(e)]
    contacts = [e for e in events if e.target == "third_party"]
    estimated = "（推算，待核对）" if any(e.estimated for e in events) else ""
    return {
        "day": (day_zh(day) + estimated) if day else "日期不详",
        "calls": len(calls),
        "connected": sum(e.connected for e in calls),
        "messages": len(messages),
        "numbers": "、".join(sorted({e.number for e in calls + messages if e.number})),
        "contacts": "、".join(e.contact for e in contacts if e.contact),
        "contact_count": len(contacts),
        "exhibits": cite({i for e in events for i in e.evidence}, numbers),
    }


def event_days(events: list[Event], tz: ZoneInfo) -> list[date]:
    """The days anything happened on, to choose the provisions in force then."""
    return sorted({e.at.astimezone(tz).date() for e in events if e.at})
