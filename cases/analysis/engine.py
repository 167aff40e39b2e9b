"""Finding the violations a rule set names, from a case's events and texts.

Plain data in, plain data out, no database: cases/event_sources.py builds the
inputs from a case, and the same inputs always give the same findings.
Every finding is a *possible* violation for a person to check, never a verdict.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from cases.analysis.rules import Rule, RuleSet
from cases.phone import is_overseas, is_virtual

MERGE_TOLERANCE = timedelta(minutes=2)
MAX_EXAMPLES = 5


@dataclass
class Event:
    """A call, message or contact, with where it was seen."""

    kind: str  # call | message | third_party_contact | other
    at: datetime | None
    number: str = ""
    target: str = "borrower"  # borrower | third_party
    contact: str = ""  # the third party: name and relation
    sources: list[dict] = field(default_factory=list)  # [{"evidence": id, "source": "recording", ...}]
    # The day was worked out (a screenshot's "昨天 01:15") and the user has not confirmed it: "推算，待核对".
    estimated: bool = False

    @property
    def evidence(self) -> list[str]:
        return sorted({s["evidence"] for s in self.sources if s.get("evidence")})


@dataclass(frozen=True)
class Sentence:
    """A piece of text to search for collector phrases: a transcript segment, an OCR line, a statement line."""

    evidence: str
    text: str
    where: dict  # {"start": 12.0, "end": 19.0, "segment": 4} for a recording, {"line": 3} for OCR or statements
    at: datetime | None = None
    source: str = ""  # recording | screenshot | statement | manual
    speaker: str = "unknown"  # collector | victim | third_party | unknown
    speaker_source: str = "machine"  # machine | user
    # The user confirmed the speaker and checked the words: only then may it be quoted as said.
    confirmed: bool = False

    @property
    def said(self) -> bool:
        """Words heard or read in the evidence itself, as opposed to someone's account of them."""
        return self.source in ("recording", "screenshot")

    @property
    def counts(self) -> bool:
        """A sentence a finding may rest on: the collector's confirmed words, or a witness's or the user's account."""
        return self.confirmed if self.said else True

    @property
    def pending(self) -> bool:
        """Words in the evidence whose speaker or words the user has not yet confirmed (nor given to someone else)."""
        return self.said and not self.confirmed and not (self.speaker_source == "user" and self.speaker != "collector")


@dataclass
class Finding:
    rule: str
    category: str
    title: str
    count: int
    provisions: list[dict]
    evidence: list[str]
    examples: list[dict]
    worst_days: list[dict] = field(default_factory=list)


def merge_events(events: list[Event]) -> list[Event]:
    """Merge the same call seen in several sources (same number, within two minutes)."""
    merged: list[Event] = []
    last_by_key: dict[tuple, Event] = {}
    for event in sorted(events, key=_sort_key):
        key = (event.kind, event.number, event.target)
        previous = last_by_key.get(key)
        if (previous and event.at and previous.at and event.number
                and event.at - previous.at <= MERGE_TOLERANCE):
            previous.sources.extend(event.sources)
            continue
        merged.append(event)
        last_by_key[key] = event
    return merged


def _sort_key(event: Event):
    return (event.at is None, event.at or datetime.min.replace(tzinfo=ZoneInfo("UTC")), event.number)


def _local(event: Event, tz: ZoneInfo) -> datetime:
    return event.at.astimezone(tz)


def _collector_calls(events: list[Event]) -> list[Event]:
    return [e for e in events if e.kind == "call" and e.target == "borrower" and e.at is not None]


def _example(event: Event, tz: ZoneInfo, text: str = "") -> dict:
    return {"at": _local(event, tz).isoformat() if event.at else None, "number": event.number,
            "evidence": event.evidence, "text": text}


def _provisions(rule_set: RuleSet, rule: Rule, days: list[date | None]) -> list[dict]:
    """The rule's provisions in force on any of the events' days, in the rule's order."""
    cited = [rule_set.provisions[pid] for pid in rule.provisions]
    return [p.as_dict() for p in cited if any(p.in_force_on(d) for d in (days or [None]))]


def _finding(rule_set, rule, events, tz, count, examples=None, **extra) -> Finding:
    days = [_local(e, tz).date() for e in events if e.at]
    evidence = sorted({eid for e in events for eid in e.evidence})
    examples = examples if examples is not None else [_example(e, tz) for e in events[:MAX_EXAMPLES]]
    return Finding(rule.id, rule.category, rule.title, count, _provisions(rule_set, rule, days), evidence,
                   examples, **extra)


def check_calls_per_day(rule_set, rule, events, sentences, tz) -> Finding | None:
    limit = rule.params["max_per_day"]
    by_day: dict[date, list[Event]] = defaultdict(list)
    for event in _collector_calls(events):
        by_day[_local(event, tz).date()].append(event)
    over = {day: calls for day, calls in by_day.items() if len(calls) > limit}
    if not over:
        return None
    worst = sorted(over.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    flagged = [e for _day, calls in sorted(over.items()) for e in calls]
    return _finding(rule_set, rule, flagged, tz, len(over),
                    worst_days=[{"date": d.isoformat(), "calls": len(c)} for d, c in worst[:MAX_EXAMPLES]])


def in_quiet_hours(local: datetime, rule: Rule) -> bool:
    """True when a local time falls in the rule's quiet period (e.g. 22:00–08:00)."""
    start, end = time.fromisoformat(rule.params["quiet_start"]), time.fromisoformat(rule.params["quiet_end"])
    moment = local.time()
    late = moment >= start if rule.params.get("quiet_start_inclusive", True) else moment > start
    return late or moment < end


def check_quiet_hours(rule_set, rule, events, sentences, tz) -> Finding | None:
    flagged = [e for e in events if e.at and e.kind in ("call", "message") and in_quiet_hours(_local(e, tz), rule)]
    return _finding(rule_set, rule, flagged, tz, len(flagged)) if flagged else None


def check_calls_per_window(rule_set, rule, events, sentences, tz) -> Finding | None:
    limit, window = rule.params["max_calls"], timedelta(days=rule.params["window_days"])
    calls = sorted(_collector_calls(events), key=lambda e: e.at)
    flagged: dict[int, Event] = {}
    start = 0
    for end, event in enumerate(calls):
        while event.at - calls[start].at >= window:
            start += 1
        if end - start + 1 > limit:
            flagged[id(event)] = event
    hits = sorted(flagged.values(), key=lambda e: e.at)
    return _finding(rule_set, rule, hits, tz, len(hits)) if hits else None


def check_third_party(rule_set, rule, events, sentences, tz) -> Finding | None:
    flagged = [e for e in events if e.target == "third_party"]
    if not flagged:
        return None
    examples = [{**_example(e, tz), "text": e.contact} for e in flagged[:MAX_EXAMPLES]]
    return _finding(rule_set, rule, flagged, tz, len(flagged), examples=examples)


def _lexicon_hits(rule_set, rule, sentences) -> list[tuple[Sentence, str]]:
    phrases = [p for p in rule_set.lexicon if p.category == rule.params["lexicon_category"]]
    hits = [(s, m.group()) for s in sentences for p in phrases if (m := p.pattern.search(s.text))]
    return list({(s.evidence, s.text, tuple(sorted(s.where.items()))): (s, match) for s, match in hits}.values())


def _sentence_example(s: Sentence, match: str, tz: ZoneInfo) -> dict:
    return {"evidence": [s.evidence], "text": s.text, "match": match, "where": s.where, "source": s.source,
            "speaker": s.speaker, "at": s.at.astimezone(tz).isoformat() if s.at else None}


def check_lexicon(rule_set, rule, events, sentences, tz) -> Finding | None:
    # Only the collector's words the user confirmed, and witnesses' or the user's own accounts, count:
    # a victim's "你再骂我老赖我就报警" is not the collector's insult.
    unique = [(s, match) for s, match in _lexicon_hits(rule_set, rule, sentences) if s.counts]
    if not unique:
        return None
    examples = [_sentence_example(s, match, tz) for s, match in unique[:MAX_EXAMPLES]]
    days = [s.at.astimezone(tz).date() for s, _ in unique if s.at]
    return Finding(rule.id, rule.category, rule.title, len(unique), _provisions(rule_set, rule, days),
                   sorted({s.evidence for s, _ in unique}), examples)


def check_number_rotation(rule_set, rule, events, sentences, tz) -> Finding | None:
    need, window = rule.params["min_numbers"], timedelta(days=rule.params["window_days"])
    contacts = sorted((e for e in events if e.at and e.number and e.target == "borrower"), key=lambda e: e.at)
    in_window: Counter = Counter()
    best, best_span = 0, (0, 0)
    start = 0
    for end, event in enumerate(contacts):
        in_window[event.number] += 1
        while event.at - contacts[start].at >= window:
            in_window[contacts[start].number] -= 1
            if not in_window[contacts[start].number]:
                del in_window[contacts[start].number]
            start += 1
        if len(in_window) > best:
            best, best_span = len(in_window), (start, end + 1)
    if best < need:
        return None
    span = contacts[best_span[0]:best_span[1]]
    examples = [{"number": n, "text": "", "at": None, "evidence": []} for n in sorted({e.number for e in span})]
    return _finding(rule_set, rule, span, tz, best, examples=examples)


def check_virtual_numbers(rule_set, rule, events, sentences, tz) -> Finding | None:
    prefixes = rule.params["virtual_prefixes"]
    flagged = [e for e in events if e.number and (is_virtual(e.number, prefixes) or is_overseas(e.number))]
    return _finding(rule_set, rule, flagged, tz, len({e.number for e in flagged})) if flagged else None


CHECKS = {
    "calls_per_day": check_calls_per_day,
    "quiet_hours": check_quiet_hours,
    "calls_per_window": check_calls_per_window,
    "third_party_contact": check_third_party,
    "lexicon": check_lexicon,
    "number_rotation": check_number_rotation,
    "virtual_numbers": check_virtual_numbers,
}


def pending_phrases(sentences: list[Sentence], rule_set: RuleSet) -> list[dict]:
    """Possible violation phrases in words whose speaker the user has not yet confirmed ("待核对的可能违规用语"):
    shown for checking, never counted or quoted."""
    tz = ZoneInfo(rule_set.timezone)
    rows = []
    for rule in rule_set.rules:
        if rule.type != "lexicon":
            continue
        rows += [{**_sentence_example(s, match, tz), "rule": rule.id, "title": rule.title}
                 for s, match in _lexicon_hits(rule_set, rule, sentences) if s.pending]
    return rows


def analyse(events: list[Event], sentences: list[Sentence], rule_set: RuleSet) -> list[Finding]:
    """Return the findings of every rule of `rule_set`, in the rule set's order."""
    tz = ZoneInfo(rule_set.timezone)
    merged = merge_events(events)
    findings = [CHECKS[rule.type](rule_set, rule, merged, sentences, tz) for rule in rule_set.rules]
    return [f for f in findings if f is not None]
