from django import forms
from django.utils.translation import gettext_lazy as _

from signing.forms import PinForm


class SendForm(PinForm):
    """The recipients chosen among the body's peers, and the seal's PIN."""

    peers = forms.MultipleChoiceField(
        label=_("Recipients"), widget=forms.CheckboxSelectMultiple, choices=()
    )

    def __init__(self, *args, peers=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["peers"].choices = [(str(p.pk), f"{p.name} ({p.code})") for p in peers]
        self.fields["pin"].label = _("PIN of the agency's seal")
        self.order_fields(["peers", "pin"])


class HandlerForm(forms.Form):
    handler = forms.ChoiceField(label=_("Handled by"), required=False, choices=())

    def __init__(self, *args, people=(), required: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["handler"]
        field.required = required
        field.choices = [("", "—")] + [(str(u.pk), u.full_name or u.get_username()) for u in people]
