"""Finding the violations a rule set names, from a case's events and texts.

Plain data in, plain data out, no database: cases/event_sources.py builds the
inputs from a case, and the same inputs always give the same findings.
Every finding is a *possible* violation for a person to check, never a verdict; findings of kind "clue"
and "at_limit" are facts to note beside them, never violations.
"""

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from cases.analysis.rules import Rule, RuleSet
from harassguard.lib.phone import is_overseas, is_virtual, normalise

MERGE_TOLERANCE = timedelta(minutes=2)
MAX_EXAMPLES = 5
# A sighting is compared with the calls of its number that started at most this long before it.
LONGEST_CALL = timedelta(hours=4)
_EARLIEST = datetime.min.replace(tzinfo=ZoneInfo("UTC"))
# Every comparison of numbers in the timeline goes through this one key (harassguard.lib.phone).
number_key = lru_cache(maxsize=8192)(normalise)


@dataclass
class Event:
    """A call, message or contact, with where it was seen."""

    kind: str  # call | message | third_party_contact | other
    at: datetime | None
    number: str = ""
    target: str = "borrower"  # borrower | third_party
    contact: str = ""  # the third party: name and relation
    # [{"evidence": id, "source": "recording" | "call_log" | "carrier" | "call_screenshot" | ..., "row": 3, ...}]
    sources: list[dict] = field(default_factory=list)
    # Calls: incoming | missed | rejected | outgoing (the victim's own call: shown, never counted) | unknown
    # (a row without a direction: shown, never counted).
    direction: str = "incoming"
    # A call that was answered: a recording, or a call-log row with a duration over 0.
    connected: bool = False
    # The role the user confirmed for `number` (cases.models.CaseNumber.Role); "unknown" until then.
    role: str = "unknown"
    # The institution a collector number calls for (the lender; an agency's calls count under the lender
    # it acts for); "" when the user tied the number to none.
    party: str = ""
    duration: int | None = None  # seconds; None: not known
    derived_date: bool = False  # the date was worked out (昨天, 星期二), not read
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
        return self.source in ("recording", "screenshot", "screen_recording")

    @property
    def counts(self) -> bool:
        """A sentence a finding may rest on: the collector's confirmed words, or a witness's or the user's account."""
        return self.confirmed if self.said else True

    @property
    def pending(self) -> bool:
        """Words in the evidence whose speaker or words the user has not yet confirmed (nor given to someone else)."""
        # A screen recording's words have no page to confirm a speaker on yet: they wait, uncounted and unlisted.
        return (
            self.source in ("recording", "screenshot")
            and not self.confirmed
            and not (self.speaker_source == "user" and self.speaker != "collector")
        )


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
    # or "clue": supports other findings, never a violation of its own; or "at_limit": a day that reached a limit
    # exactly (3 answered calls of 每日不应超过3次), a fact to note, never a violation.
    kind: str = "violation"
    # Every event behind the finding (event_row), in time order.
    events: list[dict] = field(default_factory=list)


# Which source wins where sources of one call disagree: the carrier's itemised record is neutral
# third-party data and outranks the phone's own log, which outranks what is read from a picture.
SOURCE_RANK = {"carrier": 0, "call_log": 1, "call_screenshot": 2, "recording": 3, "wechat_voice": 4}


def _rank(event: Event) -> int:
    return min((SOURCE_RANK.get(s.get("source", ""), 9) for s in event.sources), default=9)


def _same_call(group: Event, event: Event) -> bool:
    """True when `event` can be the call `group` already holds: same number, starts within the
    other's duration (plus the tolerance for minute-precision times), and no item seen twice."""
    if not (group.at and event.at and event.number):
        return False  # kind, target and number are the same: merge_events compares within one bucket
    gap = event.at - group.at
    if gap < timedelta(0):
        near = -gap <= MERGE_TOLERANCE + timedelta(seconds=event.duration or 0)
    else:
        near = gap <= MERGE_TOLERANCE + timedelta(seconds=group.duration or 0)
    if not near:
        return False
    items = {s.get("evidence") for s in group.sources}
    # Two rows of one log, or two recordings, are two calls.
    return not any(s.get("evidence") and s.get("evidence") in items for s in event.sources)


def _combine(group: Event, event: Event) -> Event:
    """A new event holding both; the facts of the higher-ranked source win, unknowns are filled in."""
    best, other = (event, group) if _rank(event) < _rank(group) else (group, event)
    dated = [e for e in (best, other) if e.at and not e.derived_date]
    return replace(
        best,
        at=(dated[0] if dated else best).at,
        number=best.number or other.number,
        contact=best.contact or other.contact,
        sources=[*group.sources, *event.sources],
        direction=best.direction if best.direction != "unknown" else other.direction,
        connected=best.connected or other.connected,
        duration=best.duration if best.duration is not None else other.duration,
        role=best.role if best.role != "unknown" else other.role,
        party=best.party or other.party,
        derived_date=not dated,
    )


def merge_events(events: list[Event]) -> list[Event]:
    """Merge the same call seen in several sources into one event listing all of them.

    Two sightings are one call when the normalised numbers are equal and one starts within the
    other's duration (two minutes' tolerance for times read to the minute). Each sighting joins
    the closest call it fits; the inputs are never changed (a merged call is a new Event with a new
    list of sources), so merging twice gives the same list.
    """
    merged: list[Event] = []
    by_number: dict[tuple, list[int]] = defaultdict(list)
    for event in sorted(events, key=_sort_key):
        key = (event.kind, event.target, number_key(event.number))
        fits = []
        for i in reversed(by_number[key]):  # newest first; calls that ended long before cannot match
            group = merged[i]
            if group.at and event.at and event.at - group.at > LONGEST_CALL:
                break
            if _same_call(group, event):
                fits.append(i)
        if not fits:
            by_number[key].append(len(merged))
            merged.append(event)
            continue
        at = event.at  # every call in `fits` and this sighting have a time (see _same_call)
        best = min(
            fits, key=lambda i: (abs(((merged[i].at or at) - at).total_seconds()) if at else 0, _rank(merged[i]))
        )
        merged[best] = _combine(merged[best], event)
    return sorted(merged, key=_sort_key)


def _sort_key(event: Event):
    return (event.at is None, event.at or _EARLIEST, event.number)


# Calls on the timeline that no rule counts: the victim's own, and rows that do not say which way.
UNCOUNTED = ("unknown", "outgoing")


def _when(event: Event) -> datetime:
    """The time of an event the caller already kept only if it has one."""
    assert event.at is not None, "only events with a time are counted here"
    return event.at


def _local(event: Event, tz: ZoneInfo) -> datetime:
    return _when(event).astimezone(tz)


def _collector_calls(events: list[Event]) -> list[Event]:
    """Calls to the victim from numbers the user confirmed as collectors', of known direction and time."""
    return [
        e
        for e in events
        if e.kind == "call"
        and e.target == "borrower"
        and e.at is not None
        and e.role == "collector"
        and e.direction not in UNCOUNTED
    ]


def _example(event: Event, tz: ZoneInfo, text: str = "") -> dict:
    return {
        "at": _local(event, tz).isoformat() if event.at else None,
        "number": event.number,
        "evidence": event.evidence,
        "text": text,
    }


def event_row(event: Event, tz: ZoneInfo) -> dict:
    """One event behind a finding, with every source it was seen in, so a reader can check it by hand."""
    return {
        **_example(event, tz),
        "kind": event.kind,
        "direction": event.direction,
        "connected": event.connected,
        "party": event.party,
        "sources": event.sources,
    }


def _provisions(rule_set: RuleSet, rule: Rule, days: Sequence[date | None]) -> list[dict]:
    """The rule's provisions in force on any of the events' days, in the rule's order."""
    cited = [rule_set.provisions[pid] for pid in rule.provisions]
    return [p.as_dict() for p in cited if any(p.in_force_on(d) for d in (days or [None]))]


def _finding(rule_set, rule, events, tz, count, examples=None, **extra) -> Finding:
    days = [_local(e, tz).date() for e in events if e.at]
    evidence = sorted({eid for e in events for eid in e.evidence})
    examples = examples if examples is not None else [_example(e, tz) for e in events[:MAX_EXAMPLES]]
    rows = [event_row(e, tz) for e in sorted(events, key=_sort_key)]
    return Finding(
        rule.id,
        rule.category,
        rule.title,
        count,
        _provisions(rule_set, rule, days),
        evidence,
        examples,
        events=rows,
        kind=rule.kind,
        **extra,
    )


def _in_force(rule_set: RuleSet, rule: Rule, events: list[Event], tz: ZoneInfo) -> list[Event]:
    """The events on days when one of the rule's provisions was in force (all of them, unless the rule
    says a numeric limit applies only while a document setting it was in force)."""
    if not rule.params.get("only_when_in_force"):
        return events
    cited = [rule_set.provisions[pid] for pid in rule.provisions]
    return [e for e in events if e.at and any(p.in_force_on(_local(e, tz).date()) for p in cited)]


def _connected_per_day(rule_set, rule, events, tz) -> dict[tuple[date, str], list[Event]]:
    """Connected calls from confirmed collectors' numbers, per local day and institution (see check_calls_per_day)."""
    by_day: dict[tuple[date, str], list[Event]] = defaultdict(list)
    for event in _in_force(rule_set, rule, _collector_calls(events), tz):
        if event.connected:
            by_day[(_local(event, tz).date(), event.party)].append(event)
    return by_day


def _day_finding(rule_set, rule, days: dict[tuple[date, str], list[Event]], tz) -> Finding | None:
    """A finding of the given days (one institution's calls on each), its worst days first."""
    if not days:
        return None
    worst = sorted(days.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    flagged = [e for _key, calls in sorted(days.items()) for e in calls]
    return _finding(
        rule_set,
        rule,
        flagged,
        tz,
        len(days),
        worst_days=[{"date": d.isoformat(), "calls": len(c), "party": party} for (d, party), c in worst[:MAX_EXAMPLES]],
    )


def check_calls_per_day(rule_set, rule, events, sentences, tz) -> Finding | None:
    """Days on which one institution (with the agencies it hires) had more than the limit of connected calls.

    The standard limits 主动有效通话: unanswered, missed and rejected calls are facts
    reported apart (call_days), never counted against the daily figure."""
    limit = rule.params["max_per_day"]
    by_day = _connected_per_day(rule_set, rule, events, tz)
    return _day_finding(rule_set, rule, {key: calls for key, calls in by_day.items() if len(calls) > limit}, tz)


def check_calls_at_limit(rule_set, rule, events, sentences, tz) -> Finding | None:
    """Days on which one institution's connected calls reached the limit exactly (3 of 每日不应超过3次).

    A fact to note, never a violation (kind "at_limit"): the standard allows these calls, and a further one that
    day would exceed it. Days over the limit are the possible violation of check_calls_per_day, not listed here.
    The limit and what counts are those of the rule named in `limit_of` (copied into the params by rules.py)."""
    limit = rule.params["max_per_day"]
    by_day = _connected_per_day(rule_set, rule, events, tz)
    return _day_finding(rule_set, rule, {key: calls for key, calls in by_day.items() if len(calls) == limit}, tz)


def call_days(events: list[Event], tz: ZoneInfo) -> list[dict]:
    """Day by day and institution: collector calls (含未接、拒接), how many connected, and rows of unknown direction.

    Facts to report as they are, with no limit attached."""
    days: dict[tuple, dict] = {}
    for e in events:
        if e.kind != "call" or e.target != "borrower" or e.at is None or e.role != "collector":
            continue
        row = days.setdefault((_local(e, tz).date(), e.party), {"calls": 0, "connected": 0, "unknown_direction": 0})
        if e.direction == "outgoing":
            continue  # the victim's own call
        if e.direction == "unknown":
            row["unknown_direction"] += 1
            continue
        row["calls"] += 1
        row["connected"] += e.connected
    return [{"date": d.isoformat(), "party": party, **row} for (d, party), row in sorted(days.items())]


def in_quiet_hours(local: datetime, rule: Rule) -> bool:
    """True when a local time falls in the rule's quiet period (e.g. 22:00–08:00)."""
    start, end = time.fromisoformat(rule.params["quiet_start"]), time.fromisoformat(rule.params["quiet_end"])
    moment = local.time()
    late = moment >= start if rule.params.get("quiet_start_inclusive", True) else moment > start
    return late or moment < end


def collector_contacts(events: list[Event]) -> list[Event]:
    """Calls and messages to the victim from confirmed collectors' numbers (calls of unknown direction left out):
    what the rules, the charts and the letters count."""
    return [
        e
        for e in events
        if e.at
        and e.target == "borrower"
        and e.role == "collector"
        and (e.kind == "message" or e.kind == "call" and e.direction not in UNCOUNTED)
    ]


def contact_counts(events: list[Event], tz: ZoneInfo) -> dict:
    """The bundle summary's counts, from confirmed collectors' numbers only (a mother's calls are no collection):
    calls (含未接、拒接), how many connected, messages, the days with any of them and the numbers they came from."""
    contacts = collector_contacts(events)
    calls = [e for e in contacts if e.kind == "call"]
    return {
        "calls": len(calls),
        "connected": sum(1 for e in calls if e.connected),
        "messages": len(contacts) - len(calls),
        "days": len({_local(e, tz).date() for e in contacts}),
        "numbers": len({number_key(e.number) for e in contacts if e.number}),
    }


def check_quiet_hours(rule_set, rule, events, sentences, tz) -> Finding | None:
    flagged = [e for e in collector_contacts(events) if in_quiet_hours(_local(e, tz), rule)]
    flagged = _in_force(rule_set, rule, flagged, tz)
    return _finding(rule_set, rule, flagged, tz, len(flagged)) if flagged else None


def check_calls_per_window(rule_set, rule, events, sentences, tz) -> Finding | None:
    limit, window = rule.params["max_calls"], timedelta(days=rule.params["window_days"])
    calls = sorted(_collector_calls(events), key=_when)
    flagged: dict[int, Event] = {}
    start = 0
    for end, event in enumerate(calls):
        while _when(event) - _when(calls[start]) >= window:
            start += 1
        if end - start + 1 > limit:
            flagged[id(event)] = event
    hits = sorted(flagged.values(), key=_when)
    return _finding(rule_set, rule, hits, tz, len(hits)) if hits else None


# Roles that rule a number out as the collector's: a contact from one of these is not collection.
NOT_COLLECTOR = {"borrower", "third_party", "other"}


def check_third_party(rule_set, rule, events, sentences, tz) -> Finding | None:
    """Contacts of relatives, colleagues and friends: from their statements, the screenshots they attach, the
    user's records; never calls to the victim, and never from a number confirmed to be no collector's."""
    flagged = [e for e in events if e.target == "third_party" and e.role not in NOT_COLLECTOR]
    if not flagged:
        return None
    examples = [{**_example(e, tz), "text": e.contact} for e in flagged[:MAX_EXAMPLES]]
    return _finding(rule_set, rule, flagged, tz, len(flagged), examples=examples)


def _lexicon_hits(rule_set, rule, sentences) -> list[tuple[Sentence, str]]:
    phrases = [p for p in rule_set.lexicon if p.category == rule.params["lexicon_category"]]
    if "only_sources" in rule.params:
        sentences = [s for s in sentences if s.source in rule.params["only_sources"]]
    if "not_speakers" in rule.params:  # e.g. the victim's own spoken statement: her account, said to no one else
        sentences = [s for s in sentences if s.speaker not in rule.params["not_speakers"]]
    hits = [(s, m.group()) for s in sentences for p in phrases if (m := p.pattern.search(s.text))]
    return list({(s.evidence, s.text, tuple(sorted(s.where.items()))): (s, match) for s, match in hits}.values())


def _sentence_example(s: Sentence, match: str, tz: ZoneInfo) -> dict:
    return {
        "evidence": [s.evidence],
        "text": s.text,
        "match": match,
        "where": s.where,
        "source": s.source,
        "speaker": s.speaker,
        "confirmed": s.confirmed,
        "at": s.at.astimezone(tz).isoformat() if s.at else None,
    }


def check_lexicon(rule_set, rule, events, sentences, tz) -> Finding | None:
    # Only the collector's words the user confirmed, and witnesses' or the user's own accounts, count:
    # a victim's "你再骂我老赖我就报警" is not the collector's insult.
    unique = [(s, match) for s, match in _lexicon_hits(rule_set, rule, sentences) if s.counts]
    if not unique:
        return None
    examples = [_sentence_example(s, match, tz) for s, match in unique[:MAX_EXAMPLES]]
    days = [s.at.astimezone(tz).date() for s, _ in unique if s.at]
    return Finding(
        rule.id,
        rule.category,
        rule.title,
        len(unique),
        _provisions(rule_set, rule, days),
        sorted({s.evidence for s, _ in unique}),
        examples,
        kind=rule.kind,
    )


def check_number_rotation(rule_set, rule, events, sentences, tz) -> Finding | None:
    need, window = rule.params["min_numbers"], timedelta(days=rule.params["window_days"])
    contacts = sorted((e for e in collector_contacts(events) if e.number), key=_when)
    in_window: Counter = Counter()
    best, best_span = 0, (0, 0)
    start = 0
    for end, event in enumerate(contacts):
        in_window[event.number] += 1
        while _when(event) - _when(contacts[start]) >= window:
            in_window[contacts[start].number] -= 1
            if not in_window[contacts[start].number]:
                del in_window[contacts[start].number]
            start += 1
        if len(in_window) > best:
            best, best_span = len(in_window), (start, end + 1)
    if best < need:
        return None
    span = contacts[best_span[0] : best_span[1]]
    examples: list[dict] = [
        {"number": n, "text": "", "at": None, "evidence": []} for n in sorted({e.number for e in span})
    ]
    return _finding(rule_set, rule, span, tz, best, examples=examples)


def check_virtual_numbers(rule_set, rule, events, sentences, tz) -> Finding | None:
    prefixes = rule.params["virtual_prefixes"]
    flagged = [
        e
        for e in events
        if e.number and e.role == "collector" and (is_virtual(e.number, prefixes) or is_overseas(e.number))
    ]
    return _finding(rule_set, rule, flagged, tz, len({e.number for e in flagged})) if flagged else None


CHECKS = {
    "calls_per_day": check_calls_per_day,
    "calls_at_limit": check_calls_at_limit,
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
        rows += [
            {**_sentence_example(s, match, tz), "rule": rule.id, "title": rule.title}
            for s, match in _lexicon_hits(rule_set, rule, sentences)
            if s.pending
        ]
    return rows


def analyse(events: list[Event], sentences: list[Sentence], rule_set: RuleSet, lender_kind: str = "") -> list[Finding]:
    """Return the findings of every rule of `rule_set`, in the rule set's order.

    Provisions that bind only some kinds of lender (a bank's card rules, the small-loan rules) are
    cited only when the case's lender is of that kind."""
    tz = ZoneInfo(rule_set.timezone)
    merged = merge_events(events)
    findings = [CHECKS[rule.type](rule_set, rule, merged, sentences, tz) for rule in rule_set.rules]
    found = [f for f in findings if f is not None]
    for f in found:
        f.provisions = [p for p in f.provisions if not p.get("lender_kinds") or lender_kind in p["lender_kinds"]]
    return found
