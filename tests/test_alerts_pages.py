"""Every page of a signed-in person carries the alert band, drawn with the person's
stream number as the page was made: the script shows only what comes after it."""

from __future__ import annotations

import re

import pytest

from notifications.alerts import alert_floor_given

pytestmark = pytest.mark.django_db


def band(html: str) -> str | None:
    found = re.search(r'<div class="alerts" id="alerts"[^>]*>', html)
    return found.group(0) if found else None


def test_a_page_carries_the_band_with_the_persons_current_number(client, cabinet):
    client.force_login(cabinet.minister)
    first = band(client.get("/").content.decode())
    assert first is not None and 'data-seq="0"' in first
    assert f'data-user="{cabinet.minister.pk}"' in first and 'data-socket="/ws/me/"' in first
    assert 'data-t-vote-action="Vote now"' in first
    vietnamese = band(client.get("/", HTTP_ACCEPT_LANGUAGE="vi").content.decode())
    assert 'data-t-vote-action="Biểu quyết ngay"' in vietnamese
    assert 'data-t-sign-action="Ký ngay"' in vietnamese

    for n in (1, 2):
        alert_floor_given(
            speaker_id=cabinet.minister.pk,
            request_id=n,
            meeting_id=1,
            meeting_title="Phiên họp",
            item_title="Nội dung 1",
            url="/meetings/1/room/",
        )
    later = band(client.get("/meetings/").content.decode())
    assert 'data-seq="2"' in later
    # Someone else's alerts do not move another person's number.
    client.force_login(cabinet.chair)
    assert 'data-seq="0"' in band(client.get("/").content.decode())


def test_a_signed_out_visitor_has_no_band(client):
    html = client.get("/accounts/login/").content.decode()
    assert band(html) is None and "alerts.js" not in html
