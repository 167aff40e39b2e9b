from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint
from complaints.services import INPUT_FIELDS
from evidence.models import Bundle

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Inputs that only some letters use.
COURT_ONLY = (
    "borrower_occupation",
    "damages_mental",
    "damages_medical",
    "damages_property",
    "damages_costs",
    "damages_basis",
    "witnesses",
)
ONLY_FOR = {
    "include_repayment_plan": {"platform", "regulator", "local_finance"},
    "dispute_amounts": {"platform"},
    **{name: {"court"} for name in COURT_ONLY},
    "borrower_id_number": {"platform", "regulator", "local_finance", "police", "court"},
    "borrower_address": {"regulator", "local_finance", "police", "court"},
    "recipient": {"platform", "local_finance", "police", "court"},
}


def _ready_bundles(case):
    return Bundle.objects.filter(case=case, status=Bundle.Status.READY).order_by("-created")


class BundleChoice(forms.ModelChoiceField):
    def label_from_instance(self, bundle: Bundle) -> str:
        return _("Bundle of %(date)s (%(count)s exhibits)") % {
            "date": timezone.localtime(bundle.created).strftime("%Y-%m-%d %H:%M"),
            "count": bundle.entries.count(),
        }


class ComplaintNewForm(forms.Form):
    channel = forms.ChoiceField(label=_("To whom"), choices=Complaint.Channel.choices)
    bundle = BundleChoice(
        label=_("Evidence bundle whose exhibit numbers the letter cites"),
        required=False,
        queryset=Bundle.objects.none(),
        empty_label=_("None yet: list the evidence unnumbered"),
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bundle"].queryset = _ready_bundles(case)  # type: ignore[attr-defined]  # a ModelChoiceField


class ComplaintInputsForm(forms.ModelForm):
    bundle = BundleChoice(
        label=_("Evidence bundle whose exhibit numbers the letter cites"),
        required=False,
        queryset=Bundle.objects.none(),
        empty_label=_("None yet: list the evidence unnumbered"),
    )

    class Meta:
        model = Complaint
        fields = ["bundle", *INPUT_FIELDS]  # the answers a letter is drafted from (complaints/services.py)
        widgets = {
            "loan_description": forms.Textarea(attrs={"rows": 2}),
            "damages_basis": forms.Textarea(attrs={"rows": 2}),
            "witnesses": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bundle"].queryset = _ready_bundles(self.instance.case)  # type: ignore[attr-defined]  # a ModelChoiceField
        for name, channels in ONLY_FOR.items():
            if self.instance.channel not in channels:
                del self.fields[name]


class DraftForm(forms.Form):
    text = forms.CharField(
        label=_("Letter"), widget=forms.Textarea(attrs={"rows": 24}), max_length=100_000, strip=False
    )


class TrackingForm(forms.Form):
    """A plain form, not a ModelForm: the service checks the change against the row as it was."""

    status = forms.ChoiceField(label=_("Status"), choices=Complaint.Status.choices)
    filed_on = forms.DateField(label=_("Date filed"), required=False, widget=DATE)
    reference = forms.CharField(label=_("Reference number given by the channel"), max_length=100, required=False)
    replied_on = forms.DateField(label=_("Date of the reply"), required=False, widget=DATE)
    reply_text = forms.CharField(
        label=_("Their reply"), required=False, max_length=20_000, widget=forms.Textarea(attrs={"rows": 3})
    )

    @classmethod
    def for_complaint(cls, complaint: Complaint) -> "TrackingForm":
        return cls(initial={name: getattr(complaint, name) for name in cls.base_fields})
