# ruff: noqa: F811 - fixtures imported from tests.pki_fixtures are re-bound as arguments
"""A closed draft waits for signatures: its author is told to sign the final version,
then the secretariat to apply the seal; each request is read once its signature is made
on the signing pages. Real keys on SoftHSM2."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from circulation import services
from notifications.models import Notification
from tests.circulation_helpers import circulate
from tests.factories import PASSWORD
from tests.pki_fixtures import (  # noqa: F401
    SEAL_PIN,
    USER_PIN,
    dev_pki,
    signers,
    signing_settings,
)

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def asking(user, kind: str, draft) -> list[Notification]:
    return list(
        Notification.objects.filter(
            recipient=user, kind=kind, subject=f"circulation:{draft.pk}", read_at=None
        )
    )


def test_the_author_then_the_secretariat_are_asked_and_signing_settles_each(cabinet, signers):
    draft = circulate(cabinet, actor=signers.minister)
    services.circulation_close(actor=cabinet.secretary, circulation=draft)
    [request] = asking(signers.minister, "circulation.to_sign", draft)
    assert request.data["number"] == 1 and request.rendered.title.startswith(
        "Sign the final version: "
    )
    assert not asking(cabinet.secretary, "circulation.to_seal", draft)

    response = logged_in(signers.minister).post(
        reverse("circulation:sign", args=[draft.pk, 1]), {"pin": USER_PIN}
    )
    assert response.status_code == 302
    assert not asking(signers.minister, "circulation.to_sign", draft)
    [seal] = asking(cabinet.secretary, "circulation.to_seal", draft)
    assert seal.rendered.message == f"{signers.minister} signed version 1."

    response = logged_in(cabinet.secretary).post(
        reverse("circulation:seal", args=[draft.pk, 2]), {"pin": SEAL_PIN}
    )
    assert response.status_code == 302
    assert not asking(cabinet.secretary, "circulation.to_seal", draft)


def test_an_author_who_closes_the_draft_is_not_told_of_their_own_step(cabinet, signers):
    draft = circulate(cabinet, actor=signers.minister)
    services.circulation_close(actor=signers.minister, circulation=draft)
    assert not Notification.objects.filter(kind="circulation.to_sign").exists()


def test_a_signature_while_comments_are_open_asks_nobody_for_the_seal(cabinet, signers):
    draft = circulate(cabinet, actor=signers.minister)
    logged_in(signers.minister).post(
        reverse("circulation:sign", args=[draft.pk, 1]), {"pin": USER_PIN}
    )
    assert not Notification.objects.filter(kind="circulation.to_seal").exists()
