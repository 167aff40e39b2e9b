"""The numbers page: every number of the case, what the machine suggests and why, one tap to confirm."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.access import OWNER, Need, get_case_for_user, role_of
from cases.models import CaseNumber, Party
from cases.numbers import number_anchor, number_rows, unconfirmed_count
from cases.services import case_analyse, case_number_set, party_create
from evidence.custody import actor_from_request
from harassguard.lib import phone

# The parties a number of each role may belong to (the others have none).
PARTY_KINDS = {
    CaseNumber.Role.COLLECTOR: {Party.Kind.LENDER, Party.Kind.PLATFORM, Party.Kind.AGENCY},
    CaseNumber.Role.THIRD_PARTY: {Party.Kind.PERSON},
}


@login_required
def case_numbers(request, case_id):
    case = get_case_for_user(request.user, case_id)
    rows = number_rows(case, case_analyse(case).events)
    roles = dict(CaseNumber.Role.choices)
    for row in rows:
        row["role_label"], row["suggested_label"] = roles[row["role"]], roles[row["suggested_role"]]
        row["anchor"] = number_anchor(case.id, row["number"])
    parties = list(case.parties.select_related("acts_for"))
    return render(
        request,
        "cases/numbers.html",
        {
            "case": case,
            "rows": rows,
            "unconfirmed": unconfirmed_count(rows),
            "roles": CaseNumber.Role.choices,
            "parties": parties,
            "institutions": [p for p in parties if p.kind != Party.Kind.PERSON],
            "party_kinds": Party.Kind.choices,
            "can_change": role_of(request.user, case) == OWNER,
        },
    )


@login_required
@require_POST
def case_number_change(request, case_id):
    """Set one number's role (and its party); the owner's word is what the counts and letters go by."""
    case = get_case_for_user(request.user, case_id, need=Need.OWN)
    number, role = phone.normalise(request.POST.get("number", "")), request.POST.get("role", "")
    if len(number.lstrip("+")) < 5 or role not in CaseNumber.Role.values:
        return HttpResponseBadRequest(_("That is not a phone number."))
    party = _party(case, request.POST.get("party"))
    if party is not None and party.kind not in PARTY_KINDS.get(role, set()):
        party = None
    actor = actor_from_request(request)
    if party is None and role == CaseNumber.Role.THIRD_PARTY and request.POST.get("name", "").strip():
        party = party_create(
            case=case,
            actor=actor,
            kind=Party.Kind.PERSON,
            name=request.POST["name"].strip()[:200],
            relation=request.POST.get("relation", "").strip()[:100],
        )
    case_number_set(case=case, actor=actor, number=number, role=role, party=party)
    messages.success(
        request, _("Saved: %(number)s is now “%(role)s”.") % {"number": number, "role": CaseNumber.Role(role).label}
    )
    return redirect(reverse("case-numbers", args=[case.id]) + "#" + number_anchor(case.id, number))


@login_required
@require_POST
def case_party_add(request, case_id):
    """Add the lender named in the loan contract, the platform or app, or a collection agency."""
    case = get_case_for_user(request.user, case_id, need=Need.OWN)
    kind, name = request.POST.get("kind", ""), request.POST.get("name", "").strip()[:200]
    if kind not in {Party.Kind.LENDER, Party.Kind.PLATFORM, Party.Kind.AGENCY} or not name:
        return HttpResponseBadRequest(_("Give the kind and the name."))
    acts_for = _party(case, request.POST.get("acts_for"))
    party_create(case=case, actor=actor_from_request(request), kind=kind, name=name, acts_for=acts_for)
    return redirect("case-numbers", case_id=case.id)


def _party(case, raw: str | None) -> Party | None:
    """The case's party whose id the form sent; None for none, a malformed id or another case's party."""
    try:
        return case.parties.filter(pk=UUID(raw)).first() if raw else None
    except ValueError:
        return None
