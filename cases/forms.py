from django import forms

from cases.models import Case, ManualEvent


class CaseForm(forms.ModelForm):
    class Meta:
        model = Case
        fields = ["title", "platform", "collection_company", "victim_name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class ManualEventForm(forms.ModelForm):
    class Meta:
        model = ManualEvent
        fields = ["kind", "occurred_at", "number", "connected", "contact_name", "contact_relation", "description"]
        widgets = {
            "occurred_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "description": forms.Textarea(attrs={"rows": 3}),
        }
