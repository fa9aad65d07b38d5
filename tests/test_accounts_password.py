"""Changing one's password: the old one is asked for, Django's validators apply, the
session stays signed in, and the change is audited."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ecabinet.audit.models import AuditEntry
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

URL = "/accounts/password/"
NEW = "Phong-hop-2026-moi"  # noqa: S105


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _change(client: Client, old: str, new1: str, new2: str | None = None):
    return client.post(
        URL, {"old_password": old, "new_password1": new1, "new_password2": new2 or new1}
    )


def test_every_page_links_to_the_password_change(cabinet):
    response = _client(cabinet.minister).get("/")
    assert f'href="{reverse("people:password_change")}"' in response.content.decode()


def test_a_member_changes_the_password_and_stays_signed_in(cabinet):
    client = _client(cabinet.minister)
    assert client.get(URL).status_code == 200
    response = _change(client, PASSWORD, NEW)
    assert response.status_code == 302
    assert response["Location"] == reverse("people:password_change_done")
    assert client.get(response["Location"]).status_code == 200
    assert client.get("/").status_code == 200  # the session survived the new hash
    cabinet.minister.refresh_from_db()
    assert cabinet.minister.check_password(NEW)
    assert not cabinet.minister.check_password(PASSWORD)
    entry = AuditEntry.objects.get(action="account.password_changed")
    assert entry.actor_id == cabinet.minister.pk
    assert entry.body_id == cabinet.body.pk
    assert NEW not in str(entry.details)


def test_the_old_password_is_required(cabinet):
    response = _change(_client(cabinet.minister), "not-the-password", NEW)
    assert response.status_code == 200
    assert b"field-error-old_password" in response.content
    cabinet.minister.refresh_from_db()
    assert cabinet.minister.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("weak", "why"),
    [
        ("Ab1-x", "too short"),
        ("12345678901", "entirely numeric"),
        ("password123", "too common"),
    ],
)
def test_weak_passwords_are_refused(cabinet, weak, why):
    response = _change(_client(cabinet.minister), PASSWORD, weak)
    assert response.status_code == 200
    assert why in response.content.decode()
    cabinet.minister.refresh_from_db()
    assert cabinet.minister.check_password(PASSWORD)


def test_a_password_like_the_user_name_is_refused(cabinet):
    response = _change(_client(cabinet.minister), PASSWORD, f"{cabinet.minister.username}x")
    assert "too similar" in response.content.decode()


def test_the_two_new_passwords_must_match(cabinet):
    response = _change(_client(cabinet.minister), PASSWORD, NEW, NEW + "x")
    assert b"field-error-new_password2" in response.content


def test_strangers_are_sent_to_sign_in(db):
    response = Client().get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_page_speaks_vietnamese(cabinet, settings):
    settings.LANGUAGE_CODE = "vi"
    client = _client(cabinet.minister)
    text = client.get(URL, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Đổi mật khẩu" in text
    assert "Mật khẩu cũ" in text
    text = _change(client, PASSWORD, "12345678901").content.decode()
    assert "hoàn toàn là số" in text or "chỉ chứa số" in text or "toàn số" in text
