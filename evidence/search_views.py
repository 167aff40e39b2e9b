"""The search page: words in one case or in all of the user's cases, each hit a link to the place it is in.

The words are sent with POST and never put in an address: a search for "你妈" or a relative's name must
not stay in the browser's history or a proxy's log (issue #18). POST, then redirect: the words wait in the
server-side session under a random key, and the results page's address holds only that key, so the
phone's back button returns to the results without asking to send the form again."""

import secrets
from uuid import UUID

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from cases.access import cases_for_user
from evidence.search.query import MAX_QUERY, search

SESSION_KEY = "searches"
KEPT = 10  # the last searches a session keeps, so back and forward find theirs


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Words to find"), max_length=MAX_QUERY, strip=True)
    case = forms.ChoiceField(label=_("Where"), required=False)

    def __init__(self, *args, cases=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["case"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("All my cases")), *[(str(c.pk), c.title) for c in cases]]


@login_required
@require_http_methods(["GET", "POST"])
def search_page(request):
    cases = list(cases_for_user(request.user).only("id", "title"))
    if request.method == "POST":
        form = SearchForm(request.POST, cases=cases)
        if form.is_valid():
            return redirect(f"{reverse('search')}?r={_remember(request, form.cleaned_data)}")
        return render(request, "evidence/search.html", {"form": form, "results": None})
    asked = request.session.get(SESSION_KEY, {}).get(request.GET.get("r", ""))
    if asked is None:
        # Only the case (not the words) may come in the address, from the case page's link.
        form = SearchForm(cases=cases, initial={"case": request.GET.get("case", "")})
        return render(request, "evidence/search.html", {"form": form, "results": None})
    form = SearchForm(asked, cases=cases)
    if not form.is_valid():  # the case was unshared since: ask again
        return render(request, "evidence/search.html", {"form": form, "results": None})
    case = form.cleaned_data["case"]
    results = search(request.user, form.cleaned_data["q"], UUID(case) if case else None)
    for hit in results.hits:
        begin, end = hit["highlight"]
        hit["parts"] = (hit["snippet"][:begin], hit["snippet"][begin:end], hit["snippet"][end:])
    return render(request, "evidence/search.html", {"form": form, "results": results, "across": not case})


def _remember(request, asked: dict) -> str:
    """Keep the words in the session under a new random key; returns the key."""
    kept = request.session.get(SESSION_KEY, {})
    key = secrets.token_urlsafe(9)
    kept[key] = {"q": asked["q"], "case": asked["case"]}
    request.session[SESSION_KEY] = dict(list(kept.items())[-KEPT:])
    return key
