from django import forms
from django.utils.translation import gettext_lazy as _

from ecabinet.forms import LimitedFileInput


class VerifyForm(forms.Form):
    file = forms.FileField(label=_("Signed PDF"), widget=LimitedFileInput())


class PinForm(forms.Form):
    # Never echoed back: PasswordInput does not render its value.
    pin = forms.CharField(
        label=_("PIN of your signing token"),
        max_length=64,
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
