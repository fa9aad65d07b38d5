"""What the meeting page shows of the minutes app, so meetings imports nothing from it."""

from __future__ import annotations

from django import template

from minutes.forms import ApproveMinutesForm
from minutes.selectors import meetings_with_minutes_to_approve

register = template.Library()


@register.inclusion_tag("minutes/_approve_form.html", takes_context=True)
def approve_minutes_form(context) -> dict:
    """The secretariat's form to add "approve the minutes" to an agenda still being
    prepared; nothing when there are no minutes to approve. `editable` is the meeting
    page's own flag: the secretariat of the body and an agenda that may change."""
    meeting = context.get("meeting")
    if meeting is None or not context.get("editable"):
        return {"form": None}
    choices = meetings_with_minutes_to_approve(meeting=meeting)
    return {
        "form": ApproveMinutesForm(choices=choices) if choices else None,
        "meeting": meeting,
        "csrf_token": context.get("csrf_token"),
    }
