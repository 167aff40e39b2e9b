from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.forms import SignupForm
from accounts.models import ApiToken


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
