"""Login throttling: wrong passwords lock a user name from an address; the secretariat
of the person's body unlocks; auditors see the counters; the trail records both."""

from __future__ import annotations

import pytest
from django.test import Client

from ecabinet.audit.models import AuditEntry
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def _try(client: Client, username: str, password: str):
    return client.post(LOGIN, {"username": username, "password": password})


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_twenty_five_wrong_passwords_then_the_right_one_does_not_sign_in(cabinet):
    client = Client()
    for _ in range(25):
        _try(client, cabinet.minister.username, "wrong-password")
    response = _try(client, cabinet.minister.username, PASSWORD)
    assert not _signed_in(client)
    assert response.status_code == 429
    assert b'data-testid="locked-out"' in response.content


def test_the_lock_closes_at_the_configured_limit(cabinet, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    for _ in range(2):
        assert _try(client, cabinet.minister.username, "wrong").status_code == 200
    assert _try(client, cabinet.minister.username, "wrong").status_code == 429
    _try(client, cabinet.minister.username, PASSWORD)
    assert not _signed_in(client)


def test_fewer_wrong_passwords_than_the_limit_still_let_the_owner_in(cabinet):
    client = Client()
    for _ in range(4):
        _try(client, cabinet.minister.username, "wrong")
    _try(client, cabinet.minister.username, PASSWORD)
    assert _signed_in(client)


def test_a_right_password_starts_the_count_again(cabinet):
    for _ in range(3):
        client = Client()
        for _ in range(4):
            _try(client, cabinet.minister.username, "wrong")
        _try(client, cabinet.minister.username, PASSWORD)
        assert _signed_in(client)


def test_the_lock_holds_one_user_name_from_one_address_only(cabinet):
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(5):
        _try(attacker, cabinet.minister.username, "wrong")
    owner = Client(REMOTE_ADDR="10.1.2.3")
    _try(owner, cabinet.minister.username, PASSWORD)
    assert _signed_in(owner)
    colleague = Client(REMOTE_ADDR="203.0.113.9")
    _try(colleague, cabinet.members[2].username, PASSWORD)
    assert _signed_in(colleague)


def test_the_locked_page_speaks_vietnamese(cabinet, settings):
    settings.LANGUAGE_CODE = "vi"
    client = Client(HTTP_ACCEPT_LANGUAGE="vi")
    for _ in range(5):
        response = _try(client, cabinet.minister.username, "wrong")
    text = response.content.decode()
    assert "Tài khoản đã bị khóa" in text
    assert "liên hệ bộ phận thư ký" in text


def test_a_lockout_is_written_to_the_trail_of_the_persons_body_once(cabinet):
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(8):
        _try(client, cabinet.minister.username, "wrong")
    entries = AuditEntry.objects.filter(action="account.locked_out")
    assert [(e.body_id, e.target_id) for e in entries] == [
        (cabinet.body.pk, str(cabinet.minister.pk))
    ]
    assert entries[0].details["ip_address"] == "203.0.113.9"
    assert "wrong" not in str(entries[0].details)


def test_a_lockout_of_an_unknown_name_is_written_with_no_body(cabinet):
    client = Client()
    for _ in range(5):
        _try(client, "nobody-by-this-name", "wrong")
    entry = AuditEntry.objects.get(action="account.locked_out")
    assert entry.body_id is None
    assert entry.details["username"] == "nobody-by-this-name"


def _lock(username: str) -> None:
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(5):
        _try(client, username, "wrong")


def _page(user, body):
    client = Client()
    client.force_login(user)
    return client, client.get(f"/accounts/bodies/{body.pk}/login-failures/")


def test_auditors_see_the_counters_and_who_is_locked(cabinet):
    _lock(cabinet.minister.username)
    _try(Client(), cabinet.members[2].username, "wrong")
    _client, response = _page(cabinet.auditor, cabinet.body)
    text = response.content.decode()
    assert response.status_code == 200
    assert f'data-username="{cabinet.minister.username}" data-locked="yes"' in text
    assert f'data-username="{cabinet.members[2].username}" data-locked="no"' in text
    assert 'data-testid="unlock-' not in text  # auditors look; they do not unlock


def test_people_of_other_bodies_are_not_listed(cabinet):
    _lock(cabinet.outsider.username)
    _client, response = _page(cabinet.auditor, cabinet.body)
    assert cabinet.outsider.username not in response.content.decode()


@pytest.mark.parametrize("role", ["minister", "chair", "guest", "outsider"])
def test_others_may_not_see_failed_logins(cabinet, role):
    _client, response = _page(getattr(cabinet, role), cabinet.body)
    assert response.status_code == 403


def test_the_secretariat_unlocks_and_the_owner_signs_in(cabinet):
    _lock(cabinet.minister.username)
    client, response = _page(cabinet.secretary, cabinet.body)
    assert f'data-testid="unlock-{cabinet.minister.username}"' in response.content.decode()
    response = client.post(
        f"/accounts/bodies/{cabinet.body.pk}/unlock/", {"username": cabinet.minister.username}
    )
    assert response.status_code == 302
    owner = Client(REMOTE_ADDR="203.0.113.9")
    _try(owner, cabinet.minister.username, PASSWORD)
    assert _signed_in(owner)
    entry = AuditEntry.objects.get(action="account.unlocked")
    assert entry.actor_id == cabinet.secretary.pk
    assert entry.body_id == cabinet.body.pk
    assert entry.details["failures"] == 5


def test_the_secretariat_of_another_body_may_not_unlock(cabinet):
    _lock(cabinet.minister.username)
    client = Client()
    client.force_login(cabinet.outsider)
    response = client.post(
        f"/accounts/bodies/{cabinet.other_body.pk}/unlock/",
        {"username": cabinet.minister.username},
    )
    assert response.status_code == 404
    _try(Client(REMOTE_ADDR="203.0.113.9"), cabinet.minister.username, PASSWORD)
    assert not AuditEntry.objects.filter(action="account.unlocked").exists()


def test_nobody_unlocks_their_own_account(cabinet):
    _lock(cabinet.secretary.username)
    client = Client()
    client.force_login(cabinet.secretary)
    response = client.post(
        f"/accounts/bodies/{cabinet.body.pk}/unlock/", {"username": cabinet.secretary.username}
    )
    assert response.status_code == 403
    locked = Client(REMOTE_ADDR="203.0.113.9")
    _try(locked, cabinet.secretary.username, PASSWORD)
    assert not _signed_in(locked)


def test_authenticating_without_a_request_is_not_throttled(cabinet):
    # The test client and management commands log in without an HTTP request.
    assert Client().login(username=cabinet.minister.username, password=PASSWORD)


def test_behind_the_proxy_a_forged_forwarded_address_does_not_escape_the_lock(cabinet, settings):
    settings.LOGIN_PROXY_COUNT = 1
    for n in range(5):
        # The client prepends an address of its choice; the proxy appends the real one.
        client = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 198.51.100.7")
        _try(client, cabinet.minister.username, "wrong")
    client = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="9.9.9.9, 198.51.100.7")
    _try(client, cabinet.minister.username, PASSWORD)
    assert not _signed_in(client)
    elsewhere = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.50")
    _try(elsewhere, cabinet.minister.username, PASSWORD)
    assert _signed_in(elsewhere)
