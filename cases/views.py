from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases.access import Need, cases_for_user, cases_waiting_for_second_factor, get_case_for_user, role_of
from cases.analysis.charts import charts
from cases.analysis.engine import collector_contacts
from cases.analysis.rules import provision_line
from cases.forms import CaseForm, ManualEventForm
from cases.models import Membership
from cases.numbers import number_rows, unconfirmed_count
from cases.services import (
    UNMATCHED_RECORDING,
    case_analyse,
    case_create,
    manual_event_add,
    recording_links,
)
from cases.timeline import timeline_days
from complaints.tracking import case_path
from evidence.curation import note_add
from evidence.custody import actor_from_request, custody_record
from evidence.models import EvidenceItem
from evidence.sanity import case_sanity_problems
from evidence.speakers import SPEAKER_CHOICES

ITEMS_PER_PAGE = 25
# A case with hundreds of recordings can hold hundreds of unchecked phrases; the case page shows the
# first ones (a page a phone can load), the phrases page all of them.
PENDING_ON_CASE_PAGE = 10


def guide(request):
    """The first-run guide: what evidence to collect and what not to do (open to everyone)."""
    return render(request, "guide.html")


@login_required
def case_list(request):
    """The user's own cases and those shared with them, each with where it stands."""
    rows = []
    for case in cases_for_user(request.user).order_by("-created"):
        items, role = case.items.all(), role_of(request.user, case)
        rows.append(
            {
                "case": case,
                "role": role,
                "role_label": dict(Membership.Role.choices).get(role or "", role),
                "items": items.count(),
                "pending": items.filter(status__in=["received", "processing"]).count(),
                "findings": sum(f.kind == "violation" for f in case_analyse(case).findings),
                "bundle": case.bundles.filter(status="ready").first(),
            }
        )
    return render(
        request, "cases/case_list.html", {"rows": rows, "hidden_for_2fa": cases_waiting_for_second_factor(request.user)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_new(request):
    form = CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        case = case_create(actor=actor_from_request(request), **form.cleaned_data)
        return redirect("case-detail", case_id=case.id)
    return render(request, "cases/case_new.html", {"form": form})


@login_required
def case_detail(request, case_id):
    case = get_case_for_user(request.user, case_id)
    custody_record(case=case, action="case_viewed", actor=actor_from_request(request))
    analysis = case_analyse(case)
    if analysis.unconfirmed is None and analysis.events:
        # Kept with the analysis: it changes only with the evidence and the user's classifications.
        rows = number_rows(case, analysis.events)
        analysis.unconfirmed = unconfirmed_count(rows) if rows else None
    role = role_of(request.user, case)
    context = {
        "sanity_problems": case_sanity_problems(case) if role == "owner" else [],
        "case": case,
        "unconfirmed": analysis.unconfirmed,
        "call_days": analysis.call_days or [],
        "items": _item_page(case, request.GET.get("page")),
        "analysis": analysis,
        "role": role,
        "findings": [_finding_row(f, analysis) for f in analysis.findings if f.kind != "at_limit"],
        # Days at the daily limit: facts shown under their own heading, never among the possible violations.
        "at_limit": [_finding_row(f, analysis) for f in analysis.findings if f.kind == "at_limit"],
        "pending": _pending_rows(analysis.pending[:PENDING_ON_CASE_PAGE], analysis.rule_set, get_language()),
        "pending_total": len(analysis.pending),
        "speaker_choices": SPEAKER_CHOICES,
        "disclaimer": analysis.rule_set.disclaimer_for(get_language()),
        # Drawn from confirmed collectors' numbers only, like the findings beside them.
        "charts": charts(
            collector_contacts(analysis.events),
            analysis.rule_set,
            (_("Calls per day"), _("Calls and messages by hour")),
        ),
        "events": analysis.events[-50:],
        "notes": case.notes.filter(item=None).select_related("author"),
        # One query: the letters' channel, status and dates are all the path needs.
        "path": case_path(
            list(case.complaints.only("id", "channel", "status", "filed_on", "replied_on", "created")),
            timezone.localdate(),
            get_language(),
            case.debt_may_be_unlawful,
        ),
    }
    return render(request, "cases/case_detail.html", context)


@login_required
def case_timeline(request, case_id):
    """Every call and message of the case by day, on a phone: night hours shaded, each source a link
    to its place (the row of a screenshot or record, the second of a recording)."""
    case = get_case_for_user(request.user, case_id)
    analysis = case_analyse(case)
    links = recording_links(analysis.events)
    unmatched = [
        item
        for item in case.items.filter(kind="call_recording", withdrawn_at=None)
        if "audio" in item.metadata and not links.get(str(item.pk))
    ]
    return render(
        request,
        "cases/timeline.html",
        {
            "case": case,
            "days": timeline_days(analysis.events, analysis.rule_set),
            "unmatched": unmatched,
            "unmatched_message": UNMATCHED_RECORDING,
            "timezone": analysis.rule_set.timezone,
        },
    )


def _item_page(case, number):
    """One page of the case's items, each with its kind and status in words. Django's get_FOO_display
    rebuilds the whole choice list on every call, which made up a third of the case page's time."""
    page = Paginator(case.items.order_by("-received_at"), ITEMS_PER_PAGE).get_page(number)
    kinds, statuses = dict(EvidenceItem.Kind.choices), dict(EvidenceItem.Status.choices)
    for item in page:
        item.kind_label = kinds.get(item.kind, item.kind)
        item.status_label = statuses.get(item.status, item.status)
    return page


@login_required
def case_phrases(request, case_id):
    """Every phrase still to check, when there are more than the case page shows."""
    case = get_case_for_user(request.user, case_id)
    analysis = case_analyse(case)
    pending = _pending_rows(analysis.pending, analysis.rule_set, get_language())
    context = {
        "case": case,
        "pending": pending,
        "pending_total": len(pending),
        "role": role_of(request.user, case),
        "speaker_choices": SPEAKER_CHOICES,
    }
    return render(request, "cases/phrases.html", context)


def _pending_rows(pending: list[dict], rule_set, language: str) -> list[dict]:
    """The phrases still to check, each with the form that confirms its speaker in one tap."""
    rows = []
    for row in pending:
        item_id, where = row["evidence"][0], row["where"]
        recording = row["source"] == "recording"
        rows.append(
            {
                **row,
                "title": rule_set.title_for(row["rule"], language),
                "position": where["segment"] if recording else where["line"],
                "url": reverse("item-detail", args=[item_id])
                + (f"#t-{where['segment']}" if recording else f"#line-{where['line']}"),
                "action": reverse("item-transcript" if recording else "item-ocr-speaker", args=[item_id]),
            }
        )
    return rows


def _finding_row(f, analysis) -> dict:
    return {
        "finding": f,
        "title": analysis.rule_set.title_for(f.rule, get_language()),
        "provision": provision_line(f.provisions),
        "links": _example_links(f),
        "events": _event_links(f.events),
    }


def _example_links(finding) -> list[dict]:
    """Each example with a link that opens its exhibit at the sentence or line it came from."""
    links = []
    for example in finding.examples:
        evidence = example.get("evidence") or []
        where = example.get("where") or {}
        anchor = f"#t-{where['segment']}" if "segment" in where else f"#line-{where['line']}" if "line" in where else ""
        url = reverse("item-detail", args=[evidence[0]]) + anchor if evidence else ""
        links.append({**example, "url": url})
    return links


def _event_links(events: list[dict]) -> list[dict]:
    """Each event behind a finding with a link to every exhibit it was seen in (a call-log row: its row number)."""
    return [
        {
            **e,
            "links": [
                {"url": reverse("item-detail", args=[s["evidence"]]), "source": s["source"], "row": s.get("row")}
                for s in e["sources"]
                if s.get("evidence")
            ],
        }
        for e in events
    ]


@login_required
@require_http_methods(["GET", "POST"])
def manual_event_new(request, case_id):
    """Record a call, message or contact by hand, for harassment with no file to show."""
    case = get_case_for_user(request.user, case_id, need=Need.OWN)
    form = ManualEventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        manual_event_add(case=case, actor=actor_from_request(request), **form.cleaned_data)
        messages.success(request, _("Recorded."))
        return redirect("case-detail", case_id=case.id)
    return render(request, "cases/manual_event_new.html", {"case": case, "form": form})


@login_required
@require_POST
def case_note(request, case_id):
    case = get_case_for_user(request.user, case_id, need=Need.BUILD)
    text = request.POST.get("text", "").strip()
    if text:
        note_add(case=case, actor=actor_from_request(request), text=text[:5000])
    return redirect("case-detail", case_id=case.id)


@login_required
def case_audit(request, case_id):
    """The owner sees who looked at and did what, when and from where."""
    case = get_case_for_user(request.user, case_id, need=Need.OWN)
    events = case.custody_events.select_related("actor", "item").order_by("-id")[:500]
    return render(request, "cases/audit.html", {"case": case, "events": events})
