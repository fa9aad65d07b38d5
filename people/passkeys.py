"""WebAuthn passkeys as a second factor, beside the authenticator app (people/twofactor.py).

A passkey is a credential held by a security key or by the device's own authenticator
(fingerprint, face, screen lock). Registering one needs the password and, for a person
who already has a factor, that factor in this session; signing in with one verifies the
session like an app's code (it is a django-otp device). Each ceremony's challenge lives
in the session, is good for one answer and for CHALLENGE_SECONDS; the relying party's id
and origins come from WEBAUTHN_RP_ID and WEBAUTHN_ORIGINS (by default the request's host);
a sign count that does not grow is refused (a cloned authenticator).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import (
    base64url_to_bytes,
    bytes_to_base64url,
    parse_authentication_credential_json,
    parse_registration_credential_json,
)
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from ecabinet import audit
from ecabinet.errors import Invalid, NotFound
from people.models import Passkey, User
from people.services import account_body_ids
from people.twofactor import recovery_codes_issue

CHALLENGE_KEY = "passkey_challenge"
CHALLENGE_SECONDS = 120
NAME_LENGTH = 64
_TRANSPORTS = {t.value for t in AuthenticatorTransport}


def rp_id(request) -> str:
    """The relying party's id: WEBAUTHN_RP_ID, or the host name the person opened."""
    return settings.WEBAUTHN_RP_ID or request.get_host().rsplit(":", 1)[0].strip("[]")


def origins(request) -> list[str]:
    """The origins a ceremony may come from: WEBAUTHN_ORIGINS, or this page's origin."""
    return list(settings.WEBAUTHN_ORIGINS) or [f"{request.scheme}://{request.get_host()}"]


def _challenge_keep(request, purpose: str, challenge: bytes) -> None:
    request.session[CHALLENGE_KEY] = {
        "purpose": purpose,
        "challenge": bytes_to_base64url(challenge),
        "at": int(time.time()),
    }


def _challenge_take(request, purpose: str) -> bytes:
    """The challenge issued for `purpose`, removed from the session (good once)."""
    kept = request.session.pop(CHALLENGE_KEY, None)
    if (
        not isinstance(kept, dict)
        or kept.get("purpose") != purpose
        or int(time.time()) - int(kept.get("at", 0)) > CHALLENGE_SECONDS
    ):
        raise Invalid(_("The passkey request has expired. Try again."))
    return base64url_to_bytes(kept["challenge"])


def _descriptors(user: User) -> list[PublicKeyCredentialDescriptor]:
    return [
        PublicKeyCredentialDescriptor(
            id=bytes(p.credential_id),
            transports=[AuthenticatorTransport(t) for t in p.transports if t in _TRANSPORTS],
        )
        for p in Passkey.objects.filter(user=user, confirmed=True)
    ]


def user_passkeys(*, user: User):
    return Passkey.objects.filter(user=user, confirmed=True)


def registration_options(request) -> str:
    user = request.user
    options = generate_registration_options(
        rp_id=rp_id(request),
        rp_name=settings.WEBAUTHN_RP_NAME,
        user_id=f"ecabinet-user-{user.pk}".encode(),
        user_name=user.get_username(),
        user_display_name=user.full_name or user.get_username(),
        timeout=CHALLENGE_SECONDS * 1000,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=_descriptors(user),
    )
    _challenge_keep(request, "register", options.challenge)
    return options_to_json(options)


def _audit(user: User, action: str, details: dict) -> None:
    for body_id in account_body_ids(user):
        audit.record(actor=user, action=action, target=user, body_id=body_id, details=details)


@transaction.atomic
def passkey_register(request, *, credential: str, name: str) -> tuple[Passkey, list[str] | None]:
    """Check the authenticator's answer and keep the credential. Returns the passkey and,
    when the person had no recovery codes yet, new ones (shown once)."""
    user = request.user
    challenge = _challenge_take(request, "register")
    try:
        parsed = parse_registration_credential_json(credential)
        verified = verify_registration_response(
            credential=parsed,
            expected_challenge=challenge,
            expected_rp_id=rp_id(request),
            expected_origin=origins(request),
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
        raise Invalid(_("The passkey could not be registered. Try again.")) from exc
    if Passkey.objects.filter(credential_id=verified.credential_id).exists():
        raise Invalid(_("This passkey is already registered."))
    transports = [t.value for t in (parsed.response.transports or [])]
    passkey = Passkey.objects.create(
        user=user,
        name=(name.strip() or _("Passkey"))[:NAME_LENGTH],
        confirmed=True,
        credential_id=verified.credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        transports=transports,
    )
    codes = None
    if not StaticDevice.objects.filter(user=user, confirmed=True).exists():
        codes = recovery_codes_issue(user=user)
    _audit(user, "account.passkey_added", {"passkey": passkey.pk, "name": passkey.name})
    return passkey, codes


def authentication_options(request) -> str:
    user = request.user
    options = generate_authentication_options(
        rp_id=rp_id(request),
        timeout=CHALLENGE_SECONDS * 1000,
        allow_credentials=_descriptors(user),
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    _challenge_keep(request, "authenticate", options.challenge)
    return options_to_json(options)


@transaction.atomic
def passkey_authenticate(request, *, credential: str) -> Passkey:
    """The person's passkey that answered this session's challenge; its sign count must
    have grown (unless the authenticator keeps none)."""
    user = request.user
    challenge = _challenge_take(request, "authenticate")
    refused = Invalid(_("The passkey was not accepted. Try again or enter a code."))
    try:
        parsed = parse_authentication_credential_json(credential)
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
        raise refused from exc
    passkey = (
        Passkey.objects.select_for_update()
        .filter(user=user, confirmed=True, credential_id=parsed.raw_id)
        .first()
    )
    if passkey is None:
        raise refused
    try:
        verified = verify_authentication_response(
            credential=parsed,
            expected_challenge=challenge,
            expected_rp_id=rp_id(request),
            expected_origin=origins(request),
            credential_public_key=bytes(passkey.public_key),
            credential_current_sign_count=passkey.sign_count,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
        raise refused from exc
    passkey.sign_count, passkey.last_used_at = verified.new_sign_count, timezone.now()
    passkey.save(update_fields=["sign_count", "last_used_at"])
    _audit(user, "account.passkey_used", {"passkey": passkey.pk, "name": passkey.name})
    return passkey


@transaction.atomic
def passkey_remove(*, actor: User, passkey_id: int) -> None:
    passkey = Passkey.objects.select_for_update().filter(pk=passkey_id, user=actor).first()
    if passkey is None:
        raise NotFound(_("No such passkey."))
    details = {"passkey": passkey.pk, "name": passkey.name}
    passkey.delete()
    _audit(actor, "account.passkey_removed", details)
