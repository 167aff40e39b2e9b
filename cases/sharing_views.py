from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.mail import mail_send
from accounts.privacy import privacy_of
from cases.access import Need, get_case_for_user
from cases.models import Membership
from cases.sharing import (
    InvitationInvalid,
    invitation_accept,
    invitation_create,
    invitation_find,
    invitation_revoke,
    membership_revoke,
)
from evidence.custody import actor_from_request
from harassguard.lib.ids import form_uuid


class InviteForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Membership.Role.choices)
    note = forms.CharField(
        label=gettext_lazy("For whom (a name or e-mail, for your own records)"), max_length=200, required=False
    )
    email = forms.EmailField(label=gettext_lazy("Send the link to this e-mail address (optional)"), required=False)


@login_required
@require_http_methods(["GET", "POST"])
def sharing(request, case_id):
    """The owner's page: who can see the case, new invitation links, revoking access."""
    case = get_case_for_user(request.user, case_id, need=Need.OWN)
    form = InviteForm(request.POST or None)
    link = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        _inv, raw = invitation_create(
            case=case, actor=actor_from_request(request), role=data["role"], note=data["note"] or data["email"]
        )
        link = request.build_absolute_uri(reverse("invitation", args=[raw]))
        if data["email"]:
            invitation_email(
                to=data["email"],
                link=link,
                inviter=request.user.get_username(),
                discreet=privacy_of(request.user).discreet,
            )
            messages.success(request, _("The invitation was sent to %(email)s.") % {"email": data["email"]})
        form = InviteForm()
    context = {
        "case": case,
        "form": form,
        "link": link,
        "members": case.memberships.filter(revoked_at=None).select_related("user"),
        "invitations": case.invitations.filter(accepted_at=None, revoked_at=None),
    }
    return render(request, "cases/sharing.html", context)


def invitation_email(*, to: str, link: str, inviter: str, discreet: bool = False) -> None:
    """E-mail an invitation link (the case's title stays out of the message; in discreet mode,
    the inviter's name and the site's purpose too)."""
    body = _(
        "%(inviter)s invites you to review a case on HarassGuard. Open this link (it works once, for 14 days) "
        "and sign in or create an account:\n\n%(link)s"
    ) % {"inviter": inviter, "link": link}
    mail_send(to=to, subject=_("An invitation to review a case"), body=body, link=link, discreet=discreet)


@login_required
@require_POST
def sharing_revoke(request, case_id):
    case = get_case_for_user(request.user, case_id, need=Need.OWN)
    actor = actor_from_request(request)
    if request.POST.get("username"):
        membership_revoke(case=case, actor=actor, username=request.POST["username"])
    elif request.POST.get("invitation"):
        invitation_revoke(case=case, actor=actor, invitation_id=form_uuid(request.POST["invitation"]))
    messages.success(request, _("Access revoked."))
    return redirect("sharing", case_id=case.id)


@login_required
@require_http_methods(["GET", "POST"])
def invitation(request, token):
    """Someone opening an invitation link sees what it is for, and accepts it with a button."""
    try:
        invite = invitation_find(token)
        if request.method == "POST":
            membership = invitation_accept(raw=token, actor=actor_from_request(request))
            return redirect("case-detail", case_id=membership.case_id)
    except InvitationInvalid:
        return render(request, "cases/invitation.html", {"invalid": True}, status=404)
    return render(request, "cases/invitation.html", {"invite": invite})
