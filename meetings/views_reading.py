"""Tình hình đọc tài liệu: who has opened each paper and what each person has not read,
for the chair and the secretariat only (meetings/reading.py decides and counts)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from meetings.reading import ensure_can_see_reading, meeting_reading, unread_by_person
from meetings.views import get_meeting


@login_required
def reading(request, pk):
    access = ensure_can_see_reading(user=request.user, meeting=get_meeting(pk))
    rows = meeting_reading(meeting=access.meeting)
    context = {"meeting": access.meeting, "rows": rows, "unread": unread_by_person(rows)}
    return render(request, "meetings/reading.html", context)
