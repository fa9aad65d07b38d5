"""What every app's HTML forms share: date inputs the tablets' browsers understand, and
the one way a service's `Invalid` is shown on a form."""

from __future__ import annotations

from django import forms

from ecabinet.errors import Invalid

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


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
