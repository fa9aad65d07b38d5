"""One notification, read by people in different languages: the page and the API write it
in the reader's language at the time of reading; the e-mail goes in the site's language
(Vietnamese), whoever caused it."""

from __future__ import annotations

import pytest
from django.core import mail

from meetings import services as meetings
from notifications.models import Notification
from tests.factories import make_meeting
from tests.roles import client_for

pytestmark = pytest.mark.django_db


def invitation(cabinet) -> Notification:
    return Notification.objects.get(recipient=cabinet.minister, kind="meeting.published")


def test_the_api_writes_the_notification_in_the_callers_language(cabinet, meeting):
    client = client_for(cabinet, "minister")
    [english] = client.get("/api/notifications", HTTP_ACCEPT_LANGUAGE="en").json()["notifications"]
    [vietnamese] = client.get("/api/notifications", HTTP_ACCEPT_LANGUAGE="vi").json()[
        "notifications"
    ]
    assert english["title"] == f"Invitation: {meeting.title}"
    assert vietnamese["title"] == f"Giấy mời: {meeting.title}"
    assert english["message"].startswith(f"{cabinet.body.name} invites you to {meeting.title} at ")
    assert "trân trọng kính mời dự" in vietnamese["message"]
    # The stored facts come along, the same in both languages.
    for note in (english, vietnamese):
        assert note["kind"] == "meeting.published"
        assert note["subject"] == f"meeting:{meeting.pk}"
        assert note["data"]["meeting"] == meeting.title
        assert note["data"]["starts_at"].startswith(str(meeting.starts_at.year))


def test_the_page_writes_the_notification_in_the_readers_language(cabinet, meeting):
    client = client_for(cabinet, "minister")
    english = client.get("/notifications/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    vietnamese = client.get("/notifications/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert f"Invitation: {meeting.title}" in english and "Giấy mời" not in english
    assert f"Giấy mời: {meeting.title}" in vietnamese and "Invitation:" not in vietnamese


def test_the_email_goes_in_the_sites_language_whatever_the_sender_reads(
    cabinet, settings, django_capture_on_commit_callbacks
):
    settings.LANGUAGE_CODE = "vi"
    draft = make_meeting(cabinet.body, cabinet.secretary, items=1)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # the sender reads English
        meetings.meeting_publish(actor=cabinet.secretary, meeting=draft)
    sent = next(m for m in mail.outbox if m.to == [cabinet.minister.email])
    assert sent.subject == f"[e-Cabinet] Giấy mời: {draft.title}"
    assert "trân trọng kính mời dự" in sent.body
    assert f"/meetings/{draft.pk}/" in sent.body
