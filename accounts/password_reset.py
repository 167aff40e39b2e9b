"""Password reset by e-mail, with Django's own views and tokens, throttled like sign-in.

The answer is the same whether or not an account has that address, and a reset ends every
session and revokes every API token, as a password change does.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.shortcuts import redirect
from django.template import loader
from django.urls import reverse, reverse_lazy

from accounts.credentials import sign_out_everywhere_else
from accounts.lockout import lockout_response
from accounts.mail import mail_send
from accounts.privacy import privacy_of
from accounts.throttle import counted_over, rate_limited


class DiscreetPasswordResetForm(PasswordResetForm):
    """Django's form, its e-mail sent through accounts.mail (neutral in discreet mode)."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        link = (
            context["protocol"]
            + "://"
            + context["domain"]
            + reverse("password-reset-confirm", kwargs={"uidb64": context["uid"], "token": context["token"]})
        )
        mail_send(to=to_email, subject=subject, body=body, link=link, discreet=privacy_of(context["user"]).discreet)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = DiscreetPasswordResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("password-reset-done")

    def post(self, request, *args, **kwargs):
        if rate_limited(request, "password-reset", settings.PASSWORD_RESET_PER_HOUR):
            return lockout_response(request, 3600, signin=False)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        # A mailbox gets a few links an hour at most; beyond that the same answer, and no mail.
        if counted_over("password-reset-email", form.cleaned_data["email"].lower(), settings.PASSWORD_RESET_PER_HOUR):
            return redirect(self.success_url)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("password-reset-complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        sign_out_everywhere_else(form.user, None)
        return response
