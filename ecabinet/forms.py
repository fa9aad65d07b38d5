"""What every app's HTML forms share: date inputs the tablets' browsers understand, and
the one way a service's `Invalid` is shown on a form."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _

from ecabinet.errors import Invalid

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class LimitedFileInput(forms.ClearableFileInput):
    """A file input that knows the upload limit (settings.PAPER_MAX_UPLOAD_MB), so the
    browser refuses a file that is too large before sending it and the form keeps what
    was typed (static/js/ecabinet.js; the server refuses it anyway)."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        limit = settings.PAPER_MAX_UPLOAD_MB
        context["widget"]["attrs"]["data-max-bytes"] = str(limit * 1024 * 1024)
        context["widget"]["attrs"]["data-too-large"] = _(
            "This file is {size} MB; the largest accepted is %(limit)d MB. Choose a smaller "
            "file: nothing was sent, and what you typed is kept."
        ) % {"limit": limit}
        return context


def add_service_errors(form: forms.Form, error: Invalid) -> None:
    """Show a service's `Invalid` on the form: per field where the form has that field,
    otherwise at the top, so nothing the service said is lost."""
    shown: set[str] = set()
    for name, messages in error.fields.items():
        target = name if name in form.fields else None
        for message in messages:
            form.add_error(target, message)
            shown.add(str(message))
    if error.message not in shown:
        form.add_error(None, error.message)
