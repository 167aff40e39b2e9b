from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _


class SignupForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        help_texts = {"username": _("A user name or your phone number.")}
        labels = {"username": _("User name or phone number")}
