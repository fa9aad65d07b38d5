"""The second factor (TOTP with recovery codes) when TWO_FACTOR_REQUIRED is on: enrolment
at the first sign-in, a code at each sign-in, and a reset only with two members of the
secretariat."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from ecabinet.audit.models import AuditEntry
from people.models import Role
from tests.factories import PASSWORD, UserFactory, grant

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _factor_on(settings):
    settings.TWO_FACTOR_REQUIRED = True


def _code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def _sign_in(user) -> Client:
    client = Client()
    client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert "_auth_user_id" in client.session
    return client


def _enrol(user) -> list[str]:
    client = _sign_in(user)
    client.get("/accounts/factor/setup/")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post("/accounts/factor/setup/", {"token": _code(device), "next": "/"})
    return re.findall(r'data-testid="recovery-code">([^<]+)<', response.content.decode())


def test_a_password_alone_no_longer_opens_the_pages(cabinet):
    client = _sign_in(cabinet.minister)
    response = client.get("/meetings/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/factor/setup/?next=%2Fmeetings%2F")
    assert client.get("/api/me/work").status_code == 401


def test_enrolment_shows_a_qr_code_and_confirms_with_a_code(cabinet):
    client = _sign_in(cabinet.minister)
    page = client.get("/accounts/factor/setup/").content.decode()
    assert "<svg" in page
    assert 'data-testid="factor-secret"' in page
    response = client.post("/accounts/factor/setup/", {"token": "000000"})
    assert b'data-testid="form-errors"' in response.content
    device = TOTPDevice.objects.get(user=cabinet.minister)
    response = client.post("/accounts/factor/setup/", {"token": _code(device), "next": "/"})
    codes = re.findall(r'data-testid="recovery-code">([^<]+)<', response.content.decode())
    assert len(codes) == 10
    assert client.get("/meetings/").status_code == 200
    assert AuditEntry.objects.filter(action="account.factor_enrolled").count() == 1


def test_each_sign_in_asks_for_the_code(cabinet):
    _enrol(cabinet.minister)
    client = _sign_in(cabinet.minister)
    response = client.get("/meetings/")
    assert response["Location"].startswith("/accounts/factor/verify/")
    assert client.post("/accounts/factor/verify/", {"token": "123456"}).status_code == 200
    assert client.get("/meetings/").status_code == 302
    device = TOTPDevice.objects.get(user=cabinet.minister, confirmed=True)
    # A code is good once: the one used at enrolment is refused, so wait for the next step.
    device.last_t = -1
    device.throttle_reset()
    response = client.post(
        "/accounts/factor/verify/", {"token": _code(device), "next": "/meetings/"}
    )
    assert response["Location"] == "/meetings/"
    assert client.get("/meetings/").status_code == 200


def test_a_recovery_code_signs_in_once(cabinet):
    codes = _enrol(cabinet.minister)
    client = _sign_in(cabinet.minister)
    client.post("/accounts/factor/verify/", {"token": codes[0]})
    assert client.get("/meetings/").status_code == 200
    again = _sign_in(cabinet.minister)
    again.post("/accounts/factor/verify/", {"token": codes[0]})
    assert again.get("/meetings/").status_code == 302
    assert AuditEntry.objects.filter(action="account.recovery_code_used").count() == 1


def test_the_next_address_stays_on_this_site(cabinet):
    codes = _enrol(cabinet.minister)
    client = _sign_in(cabinet.minister)
    response = client.post(
        "/accounts/factor/verify/", {"token": codes[1], "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


@pytest.mark.parametrize("role", ["guest", "observer", "auditor"])
def test_people_who_neither_sign_vote_nor_administer_are_not_asked(cabinet, role):
    client = _sign_in(getattr(cabinet, role))
    assert client.get("/accounts/password/").status_code == 200


def _second_secretary(cabinet):
    return grant(UserFactory(username="secretary2"), cabinet.body, Role.SECRETARIAT)


def _verified(user) -> Client:
    _enrol(user)
    client = Client()
    client.force_login(user)
    from django_otp import DEVICE_ID_SESSION_KEY

    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()
    return client


def test_a_reset_needs_a_second_member_of_the_secretariat(cabinet):
    second = _second_secretary(cabinet)
    _enrol(cabinet.minister)
    first_client, second_client = _verified(cabinet.secretary), _verified(second)
    page = first_client.get(f"/accounts/bodies/{cabinet.body.pk}/login-failures/")
    text = page.content.decode()
    assert f'data-testid="factor-reset-{cabinet.minister.username}"' in text
    # The factor table is in the page once, and the page's title is only its name.
    assert text.count('data-testid="factors"') == 1
    assert "<h2" not in text[text.index("<title>") : text.index("</title>")]
    first_client.post(
        f"/accounts/bodies/{cabinet.body.pk}/factor-reset/", {"user_id": cabinet.minister.pk}
    )
    reset = cabinet.minister.factor_resets.get()
    approve = f"/accounts/bodies/{cabinet.body.pk}/factor-reset/{reset.pk}/approve/"
    assert first_client.post(approve).status_code == 403  # not by the one who asked
    assert TOTPDevice.objects.filter(user=cabinet.minister).exists()
    assert second_client.post(approve).status_code == 302
    assert not TOTPDevice.objects.filter(user=cabinet.minister).exists()
    entry = AuditEntry.objects.get(action="account.factor_reset")
    assert entry.actor_id == second.pk
    assert entry.details["requested_by"] == cabinet.secretary.username
    assert AuditEntry.objects.filter(action="account.factor_reset_requested").count() == 1
    client = _sign_in(cabinet.minister)
    assert client.get("/meetings/")["Location"].startswith("/accounts/factor/setup/")


def test_nobody_resets_their_own_factor_nor_outside_their_body(cabinet):
    client = _verified(cabinet.secretary)
    response = client.post(
        f"/accounts/bodies/{cabinet.body.pk}/factor-reset/", {"user_id": cabinet.secretary.pk}
    )
    assert response.status_code == 403
    outsider = _verified(cabinet.outsider)
    response = outsider.post(
        f"/accounts/bodies/{cabinet.other_body.pk}/factor-reset/",
        {"user_id": cabinet.minister.pk},
    )
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="account.factor_reset_requested").exists()
