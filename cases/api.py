from datetime import UTC, datetime, timedelta
from typing import Literal
from uuid import UUID
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from cases.access import Need, cases_for_user, get_case_for_user
from cases.analysis.engine import in_quiet_hours
from cases.analysis.rules import provision_line
from cases.jurisdictions import case_timezone
from cases.models import Party
from cases.numbers import number_rows
from cases.services import (
    case_analyse,
    case_create,
    case_number_set,
    manual_event_add,
    party_create,
)
from evidence.custody import actor_from_request
from harassguard.lib import phone
from harassguard.lib.errors import ApiError, Text

router = Router(tags=["cases"])


class CaseIn(Schema):
    title: Text = Field(min_length=1, max_length=200)
    platform: Text = Field(default="", max_length=200)
    description: Text = ""
    victim_name: Text = Field(default="", max_length=100)
    collection_company: Text = Field(default="", max_length=200)
    # The lender-kind question (see cases.models.Case.LenderKind): which binding rules apply, and
    # whether the police are the first stop.
    lender_kind: Literal["", "bank", "consumer_finance", "small_loan", "other_licensed", "unlicensed"] = ""
    rate_lawful: Literal["", "yes", "no"] = ""


class CaseOut(Schema):
    id: UUID
    title: str
    platform: str
    description: str
    victim_name: str
    collection_company: str
    lender_kind: str
    rate_lawful: str
    created: datetime
    item_count: int


def _case_out(case) -> dict:
    return {
        "id": case.id,
        "title": case.title,
        "platform": case.platform,
        "description": case.description,
        "victim_name": case.victim_name,
        "collection_company": case.collection_company,
        "lender_kind": case.lender_kind,
        "rate_lawful": case.rate_lawful,
        "created": case.created,
        "item_count": case.items.count(),
    }


@router.post("/cases", response={201: CaseOut})
def create_case(request, payload: CaseIn):
    """Open a new case owned by the caller."""
    if not payload.title.strip():
        raise ApiError(400, _("Give the case a title."), "invalid")
    fields = {name: value.strip() for name, value in payload.dict().items()}
    case = case_create(actor=actor_from_request(request), **fields)
    return Status(201, _case_out(case))


@router.get("/cases", response=list[CaseOut])
def list_cases(request):
    """The caller's cases, newest first."""
    return [_case_out(case) for case in cases_for_user(request.user)]


@router.get("/cases/{case_id}", response=CaseOut)
def get_case(request, case_id: UUID):
    return _case_out(get_case_for_user(request.user, case_id))


class FindingOut(Schema):
    rule: str
    category: str
    # violation (a possible violation) | clue | at_limit (a day that reached the daily limit exactly): the last two
    # are facts to note, never violations.
    kind: str
    title: str
    count: int
    provision: str
    provisions: list[dict]
    evidence: list[str]
    examples: list[dict]
    worst_days: list[dict]
    events: list[dict]


class EventOut(Schema):
    kind: str
    at: datetime | None
    start: datetime | None
    number: str
    target: str
    contact: str
    direction: str  # incoming | missed | rejected | outgoing | unknown
    connected: bool
    duration: int | None
    derived_date: bool
    local: datetime | None = None  # `at` in the case's time zone (the timeline's days)
    night: bool = False  # in the quiet hours of the case's rules (22:00–08:00 in China)
    # The role the owner confirmed for the number (collector, borrower, third_party, other; unknown until then).
    role: str
    party: str
    evidence: list[str]
    # [{"kind": "carrier", "item": "<id>", "row": 17, ...}]: each source names where in its item it was seen.
    sources: list[dict]


@router.get("/cases/{case_id}/findings", response=list[FindingOut])
def case_findings(request, case_id: UUID):
    """Possible violations found in the case's evidence, each with its rule, provisions and exhibits."""
    analysis = case_analyse(get_case_for_user(request.user, case_id))
    return [{**f.__dict__, "provision": provision_line(f.provisions)} for f in analysis.findings]


@router.get("/cases/{case_id}/events", response=list[EventOut])
def case_events(request, case_id: UUID):
    """Every call, message and third-party contact, merged across sources, in time order: the timeline
    page's rows, each with its local time and whether it fell in the quiet hours the rules protect."""
    analysis = case_analyse(get_case_for_user(request.user, case_id))
    tz = ZoneInfo(analysis.rule_set.timezone)
    quiet = next((r for r in analysis.rule_set.rules if r.type == "quiet_hours"), None)
    return [_timeline_row(event_out(e), tz, quiet) for e in analysis.events]


def _timeline_row(row: dict, tz: ZoneInfo, quiet) -> dict:
    local = row["at"].astimezone(tz) if row["at"] else None
    return {**row, "local": local, "night": bool(local and quiet and in_quiet_hours(local, quiet))}


class ManualEventIn(Schema):
    # A default rather than a required field: the access check comes first, so a stranger learns nothing from a 400.
    kind: Literal["", "call", "message", "third_party_contact", "other"] = ""
    occurred_at: datetime | None = None
    number: Text = Field(default="", max_length=40, description="The collector's number")
    connected: bool = Field(default=False, description="The call was answered")
    contact_name: Text = Field(default="", max_length=100, description="Who was contacted (third_party_contact)")
    contact_relation: Text = Field(default="", max_length=100)
    description: Text = Field(default="", max_length=5000, description="What was said or done")


class ManualEventOut(Schema):
    id: UUID
    kind: str
    occurred_at: datetime | None
    number: str
    connected: bool
    contact_name: str
    contact_relation: str
    description: str
    created: datetime


@router.post("/cases/{case_id}/events", response={201: ManualEventOut})
def add_manual_event(request, case_id: UUID, payload: ManualEventIn):
    """Record a call, message or contact by hand, for harassment with no file to show (the owner only).
    It joins the events and the findings, marked as told by the user."""
    case = get_case_for_user(request.user, case_id, need=Need.OWN)
    if not payload.kind:
        raise ApiError(400, _("Say what happened: a call, a message, a contact or something else."), "invalid")
    fields = {k: v.strip() if isinstance(v, str) else v for k, v in payload.dict().items()}
    fields["occurred_at"] = _event_time(case, payload.occurred_at)
    return Status(201, manual_event_add(case=case, actor=actor_from_request(request), **fields))


def _event_time(case, when: datetime | None) -> datetime | None:
    """A time without an offset is read in the case's time zone; one in the future or before 1990 is refused."""
    if when is None:
        return None
    when = when if when.tzinfo else when.replace(tzinfo=case_timezone(case))
    if not EARLIEST <= when <= timezone.now() + timedelta(days=1):
        raise ApiError(400, _("Give a time between 1990 and now."), "invalid")
    return when


EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)


def event_out(event) -> dict:
    """An event as the API gives it: each source as kind, item and the row, line or second within it."""
    sources = [
        {
            "kind": s.get("source", ""),
            "item": s.get("evidence") or None,
            **{k: v for k, v in s.items() if k not in ("source", "evidence")},
        }
        for s in event.sources
    ]
    return {**event.__dict__, "start": event.at, "evidence": event.evidence, "sources": sources}


class NumberOut(Schema):
    number: str
    role: str
    confirmed: bool
    party: dict | None
    suggested_role: str
    reasons: list[str]
    calls: int
    connected_calls: int
    first_seen: datetime | None
    last_seen: datetime | None


class PartyIn(Schema):
    kind: Literal["lender", "platform", "agency", "person"]
    name: Text = Field(min_length=1, max_length=200)
    relation: Text = Field(default="", max_length=100)
    acts_for: UUID | None = None


class NumberIn(Schema):
    role: Literal["collector", "borrower", "third_party", "other", "unknown"]
    # An existing party of the case, or a new one to add.
    party: UUID | PartyIn | None = None


@router.get("/cases/{case_id}/numbers", response=list[NumberOut])
def case_numbers(request, case_id: UUID):
    """Every number seen in the case: its confirmed role, the suggested one with the reasons, its calls."""
    case = get_case_for_user(request.user, case_id)
    return number_rows(case, case_analyse(case).events)


@router.get("/cases/{case_id}/numbers/{number}", response=NumberOut)
def case_number_get(request, case_id: UUID, number: str):
    """One number of the case, as in the list; 404 when the case holds no such number."""
    case = get_case_for_user(request.user, case_id)
    normal = phone.normalise(number)
    row = next((r for r in number_rows(case, case_analyse(case).events) if r["number"] == normal), None)
    if row is None:
        raise ApiError(404, _("Not found."), "not_found")
    return row


@router.put("/cases/{case_id}/numbers/{number}", response=NumberOut)
def case_number_put(request, case_id: UUID, number: str, payload: NumberIn):
    """Confirm or change a number's role; only the case's owner may (the letters say she confirmed them)."""
    case = get_case_for_user(request.user, case_id, need=Need.OWN)
    normal = phone.normalise(number)
    if len(normal.lstrip("+")) < 5:
        raise ApiError(400, _("That is not a phone number."), "invalid_number")
    actor = actor_from_request(request)
    party = _party_for(case, actor, payload)
    case_number_set(case=case, actor=actor, number=normal, role=payload.role, party=party)
    return next(row for row in number_rows(case, case_analyse(case).events) if row["number"] == normal)


# Which kinds of party a number of each role may belong to.
PARTY_KINDS = {"collector": {"lender", "platform", "agency"}, "third_party": {"person"}}


def _party_for(case, actor, payload: NumberIn) -> Party | None:
    if payload.party is None:
        return None
    if isinstance(payload.party, UUID):
        party = case.parties.filter(pk=payload.party).first()
        if party is None:
            raise ApiError(400, _("No such party in this case."), "invalid_party")
    else:
        party = _party_find_or_add(case, actor, payload.party)
    if party.kind not in PARTY_KINDS.get(payload.role, set()):
        raise ApiError(400, _("A number with this role cannot belong to that party."), "invalid_party")
    return party


def _party_find_or_add(case, actor, data: PartyIn) -> Party:
    acts_for = case.parties.filter(pk=data.acts_for).first() if data.acts_for else None
    if data.acts_for and acts_for is None:
        raise ApiError(400, _("No such party in this case."), "invalid_party")
    name, relation = data.name.strip(), data.relation.strip()
    found = case.parties.filter(kind=data.kind, name=name, relation=relation).first()
    return found or party_create(
        case=case, actor=actor, kind=data.kind, name=name, relation=relation, acts_for=acts_for
    )


class PartyOut(Schema):
    id: UUID
    kind: str
    name: str
    relation: str
    acts_for: UUID | None = Field(default=None, alias="acts_for_id")


@router.get("/cases/{case_id}/parties", response=list[PartyOut])
def case_parties(request, case_id: UUID):
    """The lenders, platforms, agencies and people of the case."""
    return list(get_case_for_user(request.user, case_id).parties.all())
