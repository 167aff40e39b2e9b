from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from evidence.models import EvidenceItem

phone_number = RegexValidator(r"^\+?[0-9 ()\-]{3,30}$", _("Enter a phone number using digits only."))


class EvidenceDetailsForm(forms.Form):
    """The fields that travel with an uploaded file (API and page alike)."""

    # Empty: decided from each file's content, so recordings and screenshots can be sent together.
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("Detect from the file")), *EvidenceItem.Kind.choices], required=False
    )
    occurred_at = forms.DateTimeField(label=_("When it happened"), required=False)
    counterparty_number = forms.CharField(
        label=_("Collector's number"), max_length=40, required=False, validators=[phone_number]
    )
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    capture_note = forms.CharField(
        label=_("How the file was made"),
        required=False,
        max_length=1000,
        help_text=_("For example: phone model, recording app, when you exported it."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def item_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "occurred_at": data["occurred_at"],
            "counterparty_number": data["counterparty_number"].strip(),
            "description": data["description"].strip(),
            "capture_note": data["capture_note"].strip(),
        }


class StatementForm(forms.Form):
    """A statement typed on the site, for example by a harassed relative."""

    author_name = forms.CharField(label=_("Your name"), max_length=100)
    # "本人" (or the victim's own name) makes it the victim's own account, 当事人陈述 in a bundle;
    # anyone else's words are a witness's, which a court wants signed (see evidence/witness.py).
    relation = forms.CharField(
        label=_("Relation to the victim"),
        max_length=100,
        help_text=_("Write 本人 if this is your own account of what happened to you."),
    )
    contact = forms.CharField(label=_("How to reach you"), max_length=200, required=False)
    occurred_at = forms.DateTimeField(label=_("When it happened"), required=False)
    counterparty_number = forms.CharField(
        label=_("Collector's number"), max_length=40, required=False, validators=[phone_number]
    )
    text = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 8}), strip=False)

    def item_fields(self) -> dict:
        data = self.cleaned_data
        return {"occurred_at": data["occurred_at"], "counterparty_number": data["counterparty_number"].strip()}
