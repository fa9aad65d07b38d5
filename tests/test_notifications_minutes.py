"""Minutes never wait unseen: once the secretary has signed, the chair is told they wait
for his signature; once the chair has signed, the secretariat is told they wait for the
agency's seal; each request is read once its signature is made. Real keys on SoftHSM2."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from minutes import services
from notifications.models import Notification
from signing.provisioning import key_provision
from tests import pki_fixtures
from tests.factories import UserFactory, grant
from tests.minutes_helpers import issued
from tests.pki_fixtures import SEAL_PIN, USER_PIN

pytestmark = pytest.mark.django_db

dev_pki, nss_db = pki_fixtures.dev_pki, pki_fixtures.nss_db
signers, signing_settings = pki_fixtures.signers, pki_fixtures.signing_settings


@pytest.fixture
def minutes(cabinet, signers, dev_pki):
    key_provision(actor=None, pki=dev_pki.pki, pin=USER_PIN, user=signers.secretary)
    return issued(cabinet)


def about(minutes, kind: str):
    return Notification.objects.filter(subject=f"minutes:{minutes.pk}", kind=kind)


def test_issuing_tells_nobody_the_secretary_signs_first_themselves(minutes):
    assert not Notification.objects.filter(subject=f"minutes:{minutes.pk}").exists()


def test_the_chair_is_told_when_the_secretary_has_signed(
    minutes, signers, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.minutes_sign(
            actor=signers.secretary, minutes=minutes, step="secretary", pin=USER_PIN
        )
    [note] = about(minutes, "minutes.to_sign")
    assert note.recipient == signers.chair and note.read_at is None
    assert note.url == reverse("minutes:meeting", args=[minutes.meeting_id])
    assert note.data["signed_by"] == str(signers.secretary)
    with translation.override("vi"):
        assert note.rendered.title == f"Biên bản {minutes.meeting.title} đang chờ bạn ký"
        assert minutes.number_symbol in note.rendered.message
    with translation.override("en"):
        assert note.rendered.title == f"The minutes of {minutes.meeting.title} await your signature"
    assert [m.to for m in mail.outbox] == [[signers.chair.email]]


def test_the_secretariat_is_told_when_the_chair_has_signed_and_the_seal_settles_it(
    cabinet, minutes, signers
):
    another = grant(UserFactory(username="vpcp2"), cabinet.body, "secretariat")
    services.minutes_sign(actor=signers.secretary, minutes=minutes, step="secretary", pin=USER_PIN)
    services.minutes_sign(actor=signers.chair, minutes=minutes, step="chair", pin=USER_PIN)
    # The chair's own request is done.
    assert not about(minutes, "minutes.to_sign").filter(read_at=None).exists()
    seal = about(minutes, "minutes.to_seal")
    assert {n.recipient for n in seal} == {signers.secretary, another}
    assert not seal.exclude(read_at=None).exists()
    # One of the secretariat seals: nobody in the secretariat is asked any longer.
    services.minutes_sign(actor=signers.secretary, minutes=minutes, step="seal", pin=SEAL_PIN)
    assert not about(minutes, "minutes.to_seal").filter(read_at=None).exists()


def test_the_chair_led_by_the_notification_reaches_the_signing_page(client, minutes, signers):
    services.minutes_sign(actor=signers.secretary, minutes=minutes, step="secretary", pin=USER_PIN)
    note = about(minutes, "minutes.to_sign").get()
    client.force_login(signers.chair)
    listing = client.get(reverse("notifications:list"), HTTP_ACCEPT_LANGUAGE="en")
    assert f"The minutes of {minutes.meeting.title} await your signature".encode() in (
        listing.content
    )
    response = client.get(reverse("notifications:open", args=[note.pk]))
    assert response["Location"] == reverse("minutes:meeting", args=[minutes.meeting_id])
    assert client.get(response["Location"]).status_code == 200
