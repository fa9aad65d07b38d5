from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from meetings.access import ensure_can_view
from meetings.models import Meeting
from meetings.selectors import agenda_for, meetings_visible_to


@login_required
def meeting_list(request):
    return render(
        request, "meetings/list.html", {"meetings": meetings_visible_to(user=request.user)}
    )


@login_required
def meeting_detail(request, pk):
    meeting = get_object_or_404(Meeting, pk=pk)
    access = ensure_can_view(user=request.user, meeting=meeting)
    return render(
        request,
        "meetings/detail.html",
        {
            "meeting": meeting,
            "access": access,
            "agenda": agenda_for(access=access, user=request.user),
        },
    )


@login_required
def meeting_leave(request, pk):
    meeting = get_object_or_404(Meeting, pk=pk)
    ensure_can_view(user=request.user, meeting=meeting)
    return render(request, "meetings/leave.html", {"meeting": meeting})
