from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ecabinet.forms import DATE_INPUT, DATETIME_INPUT, LimitedFileInput

TASK_ROWS_EMPTY = 3


class ResolutionForm(forms.Form):
    title = forms.CharField(label=_("Summary (trích yếu)"), max_length=500)
    preamble = forms.CharField(
        label=_("Legal bases, one a line"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    articles = forms.CharField(
        label=_("Articles, separated by an empty line"),
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Each block becomes an article: Điều 1, Điều 2, …"),
    )
    recipients = forms.CharField(
        label=_("Recipients, one a line"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )


class TaskForm(forms.Form):
    article = forms.IntegerField(label=_("Article"), required=False, min_value=1, max_value=60)
    content = forms.CharField(label=_("Task"), required=False, max_length=20_000)
    lead_agency = forms.CharField(label=_("Lead agency"), required=False, max_length=200)
    cooperating_agencies = forms.CharField(
        label=_("Cooperating agencies"), required=False, max_length=500
    )
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DATE_INPUT)
    expected_output = forms.CharField(label=_("Expected output"), required=False, max_length=300)


TaskFormSet = forms.formset_factory(TaskForm, extra=TASK_ROWS_EMPTY, max_num=200)


class CirculateForm(forms.Form):
    deadline = forms.DateTimeField(label=_("Comments due by"), widget=DATETIME_INPUT)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Why it is cancelled"), max_length=500)


def articles_split(text: str) -> list[str]:
    blocks, current = [], []
    for line in (text or "").replace("\r\n", "\n").split("\n"):
        if line.strip():
            current.append(line.strip())
        elif current:
            blocks.append("\n".join(current))
            current = []
    if current:
        blocks.append("\n".join(current))
    return blocks


# ---- following the tasks (resolutions/tracking.py) -----------------------------------


class TaskReportForm(forms.Form):
    """The kind of report is the button pressed (progress or completion)."""

    text = forms.CharField(
        label=_("What has been done"), max_length=5_000, widget=forms.Textarea(attrs={"rows": 4})
    )
    attachment = forms.FileField(
        label=_("Attached report (PDF, optional)"),
        required=False,
        widget=LimitedFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    incoming = forms.TypedChoiceField(
        label=_("Or a document the lead agency sent over the exchange"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=(),
    )

    def __init__(self, *args, received=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.received = {d.pk: d for d in received}
        if self.received:
            self.fields["incoming"].choices = [("", "—")] + [
                (d.pk, f"{d.number_symbol}: {d.subject}"[:120]) for d in received
            ]
        else:
            del self.fields["incoming"]


class TaskReopenForm(forms.Form):
    reason = forms.CharField(label=_("Reason for reopening"), max_length=500)


class TaskFilterForm(forms.Form):
    agency = forms.ChoiceField(label=_("Lead agency"), required=False)
    state = forms.ChoiceField(label=_("Progress"), required=False)
    overdue = forms.ChoiceField(
        label=_("Overdue"),
        required=False,
        choices=[("", _("All")), ("yes", _("Overdue only")), ("no", _("Not overdue"))],
    )

    def __init__(self, *args, agencies: list[str], **kwargs):
        from resolutions.models import TaskState

        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", _("All")), *((a, a) for a in agencies)]
        self.fields["state"].choices = [("", _("All")), *TaskState.choices]
