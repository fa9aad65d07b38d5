from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from documents.models import DocumentType
from ecabinet.forms import DATE_INPUT
from people.models import User
from registers.services import SERIES

ISSUED_KINDS = [(value, label) for value, label in DocumentType.choices if value in SERIES]


class IssueForm(forms.Form):
    doc_type = forms.ChoiceField(label=_("Document type"), choices=ISSUED_KINDS)
    summary = forms.CharField(
        label=_("Summary (trích yếu)"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    signer = forms.CharField(label=_("Signed by"), max_length=200)
    recipients = forms.CharField(
        label=_("Recipients (nơi nhận)"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    unit = forms.CharField(
        label=_("Drafting unit's symbol"),
        max_length=10,
        required=False,
        help_text=_("For an official letter, e.g. KTTH gives 05/CP-KTTH."),
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class ReceiveForm(forms.Form):
    sender = forms.CharField(label=_("Sender"), max_length=200)
    number_symbol = forms.CharField(label=_("Number and symbol"), max_length=100)
    document_date = forms.DateField(label=_("Date of the document"), widget=DATE_INPUT)
    doc_type = forms.ChoiceField(label=_("Document type"), choices=DocumentType.choices)
    summary = forms.CharField(
        label=_("Summary (trích yếu)"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    handler = forms.ModelChoiceField(
        label=_("Handled by"), queryset=User.objects.none(), required=False
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["handler"].queryset = people


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=500)


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)
    doc_type = forms.ChoiceField(label=_("Document type"), required=False)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("Every year")), *[(y, str(y)) for y in years]]
        self.fields["doc_type"].choices = [("", _("Every type")), *DocumentType.choices]
