"""Notifications, the audit trail page, signing in, and the language switcher."""

from __future__ import annotations

import re

from django.db import connection
from django.urls import reverse

from ecabinet.audit.models import AuditEntry
from notifications.models import Notification
from notifications.services import notify
from tests.factories import PASSWORD


def test_a_published_meeting_appears_in_the_members_notifications(client, cabinet, meeting):
    client.force_login(cabinet.minister)
    notification = Notification.objects.get(recipient=cabinet.minister)
    page = client.get(reverse("notifications:list"))
    assert f'data-testid="notification-{notification.pk}" data-read="no"'.encode() in page.content
    assert b'data-testid="unread-count">1<' in page.content


def test_following_a_notification_marks_it_read_and_goes_to_its_page(client, cabinet, meeting):
    notification = Notification.objects.get(recipient=cabinet.minister)
    client.force_login(cabinet.minister)
    response = client.get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:detail", args=[meeting.pk])
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_a_notification_never_sends_anyone_off_site(client, cabinet):
    [notification] = notify(
        recipients=[cabinet.minister],
        kind="ballot.closed",
        data={"ballot": "x"},
        url="https://evil.example/",
    )
    client.force_login(cabinet.minister)
    response = client.get(reverse("notifications:open", args=[notification.pk]))
    assert response["Location"] == reverse("notifications:list")


def test_nobody_follows_another_persons_notification(client, cabinet, meeting):
    notification = Notification.objects.get(recipient=cabinet.minister)
    client.force_login(cabinet.members[2])
    assert client.get(reverse("notifications:open", args=[notification.pk])).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read_clears_the_unread_count(client, cabinet, meeting):
    notify(
        recipients=[cabinet.minister], kind="ballot.closed", data={"ballot": "Thứ hai"}, email=False
    )
    client.force_login(cabinet.minister)
    response = client.post(reverse("notifications:read_all"))
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=cabinet.minister, read_at=None).exists()
    page = client.get(reverse("notifications:list"))
    assert b'data-testid="unread-count">0<' in page.content


def test_the_audit_page_lists_entries_and_says_the_chain_is_intact(client, cabinet, meeting):
    client.force_login(cabinet.auditor)
    content = client.get(reverse("audit:list", args=[cabinet.body.pk])).content.decode()
    assert 'data-testid="chain-status" data-ok="yes"' in content
    published = AuditEntry.objects.get(action="meeting.published")
    assert f'data-testid="audit-entry-{published.seq}" data-action="meeting.published"' in content


def test_the_audit_page_reports_a_tampered_entry(client, cabinet, meeting):
    victim = AuditEntry.objects.get(action="meeting.published")
    with connection.cursor() as cursor:  # around the ORM, as an intruder would
        cursor.execute(
            "UPDATE audit_auditentry SET action = %s WHERE id = %s", ["forged", victim.pk]
        )
    client.force_login(cabinet.auditor)
    content = client.get(reverse("audit:list", args=[cabinet.body.pk])).content.decode()
    assert 'data-testid="chain-status" data-ok="no"' in content
    assert 'data-testid="chain-problem"' in content


def test_a_person_signs_in_and_lands_on_the_dashboard(client, cabinet):
    response = client.post(
        reverse("login"), {"username": cabinet.minister.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    page = client.get(reverse("dashboard"))
    assert b'data-testid="user-name"' in page.content
    assert b'data-testid="logout-button"' in page.content


def test_a_wrong_password_shows_the_login_form_again(client, cabinet):
    response = client.post(
        reverse("login"), {"username": cabinet.minister.username, "password": "wrong"}
    )
    assert response.status_code == 200
    assert b'data-testid="form-errors"' in response.content


def test_signing_out_is_a_post_and_ends_the_session(client, cabinet):
    client.force_login(cabinet.minister)
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("dashboard")).status_code == 302


def test_the_language_switcher_changes_the_page_language(client, cabinet):
    client.force_login(cabinet.minister)
    for language in ["vi", "en"]:
        response = client.post(reverse("set_language"), {"language": language, "next": "/"})
        assert response.status_code == 302
        page = client.get(reverse("dashboard"))
        assert f'<html lang="{language}">'.encode() in page.content
    english = re.search(rb'<button[^>]*data-testid="lang-en"[^>]*>', page.content).group()
    assert b'aria-pressed="true"' in english
