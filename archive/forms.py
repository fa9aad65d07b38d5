from django import forms
from django.utils.translation import gettext_lazy as _

from archive.models import Record
from ecabinet.forms import DATE_INPUT


class SearchForm(forms.Form):
    # No length limit here: the selector refuses an over-long text with its own message,
    # the same for pages and the API.
    q = forms.CharField(label=_("Words"), required=False, strip=True)
    # A plain number: a body outside the person's archive is the selector's 404, not a
    # form error that would tell them it exists.
    # The bodies' names are data ("Chính phủ" reads the same in every language).
    body = forms.IntegerField(
        label=_("Body"), required=False, widget=forms.Select(attrs={"translate": "no"})
    )
    kind = forms.ChoiceField(
        label=_("Kind of record"),
        required=False,
        choices=[("", _("All kinds"))] + list(Record.Kind.choices),
    )
    date_from = forms.DateField(label=_("Issued from"), required=False, widget=DATE_INPUT)
    date_to = forms.DateField(label=_("Issued until"), required=False, widget=DATE_INPUT)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, bodies, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].widget.choices = [("", _("All my bodies"))] + [
            (b.pk, b.name) for b in bodies
        ]
        self.fields["q"].widget.attrs.update({"type": "search", "autofocus": True})

    def search_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "q": data["q"] or "",
            "body": data["body"],
            "kind": data["kind"] or None,
            "date_from": data["date_from"],
            "date_to": data["date_to"],
            "page": data["page"] or 1,
        }
