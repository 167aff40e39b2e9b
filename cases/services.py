from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy

from cases.analysis.engine import Event, Finding, analyse, call_days, merge_events, pending_phrases
from cases.analysis.inputs import case_inputs
from cases.analysis.rules import RuleSet, load_rule_set
from cases.models import Case, CaseNumber, ManualEvent, Party
from cases.numbers import apply_roles, confirmed_roles
from evidence.custody import Actor, custody_record
from evidence.models import READ_ACTIONS_SORTED


def case_create(*, actor: Actor, title: str, **fields) -> Case:
    """Create a case owned by the acting user, with its first custody event.

    `fields` are the Case's other descriptive fields (platform, description, …)."""
    with transaction.atomic():
        case = Case.objects.create(owner=actor.user, title=title, **fields)
        custody_record(case=case, action="case_created", actor=actor, title=title)
    return case


@dataclass
class CaseAnalysis:
    rule_set: RuleSet
    events: list[Event]
    findings: list[Finding]
    # Names the state of the evidence it was made from (see analysis_version).
    version: str = ""
    # Collector calls day by day and institution, connected or not (analysis.call_days).
    call_days: list[dict] | None = None
    # How many numbers wait for the user's word (cases.numbers.unconfirmed_count), filled in by the case page.
    unconfirmed: int | None = None
    # Possible violation phrases whose speaker the user has still to confirm ("待核对的可能违规用语").
    pending: list[dict] = field(default_factory=list)


def analysis_version(case: Case) -> str:
    """A key that changes whenever the case's evidence or records change.

    Every change leaves a custody event, so the newest non-reading event
    identifies the state the analysis depends on."""
    latest = case.custody_events.exclude(action__in=READ_ACTIONS_SORTED).aggregate(latest=Max("id"))["latest"]
    return f"analysis:{case.pk}:{case.jurisdiction}:{case.lender_kind}:{latest}"


# The latest analyses made in this process, by version. Kept as objects rather than in Django's
# cache, whose unpickling of a 300-item analysis cost a tenth of a case page.
_ANALYSES: dict[str, CaseAnalysis] = {}
_ANALYSES_KEPT = 64


def case_analyse(case: Case) -> CaseAnalysis:
    """Analyse the case's current evidence with its jurisdiction's rules.

    Recomputed whenever the evidence changes (see analysis_version) and reused
    until then, so the same evidence always gives the same findings.
    """
    key = analysis_version(case)
    found = _ANALYSES.get(key)
    if found is None:
        rule_set = load_rule_set(case.jurisdiction)
        events, sentences = case_inputs(case)
        events = merge_events(apply_roles(events, confirmed_roles(case)))
        found = CaseAnalysis(
            rule_set,
            events,
            analyse(events, sentences, rule_set, case.lender_kind),
            key,
            call_days(events, ZoneInfo(rule_set.timezone)),
            pending=pending_phrases(sentences, rule_set),
        )
        if len(_ANALYSES) >= _ANALYSES_KEPT:
            _ANALYSES.pop(next(iter(_ANALYSES)), None)
        _ANALYSES[key] = found
    return found


ROW_SOURCES = ("carrier", "call_log", "call_screenshot")
UNMATCHED_RECORDING = gettext_lazy(
    "No matching call-log row was found: upload a screenshot of the call history or the carrier's itemised record"
)


def recording_links(events: list[Event]) -> dict[str, list[dict]]:
    """For each recording, the call-log, carrier or call-history rows of the same call
    (carrier first); an empty list means no row corroborates it."""
    links: dict[str, list[dict]] = {}
    for event in events:
        rows = sorted(
            (s for s in event.sources if s.get("source") in ROW_SOURCES), key=lambda s: ROW_SOURCES.index(s["source"])
        )
        for source in event.sources:
            if source.get("source") == "recording" and source.get("evidence"):
                links.setdefault(source["evidence"], []).extend(rows)
    return links


def manual_event_add(*, case: Case, actor: Actor, **fields) -> ManualEvent:
    """Record an event the user describes by hand, with its custody record."""
    with transaction.atomic():
        event = ManualEvent.objects.create(case=case, created_by=actor.user, **fields)
        custody_record(
            case=case,
            action="manual_event_added",
            actor=actor,
            manual_event=str(event.pk),
            kind=event.kind,
            occurred_at=event.occurred_at.isoformat() if event.occurred_at else None,
        )
    return event


def party_create(
    *, case: Case, actor: Actor, kind: str, name: str, relation: str = "", acts_for: Party | None = None
) -> Party:
    """Add a lender, platform, agency or person to the case, with its custody record."""
    with transaction.atomic():
        party = Party.objects.create(case=case, kind=kind, name=name, relation=relation, acts_for=acts_for)
        custody_record(
            case=case,
            action="party_added",
            actor=actor,
            party=str(party.pk),
            kind=kind,
            name=name,
            relation=relation,
            acts_for=str(acts_for.pk) if acts_for else None,
        )
    return party


def case_number_set(
    *, case: Case, actor: Actor, number: str, role: str, party: Party | None = None, confirmed: bool = True
) -> CaseNumber:
    """Give a number of the case its role (and the party it belongs to), with a custody record of the change.

    `number` must be normalised (harassguard.lib.phone.normalise). Choosing "unknown" withdraws a confirmation."""
    with transaction.atomic():
        row, _created = CaseNumber.objects.select_for_update().get_or_create(case=case, number=number)
        before = {"role": row.role, "confirmed": row.confirmed, "party": str(row.party_id) if row.party_id else None}
        row.role, row.party = role, party
        row.confirmed = confirmed and role != CaseNumber.Role.UNKNOWN
        row.updated_by = actor.user
        row.save()
        custody_record(
            case=case,
            action="number_classified",
            actor=actor,
            number=number,
            role=role,
            confirmed=row.confirmed,
            party=str(party.pk) if party else None,
            before=before,
        )
    return row


def case_set_lender(*, case: Case, actor: Actor, lender_kind: str, rate_lawful: str) -> Case:
    """Record what kind of lender it is and whether its rate is lawful (the analysis key includes it)."""
    with transaction.atomic():
        case.lender_kind, case.rate_lawful = lender_kind, rate_lawful
        case.save(update_fields=["lender_kind", "rate_lawful"])
        custody_record(
            case=case, action="lender_described", actor=actor, lender_kind=lender_kind, rate_lawful=rate_lawful
        )
    return case
