"""Idle timeout: a session left unused past SESSION_IDLE_TIMEOUT_MINUTES is signed out;
the meeting room keeps its session alive with a ping while it is open."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django.urls import reverse

from people.middleware import LAST_SEEN_KEY

pytestmark = pytest.mark.django_db


def _signed_in_client(user) -> Client:
    client = Client()
    client.force_login(user)
    assert client.get("/").status_code == 200  # the first page starts the idle clock
    return client


def _idle_for(client: Client, seconds: int) -> None:
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - seconds
    session.save()


def test_a_session_idle_for_longer_than_30_minutes_is_signed_out(cabinet):
    client = _signed_in_client(cabinet.minister)
    _idle_for(client, 31 * 60)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"])
    assert b'data-testid="idle-logged-out"' in page.content


def test_a_session_used_within_the_limit_stays_signed_in(cabinet):
    client = _signed_in_client(cabinet.minister)
    _idle_for(client, 29 * 60)
    assert client.get("/").status_code == 200
    assert client.session[LAST_SEEN_KEY] >= int(time.time()) - 5  # the clock restarted


def test_the_limit_is_a_setting(cabinet, settings):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 2
    client = _signed_in_client(cabinet.minister)
    _idle_for(client, 3 * 60)
    assert client.get("/").status_code == 302


def test_the_api_refuses_an_idle_session(cabinet):
    client = _signed_in_client(cabinet.minister)
    _idle_for(client, 31 * 60)
    assert client.get("/api/me/work").status_code in {401, 403}


def test_the_rooms_ping_keeps_the_session_alive(cabinet):
    client = _signed_in_client(cabinet.minister)
    _idle_for(client, 25 * 60)
    assert client.get(reverse("people:keepalive")).status_code == 204
    _idle_for_more = client.session[LAST_SEEN_KEY]
    assert _idle_for_more >= int(time.time()) - 5
    assert client.get("/").status_code == 200


def test_the_ping_does_not_revive_a_session_already_idle_too_long(cabinet):
    client = _signed_in_client(cabinet.minister)
    _idle_for(client, 31 * 60)
    assert client.get(reverse("people:keepalive")).status_code == 401
    assert client.get("/").status_code == 302


def test_the_meeting_room_page_pings_several_times_per_idle_period(cabinet, meeting):
    client = _signed_in_client(cabinet.minister)
    response = client.get(reverse("meetings:room", args=[meeting.pk]))
    text = response.content.decode()
    assert 'data-testid="session-keepalive"' in text
    assert f'data-url="{reverse("people:keepalive")}"' in text
    assert 'data-seconds="600"' in text
