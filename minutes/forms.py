"""The form that puts the approval of an earlier meeting's minutes on an agenda."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ecabinet import dates
from meetings.models import Meeting


def meeting_label(meeting: Meeting) -> str:
    return f"{meeting.title} ({dates.day(meeting.starts_at)})"


class ApproveMinutesForm(forms.Form):
    """The choices are the meetings the service accepts today; the field takes any id, so
    a stale or forged choice reaches the service, which says why it refuses."""

    previous = forms.IntegerField(
        label=_("Meeting whose minutes are approved"),
        min_value=1,
        widget=forms.Select,
    )

    def __init__(self, *args, choices: list[Meeting], **kwargs) -> None:
        kwargs.setdefault("auto_id", "approve-%s")
        super().__init__(*args, **kwargs)
        self.fields["previous"].widget.choices = [(m.pk, meeting_label(m)) for m in choices]
