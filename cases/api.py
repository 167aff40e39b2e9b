from datetime import datetime
from typing import Literal
from uuid import UUID

from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from cases.access import cases_for_user, get_case_for_user
from cases.services import case_analyse, case_create, finding_provision_line
from evidence.custody import actor_from_request
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
        "id": case.id, "title": case.title, "platform": case.platform,
        "description": case.description, "victim_name": case.victim_name,
        "collection_company": case.collection_company, "lender_kind": case.lender_kind,
        "rate_lawful": case.rate_lawful, "created": case.created, "item_count": case.items.count(),
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
    title: str
    count: int
    provision: str
    provisions: list[dict]
    evidence: list[str]
    examples: list[dict]
    worst_days: list[dict]


class EventOut(Schema):
    kind: str
    at: datetime | None
    number: str
    target: str
    contact: str
    evidence: list[str]
    sources: list[dict]


@router.get("/cases/{case_id}/findings", response=list[FindingOut])
def case_findings(request, case_id: UUID):
    """Possible violations found in the case's evidence, each with its rule, provisions and exhibits."""
    analysis = case_analyse(get_case_for_user(request.user, case_id))
    return [{**f.__dict__, "provision": finding_provision_line(f)} for f in analysis.findings]


@router.get("/cases/{case_id}/events", response=list[EventOut])
def case_events(request, case_id: UUID):
    """Every call, message and third-party contact, merged across sources, in time order."""
    analysis = case_analyse(get_case_for_user(request.user, case_id))
    return [{**e.__dict__, "evidence": e.evidence} for e in analysis.events]
