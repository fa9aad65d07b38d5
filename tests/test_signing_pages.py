# ruff: noqa: F811 - fixtures imported from tests.pki_fixtures are re-bound as arguments
"""The verify page and the keys page."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from signing import services
from tests.factories import PASSWORD
from tests.pki_fixtures import (  # noqa: F401
    USER_PIN,
    dev_pki,
    make_document,
    signers,
    signing_settings,
    version_bytes,
)

pytestmark = pytest.mark.django_db


def test_the_verify_page_reports_a_signed_pdf(client, signers):
    document = make_document(signers.body, signers.secretary)
    v2 = services.version_sign(actor=signers.chair, version=document.latest_version(), pin=USER_PIN)
    client.login(username=signers.minister.username, password=PASSWORD)
    upload = SimpleUploadedFile("s.pdf", version_bytes(v2), content_type="application/pdf")
    response = client.post("/signing/verify/", {"file": upload})
    assert response.status_code == 200
    assert "All signatures are valid." in response.content.decode()


def test_the_keys_page_shows_the_users_own_key(client, signers):
    client.login(username=signers.chair.username, password=PASSWORD)
    page = client.get("/signing/keys/").content.decode()
    assert "Trần Đức Khiêm" in page and "Ready to sign." in page
