from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.lockout import lockout_response
from accounts.privacy import STATEMENT_LINK
from accounts.throttle import rate_limited
from cases.access import Need, get_case_for_user
from cases.statement_links import LinkInvalid, link_create, link_find, link_revoke, statement_submit
from evidence.custody import actor_from_request
from evidence.forms import phone_number
from evidence.intake import services
from harassguard.lib.ids import form_uuid


class LinkForm(forms.Form):
    name = forms.CharField(label=_("Their name"), max_length=100)
    relation = forms.CharField(label=_("Their relation to you"), max_length=100)


class RelativeStatementForm(forms.Form):
    # The witness writes or corrects their own name: the owner's label for the link is only a suggestion.
    name = forms.CharField(label=_("Your full name"), max_length=100)
    text = forms.CharField(
        label=_("What happened: when, which number called or wrote, what was said"),
        widget=forms.Textarea(attrs={"rows": 8}),
        strip=False,
    )
    occurred_at = forms.DateTimeField(
        label=_("When it happened"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    counterparty_number = forms.CharField(
        label=_("The number that contacted you"), max_length=40, required=False, validators=[phone_number]
    )
    willing = forms.BooleanField(label=_("I am willing to testify if needed"), required=False)
    contact = forms.CharField(label=_("How to reach you"), max_length=200, required=False)


@login_required
@require_http_methods(["GET", "POST"])
def statement_links(request, case_id):
    """The owner makes links for harassed relatives and colleagues, and sees which were used."""
    case = get_case_for_user(request.user, case_id, need=Need.OWN)
    form = LinkForm(request.POST or None)
    link_url = ""
    if request.method == "POST" and form.is_valid():
        _link, raw = link_create(case=case, actor=actor_from_request(request), **form.cleaned_data)
        link_url = request.build_absolute_uri(reverse("relative-statement", args=[raw]))
        form = LinkForm()
    return render(
        request,
        "cases/statement_links.html",
        {"case": case, "form": form, "link_url": link_url, "links": case.statement_links.order_by("-created")},
    )


@login_required
@require_POST
def statement_link_revoke(request, case_id):
    case = get_case_for_user(request.user, case_id, need=Need.OWN)
    link_revoke(case=case, actor=actor_from_request(request), link_id=form_uuid(request.POST.get("link")))
    return redirect("statement-links", case_id=case.id)


@require_http_methods(["GET", "POST"])
def relative_statement(request, token):
    """The address the relative receives, `/s/<token>/`: opening it keeps the link in this phone's
    session and sends the browser on to `/s/`, so the token stays out of the address bar and the
    tab's history (security review L7). A form still posting here is served as before.
    Limited per address (STATEMENT_LINK_PER_HOUR) against floods of submissions and link guessing."""
    if rate_limited(request, "statement-link", settings.STATEMENT_LINK_PER_HOUR):
        return lockout_response(request, 3600, signin=False)
    if request.method == "POST":
        return _statement_page(request, token)
    try:
        link_find(token)
    except LinkInvalid:
        return render(request, "cases/relative_statement.html", {"invalid": True}, status=404)
    request.session[STATEMENT_LINK] = token
    return redirect("relative-statement-page")


@require_http_methods(["GET", "POST"])
def relative_statement_page(request):
    """The relative's page at a token-free address, for the link kept in the session. Without one
    (never opened here, or forgotten by the quick exit) a neutral page says to open the link again
    from the message, and shows nothing of the case. Sending counts against the same limit."""
    if request.method == "POST" and rate_limited(request, "statement-link", settings.STATEMENT_LINK_PER_HOUR):
        return lockout_response(request, 3600, signin=False)
    token = request.session.get(STATEMENT_LINK)
    if not token:
        return render(request, "cases/relative_statement.html", {"closed": True})
    return _statement_page(request, token)


def _statement_page(request, token):
    """The statement form itself: no account, nothing of the case shown, one submission."""
    try:
        link = link_find(token)
    except LinkInvalid:
        return _link_gone(request)
    form = RelativeStatementForm(request.POST or None, initial={"name": link.name})
    error = services.upload_problem_error(getattr(request, "upload_problem", None))
    if request.method == "POST" and form.is_valid() and not error:
        data = form.cleaned_data
        try:
            statement_submit(
                raw=token,
                actor=actor_from_request(request),
                name=data["name"].strip(),
                text=data["text"],
                contact=data["contact"],
                willing=data["willing"],
                uploads=request.FILES.getlist("files"),
                fields={"occurred_at": data["occurred_at"], "counterparty_number": data["counterparty_number"].strip()},
            )
        except services.IntakeError as exc:
            error = exc
        except LinkInvalid:
            return _link_gone(request)
        else:
            request.session.pop(STATEMENT_LINK, None)
            return render(request, "cases/relative_statement.html", {"done": True})
    return render(
        request,
        "cases/relative_statement.html",
        {"link": link, "token": token, "form": form, "error": error.message if error else ""},
        status=400 if error or form.errors else 200,
    )


def _link_gone(request):
    request.session.pop(STATEMENT_LINK, None)
    return render(request, "cases/relative_statement.html", {"invalid": True}, status=404)
