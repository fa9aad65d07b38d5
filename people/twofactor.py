"""The second factor: an authenticator app (TOTP, django-otp) or a passkey (WebAuthn,
people/passkeys.py), and one-use recovery codes.

Who needs it: everyone who signs, votes or administers (members, chairs, deputies who
stand in, the secretariat, archivists, staff), when TWO_FACTOR_REQUIRED is on. A person
without a device enrols at the first sign-in; a lost phone is cleared only when one
member of the secretariat asks and another approves (FactorReset), both audited.
"""

from __future__ import annotations

import segno
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ecabinet import audit
from ecabinet.errors import Conflict, Invalid, NotAllowed, NotFound
from people.models import Body, FactorReset, Membership, Passkey, Role, User
from people.selectors import body_people, user_has_role
from people.services import account_body_ids

FACTOR_ROLES = frozenset({Role.MEMBER, Role.CHAIR, Role.DEPUTY, Role.SECRETARIAT, Role.ARCHIVIST})
RECOVERY_CODES = 10


def factor_required(*, user: User) -> bool:
    if not settings.TWO_FACTOR_REQUIRED or not user.is_authenticated:
        return False
    return (
        user.is_staff
        or Membership.objects.filter(user=user, is_active=True, role__in=FACTOR_ROLES).exists()
    )


def factor_device(*, user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def factor_enrolled(*, user: User) -> bool:
    """Whether the person has a second factor: an authenticator app or a passkey."""
    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or Passkey.objects.filter(user=user, confirmed=True).exists()
    )


def factor_enrolment(*, user: User) -> TOTPDevice:
    """The device being enrolled: one unconfirmed TOTP key, kept until confirmed so a
    reload shows the same QR code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def factor_qr_svg(*, device: TOTPDevice) -> str:
    return segno.make(device.config_url, error="m").svg_inline(scale=4, border=2)


@transaction.atomic
def factor_confirm(*, user: User, token: str) -> list[str]:
    """Confirm the enrolling device with a code from the app; returns new recovery codes
    (shown once). The person's older devices, if any, are removed."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None or not device.verify_token(token.strip()):
        raise Invalid(_("The code is not right. Enter the 6 digits the app shows now."))
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = recovery_codes_issue(user=user)
    for body_id in account_body_ids(user):
        audit.record(actor=user, action="account.factor_enrolled", target=user, body_id=body_id)
    return codes


def recovery_codes_issue(*, user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def factor_verify(*, user: User, token: str):
    """The device that accepts `token` (a 6-digit app code or a recovery code, which is
    then used up), or None. django-otp slows down repeated failures per device."""
    token = token.strip().replace(" ", "")
    if token.isdigit() and len(token) == 6:
        device = factor_device(user=user)
        return verify_token(user, device.persistent_id, token) if device else None
    recovery = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if recovery is None:
        return None
    accepted = verify_token(user, recovery.persistent_id, token.lower())
    if accepted is not None:
        with transaction.atomic():
            for body_id in account_body_ids(user):
                audit.record(
                    actor=user,
                    action="account.recovery_code_used",
                    target=user,
                    body_id=body_id,
                    details={"left": recovery.token_set.count()},
                )
    return accepted


def _ensure_secretariat(*, actor: User, body: Body, user: User) -> None:
    if not user_has_role(user=actor, body_id=body.pk, roles={Role.SECRETARIAT}):
        raise NotAllowed(_("Only the body's secretariat resets a second factor."))
    if not body_people(body=body).filter(pk=user.pk).exists():
        raise NotFound(_("No such account in this body."))
    if actor.pk == user.pk:
        raise NotAllowed(_("Another member of the secretariat must reset your second factor."))


@transaction.atomic
def factor_reset_request(*, actor: User, body: Body, user: User) -> FactorReset:
    _ensure_secretariat(actor=actor, body=body, user=user)
    if FactorReset.objects.filter(user=user, state=FactorReset.State.PENDING).exists():
        raise Conflict(_("A reset of this person's second factor already waits for approval."))
    reset = FactorReset.objects.create(body=body, user=user, requested_by=actor)
    audit.record(
        actor=actor,
        action="account.factor_reset_requested",
        target=user,
        body_id=body.pk,
        details={"reset": reset.pk},
    )
    return reset


@transaction.atomic
def factor_reset_approve(*, actor: User, reset_id: int) -> FactorReset:
    """A second member of the secretariat approves: the person's devices, passkeys and
    recovery codes are removed and they enrol again at their next sign-in."""
    reset = FactorReset.objects.select_for_update().filter(pk=reset_id).first()
    if reset is None:
        raise NotFound(_("No such request."))
    _ensure_secretariat(actor=actor, body=reset.body, user=reset.user)
    if reset.state != FactorReset.State.PENDING:
        raise Conflict(_("This request was already decided."))
    if reset.requested_by_id == actor.pk:
        raise NotAllowed(_("Another member of the secretariat must approve this reset."))
    TOTPDevice.objects.filter(user=reset.user).delete()
    StaticDevice.objects.filter(user=reset.user).delete()
    passkeys = list(Passkey.objects.filter(user=reset.user).values_list("pk", "name"))
    Passkey.objects.filter(user=reset.user).delete()
    reset.state, reset.approved_by, reset.decided_at = (
        FactorReset.State.DONE,
        actor,
        timezone.now(),
    )
    reset.save(update_fields=["state", "approved_by", "decided_at"])
    audit.record(
        actor=actor,
        action="account.factor_reset",
        target=reset.user,
        body_id=reset.body_id,
        details={"reset": reset.pk, "requested_by": reset.requested_by.get_username()},
    )
    for pk, name in passkeys:
        audit.record(
            actor=actor,
            action="account.passkey_removed",
            target=reset.user,
            body_id=reset.body_id,
            details={"passkey": pk, "name": name, "reset": reset.pk},
        )
    return reset


def body_factor_state(*, body: Body) -> list[dict]:
    """For the secretariat's page: each person of the body who needs a factor, whether
    they have one, and a pending reset if any."""
    people = body_people(body=body, roles=set(FACTOR_ROLES)).distinct().order_by("username")
    enrolled = {
        user_id
        for model in (TOTPDevice, Passkey)
        for user_id in model.objects.filter(user__in=people, confirmed=True).values_list(
            "user_id", flat=True
        )
    }
    pending = {
        r.user_id: r
        for r in FactorReset.objects.filter(
            user__in=people, state=FactorReset.State.PENDING
        ).select_related("requested_by")
    }
    return [{"person": p, "enrolled": p.pk in enrolled, "reset": pending.get(p.pk)} for p in people]
