"""The search page: words in one case or in all of the user's cases, each hit a link to the place it is in.

The query is sent with POST and never put in the address: searches for "你妈" or a relative's name
must not stay in the browser's history or a proxy's log (issue #18)."""

from uuid import UUID

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from cases.access import cases_for_user
from evidence.search.query import MAX_QUERY, search


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Words to find"), max_length=MAX_QUERY, strip=True)
    case = forms.ChoiceField(label=_("Where"), required=False)

    def __init__(self, *args, cases=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].choices = [("", _("All my cases")), *[(str(c.pk), c.title) for c in cases]]


@login_required
@require_http_methods(["GET", "POST"])
def search_page(request):
    cases = list(cases_for_user(request.user).only("id", "title"))
    # Only the case (not the words) may come in the address, from the case page's link.
    initial = {"case": request.GET.get("case", "")}
    form = SearchForm(request.POST or None, cases=cases, initial=initial)
    results = None
    if request.method == "POST" and form.is_valid():
        case = form.cleaned_data["case"]
        results = search(request.user, form.cleaned_data["q"], UUID(case) if case else None)
        for hit in results.hits:
            begin, end = hit["highlight"]
            hit["parts"] = (hit["snippet"][:begin], hit["snippet"][begin:end], hit["snippet"][end:])
    return render(request, "evidence/search.html", {"form": form, "results": results})
