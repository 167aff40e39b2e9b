from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cases.access import cases_for_user, get_case_for_user
from cases.forms import CaseForm
from cases.services import case_create
from evidence.custody import actor_from_request


@login_required
def case_list(request):
    return render(request, "cases/case_list.html", {"cases": cases_for_user(request.user)})


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
    return render(request, "cases/case_detail.html", {"case": case, "items": case.items.all()})
