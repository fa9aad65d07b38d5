"""The few pages that belong to no single app."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from meetings.selectors import meetings_visible_to


@login_required
def dashboard(request):
    meetings = meetings_visible_to(user=request.user).order_by("-starts_at")[:20]
    return render(request, "dashboard.html", {"meetings": meetings})


def health(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
