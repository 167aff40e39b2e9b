import re
import secrets

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from accounts.models import Privacy
from accounts.privacy import PIN_DIGITS


def suggested_username() -> str:
    """A user name nobody can guess, offered on the sign-up form."""
    return f"hg-{secrets.token_hex(4)}"


# Digits with the separators people type in phone numbers: "138 1234 5678", "+86-138…", "(010)…".
_NUMBER_LIKE = re.compile(r"[\d\s+\-().]+")


class SignupForm(UserCreationForm):
    """New account. Collectors know their targets' phone numbers, so the form no longer suggests
    one as the user name: it offers a random name instead, refuses names that are numbers (a
    phone or QQ number), and a taken name gets the same neutral answer as any other refused
    name. Refusing every number alike means sign-up cannot be asked whether a number has an account."""

    email = forms.EmailField(
        label=_("E-mail (optional)"),
        required=False,
        help_text=_("Only to reset a forgotten password. Never shown to anyone."),
    )

    class Meta(UserCreationForm.Meta):  # type: ignore[name-defined]  # django-stubs does not declare it
        fields = ("username", "email")
        help_texts = {"username": _("Write it down. Better not your phone number: collectors know it.")}
        labels = {"username": _("User name")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("username", suggested_username())

    def clean_username(self):
        """Refuse a taken name (in any case) without Django's "already exists" wording."""
        username = self.cleaned_data.get("username")
        if username and _NUMBER_LIKE.fullmatch(username) and sum(c.isdigit() for c in username) >= 7:
            raise forms.ValidationError(
                _("A number cannot be the user name: collectors know your numbers. Keep the name offered."),
                code="number",
            )
        if username and self._meta.model.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This user name cannot be used. Choose another."), code="unavailable")
        return username

    def validate_unique(self):
        # clean_username has answered for the user name; a race past it fails at the database.
        pass


class EmailForm(forms.Form):
    email = forms.EmailField(label=_("E-mail for password resets"), required=False)


class PrivacyForm(forms.ModelForm):
    class Meta:
        model = Privacy
        fields = ("exit_page", "discreet")
        widgets = {"exit_page": forms.RadioSelect}
        help_texts = {
            "discreet": _(
                "The browser tab says “Notes” with a plain icon, and e-mails say only that there is a "
                "message to read after signing in."
            )
        }


def _pin_field(label):
    return forms.CharField(
        label=label,
        min_length=PIN_DIGITS[0],
        max_length=PIN_DIGITS[1],
        validators=[RegexValidator(r"^\d+$", _("Only digits."))],
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class PinForm(forms.Form):
    """A new PIN (4 to 8 digits), typed twice, with the account's password."""

    password = forms.CharField(
        label=_("Your password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    pin = _pin_field(_("New PIN (4 to 8 digits)"))
    pin_again = _pin_field(_("The PIN again"))

    def clean(self):
        data = super().clean() or {}
        if data.get("pin") and data.get("pin") != data.get("pin_again"):
            raise forms.ValidationError(_("The two PINs differ."))
        return data


class PinRemoveForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class PinUnlockForm(forms.Form):
    pin = _pin_field(_("PIN"))
