# ruff: noqa: F811 - fixtures imported from tests.pki_fixtures are re-bound as arguments
"""The timestamp authority is unreachable (a closed port on this machine, a real
connection failure): signing is refused with a 409, nothing is stored, the PIN counter
is not charged, and signing works again once the authority answers."""

from __future__ import annotations

import pytest

from documents.models import DocumentVersion
from ecabinet.audit.models import AuditEntry
from ecabinet.errors import Conflict
from signing import services
from signing.models import Signature, SigningKey
from tests.circulation_helpers import circulate
from tests.pki_fixtures import (  # noqa: F401
    SEAL_PIN,
    USER_PIN,
    dev_pki,
    free_port,
    make_document,
    signers,
    signing_settings,
)
from tests.roles import client_for
from tests.signing_helpers import post_json

pytestmark = pytest.mark.django_db

UNREACHABLE = "The timestamp service cannot be reached"


@pytest.fixture
def tsa_down(signing_settings):
    """Point the TSA at a port nobody listens on; the CA's CRL and OCSP stay up."""
    good = signing_settings.SIGNING_TSA_URL
    signing_settings.SIGNING_TSA_URL = f"http://127.0.0.1:{free_port()}/tsa"
    yield good
    signing_settings.SIGNING_TSA_URL = good


def stored() -> tuple[int, int, int]:
    signed = AuditEntry.objects.filter(action__in=["signing.signed", "signing.sealed"]).count()
    return DocumentVersion.objects.count(), Signature.objects.count(), signed


def attempts(key: SigningKey) -> tuple[int, bool]:
    key.refresh_from_db()
    return key.failed_attempts, key.locked


def test_a_personal_signature_without_the_tsa_is_a_conflict_that_stores_nothing(
    signers, signing_settings, tsa_down
):
    document = make_document(signers.body, signers.secretary)
    v1 = document.latest_version()
    # One earlier wrong PIN: the failure neither adds to it nor clears it.
    SigningKey.objects.filter(pk=signers.chair_key.pk).update(failed_attempts=1)
    before = stored()
    with pytest.raises(Conflict, match=UNREACHABLE) as caught:
        services.version_sign(actor=signers.chair, version=v1, pin=USER_PIN)
    assert caught.value.status == 409
    assert stored() == before
    assert document.versions.count() == 1
    assert attempts(signers.chair_key) == (1, False)
    assert not AuditEntry.objects.filter(action="signing.pin_wrong").exists()

    signing_settings.SIGNING_TSA_URL = tsa_down
    v2 = services.version_sign(actor=signers.chair, version=v1, pin=USER_PIN)
    assert v2.number == 2
    assert attempts(signers.chair_key) == (0, False)


def test_the_seal_without_the_tsa_is_a_conflict_and_can_be_applied_later(
    signers, signing_settings, tsa_down
):
    signing_settings.SIGNING_TSA_URL = tsa_down
    document = make_document(signers.body, signers.secretary)
    v2 = services.version_sign(actor=signers.chair, version=document.latest_version(), pin=USER_PIN)
    signing_settings.SIGNING_TSA_URL = f"http://127.0.0.1:{free_port()}/tsa"
    before = stored()
    with pytest.raises(Conflict, match=UNREACHABLE):
        services.version_sign(
            actor=signers.secretary, version=v2, pin=SEAL_PIN, kind="seal", body=signers.body
        )
    assert stored() == before
    assert attempts(signers.seal_key) == (0, False)
    signing_settings.SIGNING_TSA_URL = tsa_down
    v3 = services.version_sign(
        actor=signers.secretary, version=v2, pin=SEAL_PIN, kind="seal", body=signers.body
    )
    assert v3.number == 3


def test_the_api_answers_409_with_the_reason_and_stores_nothing(cabinet, signers, tsa_down):
    draft = circulate(cabinet)
    minister = client_for(cabinet, "minister")
    before = stored()
    response = post_json(minister, f"/api/drafts/{draft.pk}/versions/1/sign", {"pin": USER_PIN})
    assert response.status_code == 409, response.content
    error = response.json()
    assert error["error"] == "conflict"
    assert error["detail"].startswith(UNREACHABLE)
    assert USER_PIN not in response.content.decode()
    assert stored() == before
    assert attempts(signers.minister_key) == (0, False)


def test_the_signing_page_shows_the_reason_with_409_and_stores_nothing(cabinet, signers, tsa_down):
    draft = circulate(cabinet)
    minister = client_for(cabinet, "minister")
    before = stored()
    response = minister.post(f"/drafts/{draft.pk}/v/1/sign/", {"pin": USER_PIN})
    assert response.status_code == 409
    assert UNREACHABLE in response.content.decode()
    assert stored() == before
    assert attempts(signers.minister_key) == (0, False)
