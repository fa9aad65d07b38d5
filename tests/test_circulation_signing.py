# ruff: noqa: F811 - fixtures imported from tests.pki_fixtures are re-bound as arguments
"""Signing a circulated draft from its page: a minister signs with the PIN, the
secretariat applies the agency's seal, and the page verifies what is stored."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from signing.models import Signature
from tests.circulation_helpers import circulate
from tests.factories import PASSWORD
from tests.pki_fixtures import (  # noqa: F401
    SEAL_PIN,
    USER_PIN,
    assert_independently_valid,
    dev_pki,
    nss_db,
    signers,
    signing_settings,
    version_bytes,
)

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_a_minister_signs_the_draft_then_the_secretariat_seals_it_and_the_page_verifies(
    cabinet, signers, nss_db, tmp_path
):
    circulation = circulate(cabinet)
    detail = reverse("circulation:detail", args=[circulation.pk])
    minister = logged_in(signers.minister)
    page = minister.get(detail).content.decode()
    assert 'data-testid="sign-1"' in page
    assert 'data-testid="seal-1"' not in page  # the seal is the secretariat's

    sign = reverse("circulation:sign", args=[circulation.pk, 1])
    form = minister.get(sign).content.decode()
    assert 'type="password"' in form and 'autocomplete="off"' in form
    response = minister.post(sign, {"pin": USER_PIN})
    assert response.status_code == 302 and response.url == detail
    v2 = circulation.document.versions.get(number=2)
    assert_independently_valid(version_bytes(v2), nss_db, tmp_path, signatures=1)

    secretary = logged_in(signers.secretary)
    assert 'data-testid="seal-2"' in secretary.get(detail).content.decode()
    response = secretary.post(
        reverse("circulation:seal", args=[circulation.pk, 2]), {"pin": SEAL_PIN}
    )
    assert response.status_code == 302
    v3 = circulation.document.versions.get(number=3)
    assert_independently_valid(version_bytes(v3), nss_db, tmp_path, signatures=2)
    assert list(Signature.objects.values_list("kind", flat=True).order_by("pk")) == [
        "personal",
        "seal",
    ]

    report = minister.get(reverse("circulation:verify", args=[circulation.pk, 3]))
    text = report.content.decode()
    assert report.status_code == 200
    assert "All signatures are valid." in text
    # Two signatures, each followed by a document timestamp (PAdES B-LTA).
    assert text.count('data-testid="signature-row"') == 4
    kinds = [
        row.split('data-code="')[1].split('"')[0]
        for row in text.split('data-testid="signature-row">')[1:]
    ]
    assert [k for k in kinds if k != "timestamp"] == ["personal", "seal"]
    assert v3.sha256 in text


def test_a_wrong_pin_on_the_page_says_so_and_signs_nothing(cabinet, signers):
    circulation = circulate(cabinet)
    minister = logged_in(signers.minister)
    response = minister.post(
        reverse("circulation:sign", args=[circulation.pk, 1]), {"pin": "000000"}
    )
    assert response.status_code == 200
    assert "Wrong PIN" in response.content.decode()
    assert USER_PIN not in response.content.decode() and "000000" not in response.content.decode()
    assert circulation.document.versions.count() == 1


def test_a_minister_cannot_apply_the_seal_and_an_outsider_cannot_reach_the_signing_page(
    cabinet, signers
):
    circulation = circulate(cabinet)
    minister = logged_in(signers.minister)
    response = minister.post(
        reverse("circulation:seal", args=[circulation.pk, 1]), {"pin": SEAL_PIN}
    )
    assert response.status_code == 403
    outsider = logged_in(cabinet.outsider)
    assert outsider.get(reverse("circulation:sign", args=[circulation.pk, 1])).status_code == 404
    assert circulation.document.versions.count() == 1
