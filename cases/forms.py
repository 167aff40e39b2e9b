from django import forms

from cases.models import Case


class CaseForm(forms.ModelForm):
    class Meta:
        model = Case
        fields = ["title", "platform", "collection_company", "victim_name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
