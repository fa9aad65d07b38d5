"""The few pages that belong to no single app."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone

from meetings.models import Meeting
from meetings.selectors import meetings_visible_to
from people.models import Role
from people.selectors import user_bodies, user_roles

DASHBOARD_PAST_MEETINGS = 10


@login_required
def dashboard(request):
    user = request.user
    visible = meetings_visible_to(user=user)
    # What is coming matters most on a tablet: running and coming meetings first, soonest
    # first (today's count as coming all day), then the latest past ones.
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    current = Q(state=Meeting.State.IN_PROGRESS) | (
        ~Q(state=Meeting.State.CLOSED) & Q(starts_at__gte=today)
    )
    upcoming = visible.filter(current).order_by("starts_at", "id")
    past = visible.exclude(pk__in=upcoming.values("pk")).order_by("-starts_at", "-id")
    bodies = [(body, user_roles(user=user, body_id=body.pk)) for body in user_bodies(user=user)]
    context = {
        "upcoming": upcoming,
        "past": past[:DASHBOARD_PAST_MEETINGS],
        "secretariat_bodies": [b for b, roles in bodies if Role.SECRETARIAT in roles],
        "auditor_bodies": [b for b, roles in bodies if Role.AUDITOR in roles],
    }
    return render(request, "dashboard.html", context)


def health(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
