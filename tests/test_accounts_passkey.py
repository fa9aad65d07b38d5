"""Passkeys (WebAuthn) as a second factor when TWO_FACTOR_REQUIRED is on: registered at
the first sign-in or by a session that has given its factor, accepted at sign-in in
place of the app's code, with real ceremony data from a software authenticator
(tests/passkey_authenticator.py) checked by py_webauthn."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from webauthn.helpers import bytes_to_base64url

from ecabinet.audit.models import AuditEntry
from people.channels import _factor_missing
from people.models import Passkey, Role
from people.passkeys import CHALLENGE_KEY, CHALLENGE_SECONDS
from tests.factories import PASSWORD, UserFactory, grant
from tests.passkey_authenticator import SoftAuthenticator

pytestmark = pytest.mark.django_db

REGISTER_OPTIONS = "/accounts/factor/passkey/register/options/"
REGISTER = "/accounts/factor/passkey/register/"
OPTIONS = "/accounts/factor/passkey/options/"
VERIFY = "/accounts/factor/passkey/verify/"


@pytest.fixture(autouse=True)
def _factor_on(settings):
    settings.TWO_FACTOR_REQUIRED = True


def _sign_in(user) -> Client:
    client = Client()
    client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert "_auth_user_id" in client.session
    return client


def _enrol(client, key: SoftAuthenticator, *, name="Máy tính bảng"):
    options = client.post(REGISTER_OPTIONS).json()
    return client.post(
        REGISTER, {"credential": key.register(options), "name": name, "next": "/meetings/"}
    )


def _passkey_sign_in(user, key: SoftAuthenticator, **kwargs):
    client = _sign_in(user)
    options = client.post(OPTIONS).json()
    response = client.post(VERIFY, {"credential": key.assert_(options, **kwargs), "next": "/"})
    return client, response


def test_a_passkey_enrols_at_the_first_sign_in(cabinet):
    client = _sign_in(cabinet.minister)
    page = client.get("/accounts/factor/setup/").content.decode()
    assert 'data-passkey="register"' in page
    assert "<script>" not in page  # the page's script is a file (CSP: script-src 'self')
    key = SoftAuthenticator()
    options = client.post(REGISTER_OPTIONS).json()
    assert options["rp"]["id"] == "testserver"
    assert options["user"]["name"] == cabinet.minister.username
    response = client.post(
        REGISTER, {"credential": key.register(options), "name": "Khóa USB", "next": "/meetings/"}
    )
    codes = re.findall(r'data-testid="recovery-code">([^<]+)<', response.content.decode())
    assert len(codes) == 10
    passkey = Passkey.objects.get(user=cabinet.minister)
    assert (bytes(passkey.credential_id), passkey.sign_count) == (key.credential_id, 1)
    assert passkey.name == "Khóa USB" and passkey.transports == ["usb"]
    assert client.get("/meetings/").status_code == 200
    entry = AuditEntry.objects.get(action="account.passkey_added")
    assert entry.details["name"] == "Khóa USB"


def test_a_person_with_only_a_passkey_passes_the_factor(cabinet):
    key = SoftAuthenticator()
    _enrol(_sign_in(cabinet.minister), key)
    client = _sign_in(cabinet.minister)
    assert client.get("/meetings/")["Location"].startswith("/accounts/factor/verify/")
    assert _factor_missing(cabinet.minister, client.session)
    assert 'data-passkey="authenticate"' in client.get("/accounts/factor/verify/").content.decode()
    options = client.post(OPTIONS).json()
    assert [c["id"] for c in options["allowCredentials"]] == [bytes_to_base64url(key.credential_id)]
    response = client.post(VERIFY, {"credential": key.assert_(options), "next": "/meetings/"})
    assert response["Location"] == "/meetings/"
    assert client.get("/meetings/").status_code == 200
    assert client.get("/api/me/work").status_code == 200
    assert not _factor_missing(cabinet.minister, client.session)
    passkey = Passkey.objects.get()
    assert passkey.sign_count == 2 and passkey.last_used_at is not None
    assert AuditEntry.objects.filter(action="account.passkey_used").count() == 1


def test_an_answer_to_an_old_challenge_is_refused(cabinet):
    # An authenticator without a sign count: only the challenge stops a replay.
    key = SoftAuthenticator(counter=False)
    _enrol(_sign_in(cabinet.minister), key)
    client = _sign_in(cabinet.minister)
    answer = key.assert_(client.post(OPTIONS).json())
    assert client.post(VERIFY, {"credential": answer})["Location"] == "/"
    assert client.post(VERIFY, {"credential": answer}).status_code == 200  # used up
    assert AuditEntry.objects.filter(action="account.passkey_used").count() == 1
    # The same answer again, in this session (its challenge is used up) and in another
    # session that asked for a challenge of its own.
    client.logout()
    again = _sign_in(cabinet.minister)
    assert again.post(VERIFY, {"credential": answer}).status_code == 200
    again.post(OPTIONS)
    response = again.post(VERIFY, {"credential": answer})
    assert b'data-testid="form-errors"' in response.content
    assert again.get("/meetings/").status_code == 302


def test_a_challenge_is_short_lived(cabinet):
    key = SoftAuthenticator()
    _enrol(_sign_in(cabinet.minister), key)
    client = _sign_in(cabinet.minister)
    answer = key.assert_(client.post(OPTIONS).json())
    session = client.session
    session[CHALLENGE_KEY] = dict(session[CHALLENGE_KEY])
    session[CHALLENGE_KEY]["at"] -= CHALLENGE_SECONDS + 1
    session.save()
    assert client.post(VERIFY, {"credential": answer}).status_code == 200
    assert client.get("/meetings/").status_code == 302


def test_a_wrong_origin_is_refused(cabinet):
    key = SoftAuthenticator()
    client = _sign_in(cabinet.minister)
    response = _enrol(client, SoftAuthenticator(origin="http://evil.example"))
    assert b'data-testid="passkey-error"' in response.content
    assert not Passkey.objects.exists()
    _enrol(client, key)
    _, response = _passkey_sign_in(cabinet.minister, key, origin="https://evil.example")
    assert response.status_code == 200
    assert AuditEntry.objects.filter(action="account.passkey_used").count() == 0


def test_a_sign_count_that_goes_back_is_refused(cabinet):
    key = SoftAuthenticator()
    _enrol(_sign_in(cabinet.minister), key)
    _, response = _passkey_sign_in(cabinet.minister, key, sign_count=5)
    assert response.status_code == 302
    # A clone of the authenticator, behind the original's count.
    client, response = _passkey_sign_in(cabinet.minister, key, sign_count=3)
    assert response.status_code == 200
    assert client.get("/meetings/").status_code == 302
    assert Passkey.objects.get().sign_count == 5


def test_the_relying_party_comes_from_the_settings(cabinet, settings):
    settings.WEBAUTHN_RP_ID = "ecabinet.example"
    settings.WEBAUTHN_ORIGINS = ["https://ecabinet.example"]
    client = _sign_in(cabinet.minister)
    assert client.post(REGISTER_OPTIONS).json()["rp"]["id"] == "ecabinet.example"
    _enrol(client, SoftAuthenticator())  # signed for testserver: refused
    assert not Passkey.objects.exists()
    _enrol(client, SoftAuthenticator(rp_id="ecabinet.example", origin="https://ecabinet.example"))
    assert Passkey.objects.count() == 1


def test_a_password_alone_cannot_add_a_passkey_to_an_enrolled_account(cabinet):
    key = SoftAuthenticator()
    _enrol(_sign_in(cabinet.minister), key)
    client = _sign_in(cabinet.minister)
    assert client.post(REGISTER_OPTIONS).status_code == 403
    intruder = SoftAuthenticator()
    assert (
        client.post(REGISTER, {"credential": intruder.register({"challenge": "AA"})}).status_code
        == 403
    )
    assert client.get("/accounts/factor/setup/")["Location"].startswith("/accounts/factor/verify/")
    # Once the factor is given, a second passkey may be added (no new recovery codes).
    verified, _ = _passkey_sign_in(cabinet.minister, key)
    response = _enrol(verified, SoftAuthenticator(), name="Điện thoại")
    assert response.status_code == 302
    assert Passkey.objects.count() == 2
    page = verified.get("/accounts/factor/setup/").content.decode()
    assert page.count('data-testid="passkey"') == 2
    assert 'data-testid="passkeys-link"' in verified.get("/accounts/password/").content.decode()


def test_a_verified_person_removes_a_passkey(cabinet):
    key = SoftAuthenticator()
    _enrol(_sign_in(cabinet.minister), key)
    client, _ = _passkey_sign_in(cabinet.minister, key)
    passkey = Passkey.objects.get()
    response = client.post(f"/accounts/factor/passkey/{passkey.pk}/remove/")
    assert response.status_code == 302
    assert not Passkey.objects.exists()
    assert AuditEntry.objects.get(action="account.passkey_removed").details["passkey"] == passkey.pk


def test_the_factor_reset_removes_passkeys(cabinet):
    from tests.test_accounts_factor import _verified

    second = grant(UserFactory(username="secretary2"), cabinet.body, Role.SECRETARIAT)
    _enrol(_sign_in(cabinet.minister), SoftAuthenticator())
    first_client, second_client = _verified(cabinet.secretary), _verified(second)
    page = first_client.get(f"/accounts/bodies/{cabinet.body.pk}/login-failures/")
    assert f'data-testid="factor-reset-{cabinet.minister.username}"' in page.content.decode()
    first_client.post(
        f"/accounts/bodies/{cabinet.body.pk}/factor-reset/", {"user_id": cabinet.minister.pk}
    )
    reset = cabinet.minister.factor_resets.get()
    second_client.post(f"/accounts/bodies/{cabinet.body.pk}/factor-reset/{reset.pk}/approve/")
    assert not Passkey.objects.filter(user=cabinet.minister).exists()
    entry = AuditEntry.objects.get(action="account.passkey_removed")
    assert entry.actor_id == second.pk and entry.details["reset"] == reset.pk
    client = _sign_in(cabinet.minister)
    assert client.get("/meetings/")["Location"].startswith("/accounts/factor/setup/")


def test_garbage_is_refused_clearly(cabinet):
    client = _sign_in(cabinet.minister)
    client.post(REGISTER_OPTIONS)
    response = client.post(REGISTER, {"credential": json.dumps({"id": [1]})})
    assert b'data-testid="passkey-error"' in response.content
    assert client.post(OPTIONS).status_code == 400  # no passkey yet
