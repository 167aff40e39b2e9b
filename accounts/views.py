from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.forms import SignupForm
from accounts.models import ApiToken
from accounts.sessions import active_sign_ins, sign_out_others


@require_http_methods(["GET", "POST"])
def signup(request):
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("case-list")
    return render(request, "accounts/signup.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request):
    """The user's API tokens (only their first characters), and revoking one."""
    if request.method == "POST":
        ApiToken.objects.filter(user=request.user, prefix=request.POST.get("prefix", "")).delete()
        messages.success(request, _("Token revoked."))
        return redirect("tokens")
    return render(request, "accounts/tokens.html", {"tokens": request.user.api_tokens.order_by("-created")})


@login_required
@require_http_methods(["GET", "POST"])
def sessions(request):
    """Recent sign-ins and live sessions (time, device, IP), and signing out all the others."""
    if request.method == "POST":
        ended = sign_out_others(request.user, request.session.session_key)
        messages.success(request, _("Signed out of %(n)d other session(s).") % {"n": ended})
        return redirect("sessions")
    context = {"recent": request.user.sign_ins.all()[:20], "active": active_sign_ins(request.user),
               "current": request.session.session_key}
    return render(request, "accounts/sessions.html", context)
