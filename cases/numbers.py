"""The phone numbers of a case: every number seen in any source, counted, and suggested a role.

A suggestion is only a suggestion: the analysis counts a number as a collector's
only once the user has confirmed it (cases.models.CaseNumber). The reasons are
shown beside each suggestion so that the user can judge it.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases.analysis.engine import UNCOUNTED, Event
from cases.models import Case, Party
from evidence.models import EvidenceItem, OcrResult, Transcript
from evidence.speakers import segment_rows
from harassguard.lib import phone

# Words a collector says and a relative rarely does: a recording or screenshot holding them suggests collection.
COLLECTION_WORDS = re.compile(r"催收|逾期|还款|欠款|欠钱|贷款|网贷|借款|老赖|结清|账单")
ROLE_ORDER = ["third_party", "borrower", "collector", "other"]
# The places a number was heard that its reasons name (the count of recordings says the rest).
MAX_HEARD = 3


def number_anchor(case_id, number: str) -> str:
    """The element id (and URL fragment) of a number's row: a keyed hash, not the number, because
    fragments stay in the phone's browser history."""
    return "n-" + salted_hmac("cases.number-anchor", f"{case_id}:{number}").hexdigest()[:12]


@dataclass
class NumberFacts:
    number: str
    calls: int = 0
    connected_calls: int = 0
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    # recording | call_log | screenshot | manual → the exhibits (for call logs: the rows, for hand records:
    # the events) it was seen in.
    sources: dict = field(default_factory=dict)
    votes: dict = field(default_factory=dict)  # suggested role → reasons for it
    # Where the number was read out in a call ("号码在录音02:15处被念出"): a reason to look, no role.
    heard: list = field(default_factory=list)

    def seen(self, at: datetime | None) -> None:
        if at is not None:
            self.first_seen = min(self.first_seen or at, at)
            self.last_seen = max(self.last_seen or at, at)

    def vote(self, role: str, reason: str) -> None:
        reasons = self.votes.setdefault(role, [])
        if reason not in reasons:
            reasons.append(reason)

    @property
    def suggested_role(self) -> str:
        return next((role for role in ROLE_ORDER if role in self.votes), "unknown")

    @property
    def reasons(self) -> list[str]:
        votes = [reason for role in ROLE_ORDER for reason in self.votes.get(role, [])]
        return votes + self.heard[:MAX_HEARD] + self._source_reasons()

    def _source_reasons(self) -> list[str]:
        said = {
            "recording": lambda n: ngettext("Appears in %(n)d recording", "Appears in %(n)d recordings", n),
            "call_log": lambda n: ngettext("%(n)d call in a call log", "%(n)d calls in a call log", n),
            "screenshot": lambda n: ngettext("Appears in %(n)d screenshot", "Appears in %(n)d screenshots", n),
            "carrier": lambda n: ngettext(
                "%(n)d call in the carrier's itemised record", "%(n)d calls in the carrier's itemised record", n
            ),
            "call_screenshot": lambda n: ngettext(
                "%(n)d call in a picture of the call history", "%(n)d calls in a picture of the call history", n
            ),
            "speech": lambda n: ngettext("Read out in %(n)d recording", "Read out in %(n)d recordings", n),
            "manual": lambda n: ngettext("%(n)d event you recorded by hand", "%(n)d events you recorded by hand", n),
        }
        return [said[s](len(seen)) % {"n": len(seen)} for s, seen in sorted(self.sources.items()) if s in said]

    def saw(self, source: str, where: str) -> None:
        self.sources.setdefault(source, set()).add(where)


def _facts(found: dict[str, NumberFacts], raw: str) -> NumberFacts | None:
    number = phone.normalise(raw or "")
    if len(number.lstrip("+")) < 5:
        return None
    return found.setdefault(number, NumberFacts(number))


def _count_events(found: dict[str, NumberFacts], events: list[Event]) -> None:
    for event in events:
        facts = _facts(found, event.number)
        if facts is None or event.target != "borrower":
            continue
        facts.seen(event.at)
        for s in event.sources:
            where = s.get("evidence") or s.get("manual_event", "")
            facts.saw(s["source"], f"{where}:{s['row']}" if "row" in s else where)
        if event.kind == "call" and event.direction not in UNCOUNTED:  # the victim's own calls are not its calls
            facts.calls += 1
            facts.connected_calls += event.connected


def _from_items(found: dict[str, NumberFacts], case: Case) -> None:
    items = case.items.filter(withdrawn_at=None)
    # Typed and spoken statements alike (a spoken one gives a number only where it was typed beside it).
    for item in items.filter(kind__in=[EvidenceItem.Kind.STATEMENT, EvidenceItem.Kind.SPOKEN_STATEMENT]):
        who = f"{item.author_relation} {item.author_name}".strip()
        for number in phone.find_numbers(item.author_contact):
            if facts := _facts(found, number):
                facts.vote(
                    "third_party", _("A statement gives it as the witness's own number (%(who)s)") % {"who": who}
                )
        if facts := _facts(found, item.counterparty_number):
            facts.vote("collector", _("A statement says this number contacted the witness (%(who)s)") % {"who": who})
    for ocr in OcrResult.objects.filter(item__case=case, item__withdrawn_at=None).only(
        "item_id", "phone_numbers", "text", "line_edits"
    ):
        corrected = "\n".join(edit.get("text", "") for edit in ocr.line_edits.values())  # the user's words
        for number in dict.fromkeys([*ocr.phone_numbers, *phone.find_numbers(corrected)]):
            facts = _facts(found, number)
            if facts:
                facts.saw("screenshot", str(ocr.item_id))
            if facts and COLLECTION_WORDS.search(f"{ocr.text}\n{corrected}"):
                facts.vote("collector", _("A screenshot showing it speaks of loans or repayment"))
    _from_transcripts(found, case)


def _heard(found: dict[str, NumberFacts], transcript: Transcript) -> None:
    """Numbers read out in the call (the transcription writes spoken digits as digits,
    evidence/processing/spoken_numbers.py; the user's corrected words where they corrected them):
    each is a suggestion with where it was heard, never a role confirmed."""
    name = transcript.item.original_filename or transcript.item.get_kind_display()
    for row in segment_rows(transcript):
        for number in phone.find_numbers(row["text"]):
            if not (facts := _facts(found, number)):
                continue
            seconds = int(row["start"])
            facts.saw("speech", str(transcript.item_id))
            reason = _("Number read out in the recording at %(time)s (%(file)s)") % {
                "time": f"{seconds // 60:02d}:{seconds % 60:02d}",
                "file": name,
            }
            if reason not in facts.heard:
                facts.heard.append(reason)
            if transcript.item.occurred_at:
                facts.seen(transcript.item.occurred_at)


def _from_transcripts(found: dict[str, NumberFacts], case: Case) -> None:
    said: Counter = Counter()
    for t in Transcript.objects.filter(item__case=case, item__withdrawn_at=None).select_related("item"):
        _heard(found, t)
        number = phone.normalise(t.item.counterparty_number)
        if number and COLLECTION_WORDS.search(" ".join(s.get("text", "") for s in t.segments)):
            said[number] += 1
    for number, n in said.items():
        if not (facts := _facts(found, number)):
            continue  # too short to be anyone's number (a service code)
        facts.vote(
            "collector",
            ngettext(
                "%(n)d recording of calls with it speaks of loans or repayment",
                "%(n)d recordings of calls with it speak of loans or repayment",
                n,
            )
            % {"n": n},
        )


def _from_records(found: dict[str, NumberFacts], case: Case) -> None:
    for manual in case.manual_events.exclude(number=""):
        if facts := _facts(found, manual.number):
            facts.saw("manual", str(manual.pk))
            facts.vote("collector", _("You recorded it as a collector's number"))
    own = [case.owner.get_username(), *case.complaints.values_list("borrower_phone", flat=True)]
    for raw in own:
        for number in phone.find_numbers(raw or ""):
            if number in found:
                found[number].vote("borrower", _("It is your own number (your account or your letters)"))
    for facts in found.values():
        if phone.is_public_service(facts.number):
            facts.vote("other", _("A bank, customer-service or SMS-platform number"))


def gather(case: Case, events: list[Event]) -> dict[str, NumberFacts]:
    """Every number the case's evidence and records hold, with its counts and suggested role.

    `events` are the case's analysis events (merged, so a call seen in a recording and a
    call log counts once)."""
    found: dict[str, NumberFacts] = {}
    _count_events(found, events)
    _from_items(found, case)
    _from_records(found, case)
    return found


def party_out(party: Party | None) -> dict | None:
    if party is None:
        return None
    return {
        "id": str(party.pk),
        "kind": party.kind,
        "name": party.name,
        "relation": party.relation,
        "acts_for": str(party.acts_for_id) if party.acts_for_id else None,
    }


def number_rows(case: Case, events: list[Event]) -> list[dict]:
    """The numbers page and API rows: the user's classification beside the machine's suggestion.

    Numbers nobody classified and no evidence shows any more are left out; classified ones always stay."""
    found = gather(case, events)
    saved = {row.number: row for row in case.numbers.select_related("party")}
    rows = []
    for number in sorted(found.keys() | saved.keys(), key=lambda n: (-(found[n].calls if n in found else 0), n)):
        facts, row = found.get(number) or NumberFacts(number), saved.get(number)
        rows.append(
            {
                "number": number,
                "role": row.role if row else "unknown",
                "confirmed": bool(row and row.confirmed),
                "party": party_out(row.party if row else None),
                "suggested_role": facts.suggested_role,
                "reasons": facts.reasons,
                "calls": facts.calls,
                "connected_calls": facts.connected_calls,
                "first_seen": facts.first_seen,
                "last_seen": facts.last_seen,
            }
        )
    return rows


def unconfirmed_count(rows: list[dict]) -> int:
    """How many numbers still wait for the user's word (what the case page says)."""
    return sum(1 for row in rows if not row["confirmed"])


def confirmed_roles(case: Case) -> dict[str, tuple[str, str]]:
    """number → (role, institution) for every number the user confirmed; the institution of a collector is
    the lender it calls for (an agency's calls count under the lender it acts for), "" when not known."""
    roles = {}
    for row in case.numbers.filter(confirmed=True).select_related("party__acts_for"):
        party = row.party
        institution = ""
        if party is not None and party.kind != Party.Kind.PERSON:
            institution = (party.acts_for or party).name
        roles[row.number] = (row.role, institution)
    return roles


def apply_roles(events: list[Event], roles: dict[str, tuple[str, str]]) -> list[Event]:
    """Set each event's role and institution from the confirmed numbers; every other number stays "unknown"."""
    for event in events:
        role, institution = roles.get(phone.normalise(event.number or ""), ("unknown", ""))
        event.role, event.party = role, institution if role == "collector" else ""
    return events
