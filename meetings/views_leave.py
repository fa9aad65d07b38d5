"""Leave from a meeting: a member asks (optionally naming a deputy); the chair decides."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecabinet.errors import Invalid, NotAllowed
from ecabinet.forms import add_service_errors
from meetings import services
from meetings.access import ensure_can_view
from meetings.forms import LeaveDecideForm, LeaveRequestForm
from meetings.models import LeaveRequest, Meeting, Participant
from meetings.selectors import leave_requests_for
from meetings.views import get_meeting


def _leave_page(request, meeting: Meeting, request_form=None, decide_error="", status=200):
    access = ensure_can_view(user=request.user, meeting=meeting)
    is_member = access.participant is not None and access.participant.kind == (
        Participant.Kind.MEMBER
    )
    # The secretariat reads the requests too: it takes attendance.
    if not (is_member or access.can_chair or access.can_manage):
        raise NotAllowed(_("Only invited members ask for leave; only the chair decides."))
    can_ask = is_member and meeting.state in {Meeting.State.PUBLISHED, Meeting.State.IN_PROGRESS}
    if can_ask and request_form is None:
        request_form = LeaveRequestForm(meeting=meeting, member=request.user)
    all_requests = leave_requests_for(meeting=meeting)
    pending = [leave for leave in all_requests if leave.status == LeaveRequest.Status.PENDING]
    context = {
        "meeting": meeting,
        "access": access,
        "lang_next": reverse("meetings:leave", args=[meeting.pk]),
        "request_form": request_form if can_ask else None,
        "my_requests": leave_requests_for(meeting=meeting, member=request.user),
        "pending": pending if access.can_chair else [],
        "all_requests": all_requests if (access.can_chair or access.can_manage) else [],
        "decide_error": decide_error,
    }
    return render(request, "meetings/leave.html", context, status=status)


@login_required
def meeting_leave(request, pk):
    meeting = get_meeting(pk)
    if request.method != "POST":
        return _leave_page(request, meeting)
    form = LeaveRequestForm(request.POST, meeting=meeting, member=request.user)
    if form.is_valid():
        try:
            services.leave_request(actor=request.user, meeting=meeting, **form.cleaned_data)
        except Invalid as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your request was sent to the chair."))
            return redirect(reverse("meetings:leave", args=[meeting.pk]))
    return _leave_page(request, meeting, request_form=form, status=422)


@login_required
@require_POST
def leave_decide(request, pk, leave_id):
    meeting = get_meeting(pk)
    leave = get_object_or_404(LeaveRequest, pk=leave_id, meeting=meeting)
    form = LeaveDecideForm(request.POST)
    if not form.is_valid():
        error = _("Choose to approve or to refuse the request.")
        return _leave_page(request, meeting, decide_error=error, status=422)
    data = form.cleaned_data
    approve = data["decision"] == "approve"
    services.leave_decide(
        actor=request.user,
        leave=leave,
        approve=approve,
        deputy_may_vote=data["deputy_may_vote"],
        deputy_may_speak=data["deputy_may_speak"],
        note=data["note"],
    )
    if approve:
        messages.success(request, _("Leave approved for %(name)s.") % {"name": leave.member})
    else:
        messages.success(request, _("Leave refused for %(name)s.") % {"name": leave.member})
    # The chair decides from the meeting page or the leave page; go back to where they were.
    if request.POST.get("back") == "detail":
        return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#leave")
    return redirect(reverse("meetings:leave", args=[meeting.pk]))
