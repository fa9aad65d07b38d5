"""The briefcase page (`/briefcase/`) is one app shell for everyone: the service worker
keeps it for use offline, so it carries nobody's name, counts or alerts, only the words
and the scripts that draw the member's own data from the encrypted store."""

from __future__ import annotations

import re

import pytest

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def page_of(client, user) -> str:
    client.logout()
    client.login(username=user.username, password=PASSWORD)
    response = client.get("/briefcase/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    return response.content.decode()


def without_csrf(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_the_briefcase_page_is_the_same_for_every_member(client, cabinet):
    one, two = cabinet.members[1], cabinet.members[2]
    first, second = page_of(client, one), page_of(client, two)
    assert without_csrf(first) == without_csrf(second)
    for user in (one, two):
        assert user.full_name not in first
        assert f'data-user="{user.pk}"' not in first
    assert 'data-testid="work-count"' not in first
    assert 'data-testid="alerts"' not in first
    assert 'data-testid="briefcase"' in first
    assert "js/briefcase/briefcase.js" in first


def test_the_briefcase_page_asks_to_sign_in(client):
    response = client.get("/briefcase/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_members_find_the_briefcase_in_the_menu_and_others_do_not(client, cabinet):
    client.login(username=cabinet.members[1].username, password=PASSWORD)
    assert 'data-testid="nav-briefcase"' in client.get("/").content.decode()
    client.logout()
    client.login(username=cabinet.archivist.username, password=PASSWORD)
    assert 'data-testid="nav-briefcase"' not in client.get("/").content.decode()
